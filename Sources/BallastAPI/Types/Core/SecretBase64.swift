/// Standard base64 (RFC 4648, padded) as Go's encoding/base64 reads it for Secret data and
/// ConfigMap binaryData: line breaks are skipped, anything else outside the alphabet is an
/// error that names its byte offset.
public enum SecretBase64 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    private static let values: [Int8] = {
        var table = [Int8](repeating: -1, count: 256)
        for (index, byte) in alphabet.enumerated() { table[Int(byte)] = Int8(index) }
        return table
    }()

    /// Why a value is not base64: "illegal base64 data at input byte 3".
    public struct DecodeError: Error, Sendable, Equatable, CustomStringConvertible {
        public var offset: Int
        public init(offset: Int) { self.offset = offset }
        /// The message Go's encoding/base64 gives.
        public var description: String { "illegal base64 data at input byte \(offset)" }
    }

    /// The bytes `text` encodes.
    public static func decode(_ text: String) throws(DecodeError) -> [UInt8] {
        var output: [UInt8] = []
        var quantum: [UInt8] = []
        var padding = 0
        var quantumStart = 0
        var ended = false
        for (offset, byte) in text.utf8.enumerated() {
            if byte == 0x0A || byte == 0x0D { continue }
            // Padding ends the data: nothing may follow it.
            if ended { throw DecodeError(offset: offset) }
            if quantum.isEmpty { quantumStart = offset }
            if padding > 0 {
                // After "=", only more "=" may complete the quantum.
                guard byte == UInt8(ascii: "="), quantum.count + padding < 4 else { throw DecodeError(offset: offset) }
                padding += 1
                if quantum.count + padding == 4 { flush() }
                continue
            }
            if byte == UInt8(ascii: "=") {
                guard quantum.count >= 2 else { throw DecodeError(offset: offset) }
                padding = 1
                if quantum.count + padding == 4 { flush() }
                continue
            }
            let value = values[Int(byte)]
            guard value >= 0 else { throw DecodeError(offset: offset) }
            quantum.append(UInt8(value))
            if quantum.count == 4 { flush() }
        }
        if !quantum.isEmpty || padding > 0 { throw DecodeError(offset: quantumStart) }
        return output

        func flush() {
            let sextets = quantum + [UInt8](repeating: 0, count: 4 - quantum.count)
            let bytes = [
                sextets[0] << 2 | sextets[1] >> 4,
                (sextets[1] & 0x0F) << 4 | sextets[2] >> 2,
                (sextets[2] & 0x03) << 6 | sextets[3],
            ]
            output += bytes.prefix(quantum.count - 1)
            ended = padding > 0
            quantum = []
            padding = 0
        }
    }

    /// `bytes` as padded standard base64.
    public static func encode(_ bytes: some Sequence<UInt8>) -> String {
        let bytes = Array(bytes)
        var output: [UInt8] = []
        output.reserveCapacity((bytes.count + 2) / 3 * 4)
        var index = 0
        while index < bytes.count {
            let chunk = bytes[index..<min(index + 3, bytes.count)]
            let b0 = chunk[chunk.startIndex]
            let b1 = chunk.count > 1 ? chunk[chunk.startIndex + 1] : 0
            let b2 = chunk.count > 2 ? chunk[chunk.startIndex + 2] : 0
            output.append(alphabet[Int(b0 >> 2)])
            output.append(alphabet[Int((b0 & 0x03) << 4 | b1 >> 4)])
            output.append(chunk.count > 1 ? alphabet[Int((b1 & 0x0F) << 2 | b2 >> 6)] : UInt8(ascii: "="))
            output.append(chunk.count > 2 ? alphabet[Int(b2 & 0x3F)] : UInt8(ascii: "="))
            index += 3
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// Decodes a map of base64 values at `key` of a decoder's container, failing the way
    /// Kubernetes fails a body whose data is not base64.
    static func decodeMap<Key: CodingKey>(_ container: KeyedDecodingContainer<Key>, forKey key: Key) throws -> [String: String]? {
        guard let map = try container.decodeIfPresent([String: String].self, forKey: key) else { return nil }
        for (name, value) in map {
            do {
                _ = try decode(value)
            } catch {
                throw DecodingError.dataCorrupted(.init(codingPath: container.codingPath + [key, SecretDataKey(name)],
                                                        debugDescription: error.description))
            }
        }
        return map
    }
}

/// A map key as a coding path element, for error messages.
private struct SecretDataKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(_ name: String) { stringValue = name }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}
