public import BallastAPI

/// Why a client call failed: the server's Status (with its HTTP code), or a transport or
/// decoding problem.
public enum ClientError: Error, Sendable, CustomStringConvertible {
    case status(Status)
    case transport(String)
    case decoding(String)

    public var code: Int? {
        if case .status(let status) = self { return status.code }
        return nil
    }

    public var isNotFound: Bool { code == 404 }
    public var isConflict: Bool { code == 409 }
    public var isAlreadyExists: Bool {
        if case .status(let status) = self { return status.reason == "AlreadyExists" }
        return false
    }

    public var description: String {
        switch self {
        case .status(let status): return "\(status.code ?? 0) \(status.reason ?? ""): \(status.message ?? "")"
        case .transport(let message): return "transport: \(message)"
        case .decoding(let message): return "decoding: \(message)"
        }
    }
}
