/// One request from a client, before any transport carries it.
public struct ClientRequest: Sendable {
    public var method: String
    /// The path, already percent-encoded where needed ("/api/v1/namespaces/default/pods").
    public var path: String
    public var query: [(String, String)]
    public var headers: [(String, String)]
    public var body: [UInt8]

    public init(method: String, path: String, query: [(String, String)] = [], headers: [(String, String)] = [], body: [UInt8] = []) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
    }

    /// The path with its query string.
    public var target: String {
        guard !query.isEmpty else { return path }
        return path + "?" + query.map { "\(ClientRequest.escape($0.0))=\(ClientRequest.escape($0.1))" }.joined(separator: "&")
    }

    static func escape(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~"):
                out.append(Character(Unicode.Scalar(byte)))
            default:
                out += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return out
    }
}

extension String {
    func leftPadded(to width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}

/// A complete response.
public struct ClientResponse: Sendable {
    public var status: Int
    public var body: [UInt8]

    public init(status: Int, body: [UInt8]) {
        self.status = status
        self.body = body
    }
}

/// A streamed response (watches, logs): the status, then the body as it arrives.
public struct StreamingResponse: Sendable {
    public var status: Int
    public var body: AsyncThrowingStream<[UInt8], any Error>

    public init(status: Int, body: AsyncThrowingStream<[UInt8], any Error>) {
        self.status = status
        self.body = body
    }
}

/// How a client reaches the API server: HTTPS from outside, or the in-process loopback the
/// control plane's own controllers use. Both reach the same request handler.
public protocol ClientTransport: Sendable {
    /// Sends a request and returns the whole response.
    func send(_ request: ClientRequest) async throws -> ClientResponse
    /// Sends a request and streams the response body.
    func stream(_ request: ClientRequest) async throws -> StreamingResponse
}
