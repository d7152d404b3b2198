/// One request to the API, independent of the HTTP library that carried it, so that the
/// in-process loopback client and HTTPS go through exactly the same handler.
public struct APIRequest: Sendable {
    public var method: String
    /// The path without the query, percent-decoded.
    public var path: String
    /// Query parameters (the first value of each name; `dryRun` may repeat but only "All" exists).
    public var query: [String: String]
    /// Header values by lower-cased name.
    public var headers: [String: String]
    public var body: [UInt8]
    /// Who sent it; set by authentication.
    public var user: UserInfo?

    public init(method: String, path: String, query: [String: String] = [:], headers: [String: String] = [:],
                body: [UInt8] = [], user: UserInfo? = nil) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
        self.user = user
    }

    public var contentType: String { headers["content-type"] ?? "application/json" }
    public var accept: String { headers["accept"] ?? "application/json" }

    /// Splits "a=1&b=x%20y" into decoded pairs.
    public static func parseQuery(_ query: String) -> [String: String] {
        var out: [String: String] = [:]
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = percentDecode(String(parts[0]))
            let value = parts.count > 1 ? percentDecode(String(parts[1])) : ""
            if out[name] == nil { out[name] = value }
        }
        return out
    }

    /// Decodes %XX escapes and '+' as a space (form encoding, as Go's url.ParseQuery does).
    public static func percentDecode(_ text: String, plusIsSpace: Bool = true) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var iterator = Array(text.utf8).makeIterator()
        while let byte = iterator.next() {
            if byte == UInt8(ascii: "%"), let high = iterator.next(), let low = iterator.next(),
                let value = UInt8(String(decoding: [high, low], as: UTF8.self), radix: 16)
            {
                bytes.append(value)
            } else if byte == UInt8(ascii: "+"), plusIsSpace {
                bytes.append(UInt8(ascii: " "))
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// An authenticated identity.
public struct UserInfo: Sendable, Equatable {
    public var name: String
    public var uid: String
    public var groups: [String]

    public init(name: String, uid: String = "", groups: [String] = []) {
        self.name = name
        self.uid = uid
        self.groups = groups
    }

    /// The node a node agent's credentials belong to ("system:node:<name>"), if any.
    public var nodeName: String? {
        guard groups.contains("system:nodes"), name.hasPrefix("system:node:") else { return nil }
        return String(name.dropFirst("system:node:".count))
    }

    public var isAdmin: Bool { groups.contains("system:masters") }
}
