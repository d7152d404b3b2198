import Crypto

/// A content digest as the OCI image spec writes it: "sha256:" and 64 lowercase hex
/// digits. Every blob and manifest Ballast stores is named and checked by one.
public struct Digest: Hashable, Sendable, Comparable, CustomStringConvertible, Codable {
    /// The algorithm; only "sha256" is accepted (the one every registry uses).
    public let algorithm: String
    /// The hex encoding of the hash.
    public let encoded: String

    /// Parses "sha256:<64 hex>".
    /// - Throws: `ImageError.invalidReference` for anything else (sha512 included: it is
    ///   rare and Ballast could not verify it).
    public init(parsing text: String) throws(ImageError) {
        let parts = text.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0] == "sha256" else {
            throw ImageError.invalidReference(text, "a digest must be sha256:<64 hex digits>")
        }
        try self.init(sha256Hex: String(parts[1]))
    }

    /// A sha256 digest from its hex encoding.
    public init(sha256Hex hex: String) throws(ImageError) {
        guard hex.utf8.count == 64, hex.utf8.allSatisfy({ ($0 >= 48 && $0 <= 57) || ($0 >= 97 && $0 <= 102) }) else {
            throw ImageError.invalidReference("sha256:" + hex, "a sha256 digest has 64 lowercase hex digits")
        }
        algorithm = "sha256"
        encoded = hex
    }

    private init(trustedHex: String) {
        algorithm = "sha256"
        encoded = trustedHex
    }

    /// The digest of `bytes`.
    public static func sha256(of bytes: some Sequence<UInt8>) -> Digest {
        var hasher = DigestHasher()
        hasher.update(Array(bytes))
        return hasher.finalize()
    }

    /// "sha256:<hex>".
    public var description: String { algorithm + ":" + encoded }

    public static func < (lhs: Digest, rhs: Digest) -> Bool { lhs.description < rhs.description }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        do {
            try self.init(parsing: text)
        } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: error.description)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    static func fromHash(_ bytes: some Sequence<UInt8>) -> Digest {
        let hex = bytes.map { byte -> String in
            let text = String(byte, radix: 16)
            return byte < 16 ? "0" + text : text
        }.joined()
        return Digest(trustedHex: hex)
    }
}

/// sha256 over data that arrives in pieces (a download, a decompressed layer).
struct DigestHasher {
    private var hasher = SHA256()
    /// Bytes hashed so far.
    private(set) var count: Int64 = 0

    mutating func update(_ bytes: UnsafeRawBufferPointer) {
        hasher.update(bufferPointer: bytes)
        count += Int64(bytes.count)
    }

    mutating func update(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { update($0) }
    }

    func finalize() -> Digest {
        Digest.fromHash(hasher.finalize())
    }
}
