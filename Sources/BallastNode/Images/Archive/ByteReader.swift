import BallastStorage
import Glibc

/// A source of bytes read front to back: a file, a decompressor, a tar entry.
protocol ByteReader: AnyObject {
    /// Fills up to `buffer.count` bytes and returns how many; 0 only at the end.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int
}

extension ByteReader {
    /// Reads exactly `count` bytes, or fewer only at the end of the input.
    func readFully(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        var filled = 0
        while filled < buffer.count {
            let count = try read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[filled...]))
            if count == 0 { break }
            filled += count
        }
        return filled
    }
}

/// Reads an open file descriptor (owned: closed on deinit).
final class FileByteReader: ByteReader {
    let descriptor: Int32
    let path: String

    init(path: String) throws(SystemCallError) {
        self.path = path
        descriptor = try FileIO.open(path, O_RDONLY)
    }

    deinit { close(descriptor) }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        try posixCall("read", path: path) { Glibc.read(descriptor, buffer.baseAddress, buffer.count) }
    }
}

/// Bytes already in memory.
final class MemoryByteReader: ByteReader {
    private let bytes: [UInt8]
    private var offset = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let count = min(buffer.count, bytes.count - offset)
        guard count > 0 else { return 0 }
        bytes.withUnsafeBytes { source in
            buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: source[offset..<(offset + count)]))
        }
        offset += count
        return count
    }
}

/// Lets a reader's first bytes be inspected (to recognise gzip or zstd) and then read
/// again as if untouched.
final class PeekableByteReader: ByteReader {
    private let base: any ByteReader
    private var peeked: [UInt8] = []
    private var offset = 0

    init(_ base: any ByteReader) { self.base = base }

    /// Up to `count` first bytes (fewer if the input is shorter).
    func peek(_ count: Int) throws -> [UInt8] {
        while peeked.count < count {
            var chunk = [UInt8](repeating: 0, count: count - peeked.count)
            let read = try chunk.withUnsafeMutableBytes { try base.read(into: $0) }
            if read == 0 { break }
            peeked.append(contentsOf: chunk[0..<read])
        }
        return Array(peeked.prefix(count))
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        if offset < peeked.count {
            let count = min(buffer.count, peeked.count - offset)
            peeked.withUnsafeBytes { source in
                buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: source[offset..<(offset + count)]))
            }
            offset += count
            return count
        }
        return try base.read(into: buffer)
    }
}
