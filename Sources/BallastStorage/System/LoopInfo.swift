/// The kernel's `struct loop_info64` (linux/loop.h) as raw bytes.
///
/// Swift does not promise C layout for its structs and the header is not imported, so the
/// fields are read and written at their documented offsets; `LoopInfoTests` pins them.
struct LoopInfo {
    static let size = 232
    static let nameSize = 64

    /// LO_FLAGS_READ_ONLY.
    static let readOnlyFlag: UInt32 = 1

    var bytes = [UInt8](repeating: 0, count: LoopInfo.size)

    var device: UInt64 {
        get { load(at: 0) }
        set { store(newValue, at: 0) }
    }
    var inode: UInt64 {
        get { load(at: 8) }
        set { store(newValue, at: 8) }
    }
    var offset: UInt64 {
        get { load(at: 24) }
        set { store(newValue, at: 24) }
    }
    var sizeLimit: UInt64 {
        get { load(at: 32) }
        set { store(newValue, at: 32) }
    }
    var number: UInt32 {
        get { load(at: 40) }
        set { store(newValue, at: 40) }
    }
    var flags: UInt32 {
        get { load(at: 52) }
        set { store(newValue, at: 52) }
    }

    /// lo_file_name: informational only (losetup shows it), truncated to 63 bytes.
    var fileName: String {
        get {
            let field = bytes[56..<(56 + Self.nameSize)]
            return String(decoding: field.prefix { $0 != 0 }, as: UTF8.self)
        }
        set {
            let name = Array(newValue.utf8.prefix(Self.nameSize - 1))
            for index in 0..<Self.nameSize { bytes[56 + index] = index < name.count ? name[index] : 0 }
        }
    }

    private func load<T: FixedWidthInteger>(at offset: Int) -> T {
        bytes.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: offset, as: T.self) }
    }

    private mutating func store<T: FixedWidthInteger>(_ value: T, at offset: Int) {
        bytes.withUnsafeMutableBytes { $0.storeBytes(of: value, toByteOffset: offset, as: T.self) }
    }
}

/// The kernel's `struct loop_config` for LOOP_CONFIGURE: fd, block size, a loop_info64, and
/// 64 reserved bytes.
struct LoopConfig {
    static let size = 8 + LoopInfo.size + 64

    var fd: UInt32
    var info: LoopInfo

    var bytes: [UInt8] {
        var result = [UInt8](repeating: 0, count: Self.size)
        result.withUnsafeMutableBytes { $0.storeBytes(of: fd, toByteOffset: 0, as: UInt32.self) }
        result.replaceSubrange(8..<(8 + LoopInfo.size), with: info.bytes)
        return result
    }
}

/// ioctl request numbers from linux/loop.h and linux/fs.h.
enum LoopRequest {
    static let setFD: UInt = 0x4C00
    static let clearFD: UInt = 0x4C01
    static let setStatus64: UInt = 0x4C04
    static let getStatus64: UInt = 0x4C05
    static let setCapacity: UInt = 0x4C07
    static let configure: UInt = 0x4C0A
    static let controlGetFree: UInt = 0x4C82
    /// BLKGETSIZE64: _IOR(0x12, 114, size_t).
    static let blockGetSize64: UInt = 0x8008_1272
}
