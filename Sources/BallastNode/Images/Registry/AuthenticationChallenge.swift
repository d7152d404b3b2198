/// One challenge of a `WWW-Authenticate` header (RFC 7235): a scheme and its parameters,
/// e.g. `Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/redis:pull"`.
struct AuthenticationChallenge: Sendable, Equatable {
    /// The scheme, lower-cased ("bearer", "basic").
    var scheme: String
    /// Parameter names (lower-cased) → values, quotes and escapes removed.
    var parameters: [String: String]

    /// Every challenge in a header value (a registry may offer more than one).
    static func parse(_ header: String) -> [AuthenticationChallenge] {
        var challenges: [AuthenticationChallenge] = []
        var scanner = Scanner(Array(header.utf8))
        while true {
            scanner.skip { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\t") }
            guard let scheme = scanner.token(), !scheme.isEmpty else { break }
            var challenge = AuthenticationChallenge(scheme: scheme.lowercased(), parameters: [:])
            while true {
                scanner.skip { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }
                let mark = scanner.position
                guard let name = scanner.token(), !name.isEmpty else { break }
                scanner.skip { $0 == UInt8(ascii: " ") }
                guard scanner.consume(UInt8(ascii: "=")) else {
                    // A token without "=": the next challenge's scheme.
                    scanner.position = mark
                    break
                }
                scanner.skip { $0 == UInt8(ascii: " ") }
                let value = scanner.peek == UInt8(ascii: "\"") ? scanner.quoted() : (scanner.token() ?? "")
                challenge.parameters[name.lowercased()] = value
                scanner.skip { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }
                if !scanner.consume(UInt8(ascii: ",")) { break }
            }
            challenges.append(challenge)
        }
        return challenges
    }

    private struct Scanner {
        let bytes: [UInt8]
        var position = 0

        init(_ bytes: [UInt8]) { self.bytes = bytes }

        var peek: UInt8? { position < bytes.count ? bytes[position] : nil }

        mutating func skip(while predicate: (UInt8) -> Bool) {
            while let byte = peek, predicate(byte) { position += 1 }
        }

        mutating func consume(_ byte: UInt8) -> Bool {
            guard peek == byte else { return false }
            position += 1
            return true
        }

        /// An RFC 7230 token (also accepts "/" and ":" so that unquoted URLs survive).
        mutating func token() -> String? {
            let start = position
            while let byte = peek, byte > 32, byte != UInt8(ascii: "="), byte != UInt8(ascii: ","), byte != UInt8(ascii: "\"") {
                position += 1
            }
            return String(decoding: bytes[start..<position], as: UTF8.self)
        }

        mutating func quoted() -> String {
            position += 1
            var value: [UInt8] = []
            while let byte = peek {
                position += 1
                if byte == UInt8(ascii: "\\"), let next = peek {
                    value.append(next)
                    position += 1
                } else if byte == UInt8(ascii: "\"") {
                    break
                } else {
                    value.append(byte)
                }
            }
            return String(decoding: value, as: UTF8.self)
        }
    }
}
