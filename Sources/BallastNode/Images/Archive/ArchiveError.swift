/// Why an archive (an image layer, an image archive) could not be read.
enum ArchiveError: Error, Sendable, CustomStringConvertible {
    /// The bytes are not a well-formed tar or gzip stream.
    case corrupt(String)
    /// A compression or tar feature Ballast does not read.
    case unsupported(String)

    var description: String {
        switch self {
        case .corrupt(let detail): "corrupt archive: \(detail)"
        case .unsupported(let detail): "unsupported archive: \(detail)"
        }
    }
}

/// How a layer or archive is compressed, told by its first bytes (media types lie or are
/// missing in archives, magic numbers do not).
enum Compression: Sendable, Equatable {
    case none, gzip, zstd, bzip2, xz

    /// Recognises the magic number at the start of `bytes`.
    static func detect(_ bytes: [UInt8]) -> Compression {
        if bytes.starts(with: [0x1f, 0x8b]) { return .gzip }
        if bytes.starts(with: [0x28, 0xb5, 0x2f, 0xfd]) { return .zstd }
        if bytes.starts(with: [0x42, 0x5a, 0x68]) { return .bzip2 }
        if bytes.starts(with: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]) { return .xz }
        return .none
    }

    /// A reader of the uncompressed tar stream in `reader`.
    /// - Throws: `ArchiveError.unsupported` for zstd, bzip2 and xz: Ballast reads plain and
    ///   gzip'd tar only (zstd layers are rare on Docker Hub; supporting them needs libzstd).
    static func decompressing(_ reader: any ByteReader) throws -> any ByteReader {
        let peekable = PeekableByteReader(reader)
        switch detect(try peekable.peek(6)) {
        case .none: return peekable
        case .gzip: return try GzipReader(peekable)
        case .zstd: throw ArchiveError.unsupported("zstd-compressed layers are not supported (only tar and tar+gzip); push the image with gzip compression")
        case .bzip2: throw ArchiveError.unsupported("bzip2-compressed archives are not supported (only tar and tar+gzip)")
        case .xz: throw ArchiveError.unsupported("xz-compressed archives are not supported (only tar and tar+gzip)")
        }
    }
}
