/// Reads a tar stream (POSIX ustar with PAX extended headers, and the GNU long-name
/// extensions that GNU tar and Docker write) one entry at a time, without seeking, so a
/// layer is unpacked as it is decompressed.
///
/// Written for Ballast rather than shelling out to tar(1): extraction must resolve every
/// path inside the image root (`LayerUnpacker`), which tar cannot be told to do, and the
/// reader must not trust sizes or names it is given.
final class TarReader {
    private let source: any ByteReader
    private var buffer: [UInt8]
    private var start = 0
    private var end = 0
    /// Data bytes of the current entry not yet read.
    private var remaining: Int64 = 0
    /// Zero bytes after the current entry's data, up to the next 512-byte block.
    private var padding = 0
    private var globalRecords: [String: [UInt8]] = [:]
    private var finished = false

    static let blockSize = 512
    /// PAX and GNU long-name headers larger than this are refused: they are metadata, and a
    /// crafted archive must not make the agent allocate gigabytes.
    static let metadataLimit: Int64 = 1 << 20

    init(_ source: any ByteReader) {
        self.source = source
        buffer = [UInt8](repeating: 0, count: 128 * 1024)
    }

    /// The next entry, or nil at the end of the archive. Data of the previous entry that was
    /// not read is skipped.
    func next() throws -> TarEntry? {
        guard !finished else { return nil }
        try skipRest()
        var records: [String: [UInt8]] = globalRecords
        var longName: String?
        var longLink: String?
        while true {
            guard let header = try readBlock() else {
                finished = true
                return nil
            }
            if header.allSatisfy({ $0 == 0 }) {
                // Two zero blocks end the archive; some writers stop after one.
                finished = true
                return nil
            }
            guard Self.checksumMatches(header) else { throw ArchiveError.corrupt("tar header checksum mismatch") }
            let type = header[156]
            let size = try Self.number(header[124..<136])
            guard size >= 0 else { throw ArchiveError.corrupt("negative tar entry size") }
            switch type {
            case UInt8(ascii: "x"), UInt8(ascii: "g"):
                let data = try readMetadata(size)
                let parsed = try Self.paxRecords(data)
                if type == UInt8(ascii: "g") {
                    globalRecords.merge(parsed) { $1 }
                }
                records.merge(parsed) { $1 }
                continue
            case UInt8(ascii: "L"):
                longName = Self.string(try readMetadata(size)[...])
                continue
            case UInt8(ascii: "K"):
                longLink = Self.string(try readMetadata(size)[...])
                continue
            case UInt8(ascii: "S"):
                throw ArchiveError.unsupported("GNU sparse files in tar archives")
            default:
                break
            }
            if records.keys.contains(where: { $0.hasPrefix("GNU.sparse.") }) {
                throw ArchiveError.unsupported("GNU sparse files in tar archives")
            }
            var entry = try Self.entry(header: header, size: size)
            if let longName { entry.path = longName }
            if let longLink { entry.linkName = longLink }
            try Self.apply(records, to: &entry)
            guard let kind = Self.kind(type, path: entry.path) else {
                // A type Ballast does not unpack (volume label, contiguous-file variants of
                // other tools): skipped with its data, as containerd does.
                remaining = entry.size
                padding = Self.padding(for: entry.size)
                try skipRest()
                records = globalRecords
                longName = nil
                longLink = nil
                continue
            }
            entry.kind = kind
            if kind != .regularFile {
                // Only regular files carry data; a hard link's size is 0 or ignored.
                remaining = entry.size
                padding = Self.padding(for: entry.size)
                try skipRest()
                entry.size = 0
            } else {
                remaining = entry.size
                padding = Self.padding(for: entry.size)
            }
            return entry
        }
    }

    /// Reads data of the current entry; 0 once it is all read.
    func readData(into target: UnsafeMutableRawBufferPointer) throws -> Int {
        guard remaining > 0, target.count > 0 else { return 0 }
        let wanted = Int(min(Int64(target.count), remaining))
        if end - start == 0 {
            try refill()
            if end - start == 0 { throw ArchiveError.corrupt("tar stream ends inside an entry") }
        }
        let count = min(wanted, end - start)
        buffer.withUnsafeBytes { source in
            target.copyMemory(from: UnsafeRawBufferPointer(rebasing: source[start..<(start + count)]))
        }
        start += count
        remaining -= Int64(count)
        return count
    }

    /// The whole data of the current entry, if it is at most `limit` bytes.
    func readAllData(limit: Int64) throws -> [UInt8] {
        guard remaining <= limit else { throw ArchiveError.corrupt("tar entry of \(remaining) bytes exceeds \(limit)") }
        var data = [UInt8](repeating: 0, count: Int(remaining))
        var filled = 0
        while filled < data.count {
            let count = try data.withUnsafeMutableBytes { try readData(into: UnsafeMutableRawBufferPointer(rebasing: $0[filled...])) }
            if count == 0 { break }
            filled += count
        }
        return data
    }

    // MARK: - Plumbing

    private func skipRest() throws {
        while remaining > 0 {
            if end - start == 0 {
                try refill()
                if end - start == 0 { throw ArchiveError.corrupt("tar stream ends inside an entry") }
            }
            let count = Int(min(Int64(end - start), remaining))
            start += count
            remaining -= Int64(count)
        }
        while padding > 0 {
            if end - start == 0 {
                try refill()
                // The final padding may be missing in a truncated but otherwise complete stream.
                if end - start == 0 { padding = 0; break }
            }
            let count = min(end - start, padding)
            start += count
            padding -= count
        }
    }

    private func readMetadata(_ size: Int64) throws -> [UInt8] {
        guard size <= Self.metadataLimit else { throw ArchiveError.corrupt("tar extended header of \(size) bytes") }
        remaining = size
        padding = Self.padding(for: size)
        let data = try readAllData(limit: Self.metadataLimit)
        try skipRest()
        return data
    }

    /// The next 512-byte block, copied out so that refilling the buffer does not copy it.
    private func readBlock() throws -> ArraySlice<UInt8>? {
        while end - start < Self.blockSize {
            let before = end - start
            try refill()
            if end - start == before {
                if before == 0 { return nil }
                throw ArchiveError.corrupt("tar stream ends inside a header")
            }
        }
        let block = Array(buffer[start..<(start + Self.blockSize)])
        start += Self.blockSize
        return block[...]
    }

    private func refill() throws {
        if start > 0 {
            buffer.withUnsafeMutableBytes { raw in
                guard let base = raw.baseAddress else { return }
                base.copyMemory(from: base + start, byteCount: end - start)
            }
            end -= start
            start = 0
        }
        guard end < buffer.count else { return }
        let count = try buffer.withUnsafeMutableBytes { try source.read(into: UnsafeMutableRawBufferPointer(rebasing: $0[end...])) }
        end += count
    }

    static func padding(for size: Int64) -> Int {
        let rest = Int(size % Int64(blockSize))
        return rest == 0 ? 0 : blockSize - rest
    }

    // MARK: - Header decoding

    static func checksumMatches(_ header: ArraySlice<UInt8>) -> Bool {
        guard let stored = try? number(header[(header.startIndex + 148)..<(header.startIndex + 156)]) else { return false }
        var unsigned: Int64 = 0
        var signed: Int64 = 0
        for (offset, byte) in header.enumerated() {
            let value = (148..<156).contains(offset) ? UInt8(ascii: " ") : byte
            unsigned += Int64(value)
            signed += Int64(Int8(bitPattern: value))
        }
        return stored == unsigned || stored == signed
    }

    static func entry(header: ArraySlice<UInt8>, size: Int64) throws -> TarEntry {
        let base = header.startIndex
        func field(_ offset: Int, _ length: Int) -> ArraySlice<UInt8> { header[(base + offset)..<(base + offset + length)] }
        var path = string(field(0, 100))
        let magic = Array(field(257, 6))
        if magic == Array("ustar\0".utf8) {
            let prefix = string(field(345, 155))
            if !prefix.isEmpty { path = prefix + "/" + path }
        }
        return TarEntry(
            path: path, kind: .regularFile,
            mode: UInt32(truncatingIfNeeded: try number(field(100, 8))) & 0o7777,
            uid: Int(try number(field(108, 8))), gid: Int(try number(field(116, 8))),
            size: size, modificationSeconds: try number(field(136, 12)),
            linkName: string(field(157, 100)),
            deviceMajor: UInt32(truncatingIfNeeded: (try? number(field(329, 8))) ?? 0),
            deviceMinor: UInt32(truncatingIfNeeded: (try? number(field(337, 8))) ?? 0))
    }

    static func kind(_ type: UInt8, path: String) -> TarEntry.Kind? {
        switch type {
        case 0, UInt8(ascii: "0"), UInt8(ascii: "7"):
            // Pre-POSIX archives mark directories only by a trailing slash.
            return type == 0 && path.hasSuffix("/") ? .directory : .regularFile
        case UInt8(ascii: "1"): return .hardLink
        case UInt8(ascii: "2"): return .symbolicLink
        case UInt8(ascii: "3"): return .characterDevice
        case UInt8(ascii: "4"): return .blockDevice
        case UInt8(ascii: "5"): return .directory
        case UInt8(ascii: "6"): return .fifo
        default: return nil
        }
    }

    /// A NUL-terminated header string.
    static func string(_ bytes: ArraySlice<UInt8>) -> String {
        String(decoding: bytes.prefix(while: { $0 != 0 }), as: UTF8.self)
    }

    /// A numeric header field: octal ASCII (space or NUL padded), or GNU base-256 when the
    /// first byte has its high bit set.
    static func number(_ bytes: ArraySlice<UInt8>) throws -> Int64 {
        guard let first = bytes.first else { return 0 }
        if first & 0x80 != 0 {
            var value: Int64 = first == 0xff ? -1 : Int64(first & 0x7f)
            for byte in bytes.dropFirst() {
                guard value.leadingZeroBitCount > 8 || value < 0 else { throw ArchiveError.corrupt("tar number overflows") }
                value = (value << 8) | Int64(byte)
            }
            return value
        }
        var value: Int64 = 0
        var seenDigit = false
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "7"):
                guard value < (Int64.max >> 3) else { throw ArchiveError.corrupt("tar number overflows") }
                value = value * 8 + Int64(byte - UInt8(ascii: "0"))
                seenDigit = true
            case UInt8(ascii: " "), 0:
                if seenDigit { return value }
            default:
                throw ArchiveError.corrupt("bad octal number in tar header")
            }
        }
        return value
    }

    /// PAX records: "<length> <key>=<value>\n", the length counting the whole record.
    static func paxRecords(_ data: [UInt8]) throws -> [String: [UInt8]] {
        var records: [String: [UInt8]] = [:]
        var index = 0
        while index < data.count {
            if data[index] == 0 { break }
            guard let space = data[index...].firstIndex(of: UInt8(ascii: " ")),
                  let length = Int(String(decoding: data[index..<space], as: UTF8.self)), length > 0,
                  index + length <= data.count, data[index + length - 1] == UInt8(ascii: "\n"),
                  let equals = data[(space + 1)..<(index + length)].firstIndex(of: UInt8(ascii: "="))
            else { throw ArchiveError.corrupt("malformed PAX record") }
            let key = String(decoding: data[(space + 1)..<equals], as: UTF8.self)
            records[key] = Array(data[(equals + 1)..<(index + length - 1)])
            index += length
        }
        return records
    }

    static func apply(_ records: [String: [UInt8]], to entry: inout TarEntry) throws {
        for (key, value) in records {
            let text = String(decoding: value, as: UTF8.self)
            switch key {
            case "path": entry.path = text
            case "linkpath": entry.linkName = text
            case "size":
                guard let size = Int64(text), size >= 0 else { throw ArchiveError.corrupt("bad PAX size \(text)") }
                entry.size = size
            case "uid": entry.uid = Int(text) ?? entry.uid
            case "gid": entry.gid = Int(text) ?? entry.gid
            case "mtime":
                let parts = text.split(separator: ".", maxSplits: 1)
                if let seconds = parts.first.flatMap({ Int64($0) }) { entry.modificationSeconds = seconds }
                if parts.count == 2 {
                    let digits = String(parts[1].prefix(9))
                    let padded = digits + String(repeating: "0", count: 9 - digits.count)
                    entry.modificationNanoseconds = Int(padded) ?? 0
                }
            default:
                if key.hasPrefix("SCHILY.xattr.") {
                    entry.extendedAttributes[String(key.dropFirst("SCHILY.xattr.".count))] = value
                }
            }
        }
    }
}
