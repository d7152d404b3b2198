public import BallastAPI

/// What the API answers: a status, a content type, and a body that is either complete or a
/// stream of chunks (watches, logs), each flushed to the client as it comes.
public struct APIResponse: Sendable {
    public enum Body: Sendable {
        case bytes([UInt8])
        case stream(AsyncStream<[UInt8]>)
    }

    public var status: Int
    public var contentType: String
    public var headers: [(String, String)]
    public var body: Body

    public init(status: Int, contentType: String = "application/json", headers: [(String, String)] = [], body: Body) {
        self.status = status
        self.contentType = contentType
        self.headers = headers
        self.body = body
    }

    public static func json(_ status: Int, _ bytes: [UInt8], headers: [(String, String)] = []) -> APIResponse {
        APIResponse(status: status, headers: headers, body: .bytes(bytes))
    }

    public static func json(_ status: Int, value: JSONValue) -> APIResponse {
        APIResponse(status: status, body: .bytes(value.serialized()))
    }

    public static func error(_ error: any APIStatusError) -> APIResponse {
        APIResponse(status: error.status.code ?? 500, body: .bytes(APICodec.encode(error.status)))
    }

    /// The complete body, for callers that do not stream (tests, the loopback client).
    public var bytes: [UInt8]? {
        if case .bytes(let bytes) = body { return bytes }
        return nil
    }
}
