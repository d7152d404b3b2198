import CZlib

/// Decompresses gzip (RFC 1952) from another reader with zlib; the only file that touches
/// zlib (STYLE rule 2). Concatenated gzip members are read as one stream, as Go's
/// compress/gzip (and so every registry client) does.
final class GzipReader: ByteReader {
    private let source: any ByteReader
    private var stream = z_stream()
    private var input: UnsafeMutablePointer<UInt8>
    private let inputCapacity = 256 * 1024
    private var finished = false
    private var sourceExhausted = false

    /// Starts decompressing `source`.
    /// - Throws: `ArchiveError.corrupt` if zlib cannot be initialised.
    init(_ source: any ByteReader) throws {
        self.source = source
        input = .allocate(capacity: inputCapacity)
        // windowBits 15 + 16: gzip framing only (not zlib, not raw deflate).
        let status = inflateInit2_(&stream, 15 + 16, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        guard status == Z_OK else {
            input.deallocate()
            throw ArchiveError.corrupt("zlib inflateInit2 failed (\(status))")
        }
    }

    deinit {
        inflateEnd(&stream)
        input.deallocate()
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return 0 }
        while !finished {
            if stream.avail_in == 0 && !sourceExhausted {
                let count = try source.read(into: UnsafeMutableRawBufferPointer(start: input, count: inputCapacity))
                if count == 0 {
                    sourceExhausted = true
                } else {
                    stream.next_in = input
                    stream.avail_in = UInt32(count)
                }
            }
            stream.next_out = base.assumingMemoryBound(to: UInt8.self)
            stream.avail_out = UInt32(min(buffer.count, Int(UInt32.max)))
            let status = inflate(&stream, Z_NO_FLUSH)
            let produced = buffer.count - Int(stream.avail_out)
            switch status {
            case Z_STREAM_END:
                // Another member may follow; anything else after the end is not gzip.
                if stream.avail_in == 0 && !sourceExhausted {
                    let count = try source.read(into: UnsafeMutableRawBufferPointer(start: input, count: inputCapacity))
                    if count == 0 { sourceExhausted = true } else {
                        stream.next_in = input
                        stream.avail_in = UInt32(count)
                    }
                }
                if stream.avail_in == 0 {
                    finished = true
                } else {
                    inflateReset(&stream)
                }
                if produced > 0 { return produced }
            case Z_OK, Z_BUF_ERROR:
                if produced > 0 { return produced }
                if stream.avail_in == 0 && sourceExhausted {
                    throw ArchiveError.corrupt("gzip stream ends early (truncated layer)")
                }
            default:
                let message = stream.msg.map { String(cString: $0) } ?? "status \(status)"
                throw ArchiveError.corrupt("gzip: \(message)")
            }
        }
        return 0
    }
}
