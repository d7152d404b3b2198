import Foundation
import Glibc

/// Loop devices through the kernel's ioctls: /dev/loop-control to find a free device,
/// LOOP_CONFIGURE to bind it in one step (LOOP_SET_FD + LOOP_SET_STATUS64 on kernels
/// before 5.8), sysfs and LOOP_GET_STATUS64 to find what is bound.
///
/// Hosts without udev have only the nodes made at boot (/dev/loop0–7 here), so a device
/// number the kernel hands out gets its node made with mknod, using the major:minor sysfs
/// reports.
public struct LinuxLoopDeviceManager: LoopDeviceManager {
    /// Where device nodes live (a test may point it elsewhere; the kernel does not care).
    public var deviceDirectory: String
    /// Where the kernel describes block devices.
    public var sysfsBlockDirectory: String

    /// A manager for this host's loop devices.
    public init(deviceDirectory: String = "/dev", sysfsBlockDirectory: String = "/sys/block") {
        self.deviceDirectory = deviceDirectory
        self.sysfsBlockDirectory = sysfsBlockDirectory
    }

    /// LOOP_CTL_GET_FREE, mknod if needed, LOOP_CONFIGURE; see `LoopDeviceManager.attach`.
    public func attach(_ backingFile: String, offset: UInt64, sizeLimit: UInt64, readOnly: Bool) throws(SystemCallError) -> LoopDevice {
        var identity = stat()
        try systemCall("stat", path: backingFile) { stat(backingFile, &identity) }
        let existing = try attachments().first {
            $0.backingDevice == UInt64(identity.st_dev) && $0.backingInode == UInt64(identity.st_ino)
                && $0.offset == offset && $0.readOnly == readOnly
        }
        if let existing {
            if existing.sizeLimit == sizeLimit { return existing }
            let grows = existing.sizeLimit != 0 && (sizeLimit == 0 || sizeLimit > existing.sizeLimit)
            guard grows else {
                throw SystemCallError("attach (would shrink \(existing.path) from \(existing.sizeLimit) to \(sizeLimit) bytes)",
                                      path: backingFile, errno: EBUSY)
            }
            return try setSizeLimit(existing, to: sizeLimit)
        }

        let backing = try openFile(backingFile, readOnly ? O_RDONLY : O_RDWR)
        defer { close(backing) }
        var info = LoopInfo()
        info.offset = offset
        info.sizeLimit = sizeLimit
        info.flags = readOnly ? LoopInfo.readOnlyFlag : 0
        info.fileName = backingFile
        // Another process can be handed the same free number and bind it first: then the
        // kernel says EBUSY and the next free number is tried.
        for _ in 0..<32 {
            let number = try freeDeviceNumber()
            let node = try ensureNode(number)
            let device = try openFile(node, O_RDWR)
            defer { close(device) }
            info.number = UInt32(number)
            var config = LoopConfig(fd: UInt32(backing), info: info).bytes
            let configured = config.withUnsafeMutableBytes { ioctl(device, LoopRequest.configure, $0.baseAddress!) }
            if configured == 0 { return try status(of: number, node: node) }
            switch errno {
            case EBUSY:
                continue
            case EINVAL, ENOTTY:
                // No LOOP_CONFIGURE (kernel < 5.8): bind, then describe.
                let bound = ioctl(device, LoopRequest.setFD, backing)
                if bound != 0 {
                    if errno == EBUSY { continue }
                    throw SystemCallError("LOOP_SET_FD", path: node, errno: errno)
                }
                var described = info.bytes
                let result = described.withUnsafeMutableBytes { ioctl(device, LoopRequest.setStatus64, $0.baseAddress!) }
                if result != 0 {
                    let code = errno
                    _ = ioctl(device, LoopRequest.clearFD, 0)
                    throw SystemCallError("LOOP_SET_STATUS64", path: node, errno: code)
                }
                return try status(of: number, node: node)
            default:
                throw SystemCallError("LOOP_CONFIGURE", path: node, errno: errno)
            }
        }
        throw SystemCallError("LOOP_CONFIGURE (every free device was taken by another process)", path: backingFile, errno: EBUSY)
    }

    /// LOOP_GET_STATUS64 to check the binding, then LOOP_CLR_FD; see `LoopDeviceManager.detach`.
    public func detach(_ device: LoopDevice) throws(SystemCallError) {
        guard isBound(device.number) else { return }
        let node = try ensureNode(device.number)
        let fd = try openFile(node, O_RDONLY)
        defer { close(fd) }
        var info = LoopInfo()
        let read = info.bytes.withUnsafeMutableBytes { ioctl(fd, LoopRequest.getStatus64, $0.baseAddress!) }
        if read != 0 {
            if errno == ENXIO { return }
            throw SystemCallError("LOOP_GET_STATUS64", path: node, errno: errno)
        }
        // Only ever detach what the caller attached: the number may have been reused.
        guard info.device == device.backingDevice, info.inode == device.backingInode, info.offset == device.offset else { return }
        try systemCall("LOOP_CLR_FD", path: node) { ioctl(fd, LoopRequest.clearFD, 0) == 0 || errno == ENXIO ? 0 : -1 }
    }

    /// Bound devices from /sys/block/loop*/loop, described by LOOP_GET_STATUS64.
    public func attachments() throws(SystemCallError) -> [LoopDevice] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: sysfsBlockDirectory)) ?? []
        var result: [LoopDevice] = []
        for name in names where name.hasPrefix("loop") {
            guard let number = Int(name.dropFirst(4)), isBound(number) else { continue }
            let node = try ensureNode(number)
            do {
                result.append(try status(of: number, node: node))
            } catch where error.errno == ENXIO || error.errno == ENOENT {
                continue  // detached since sysfs was read
            }
        }
        return result.sorted { $0.number < $1.number }
    }

    /// Bound devices whose backing file has the device and inode of `backingFile`.
    public func attachments(of backingFile: String) throws(SystemCallError) -> [LoopDevice] {
        var identity = stat()
        try systemCall("stat", path: backingFile) { stat(backingFile, &identity) }
        return try attachments().filter {
            $0.backingDevice == UInt64(identity.st_dev) && $0.backingInode == UInt64(identity.st_ino)
        }
    }

    @discardableResult
    public func refreshCapacity(_ device: LoopDevice) throws(SystemCallError) -> UInt64 {
        let node = try ensureNode(device.number)
        let fd = try openFile(node, O_RDONLY)
        defer { close(fd) }
        try systemCall("LOOP_SET_CAPACITY", path: node) { ioctl(fd, LoopRequest.setCapacity, 0) }
        return try size(of: device)
    }

    /// BLKGETSIZE64 on the device node.
    public func size(of device: LoopDevice) throws(SystemCallError) -> UInt64 {
        try Self.blockDeviceSize(try ensureNode(device.number))
    }

    /// The size in bytes of any block device node (BLKGETSIZE64).
    public static func blockDeviceSize(_ path: String) throws(SystemCallError) -> UInt64 {
        let fd = try openFile(path, O_RDONLY)
        defer { close(fd) }
        var size: UInt64 = 0
        try systemCall("BLKGETSIZE64", path: path) { withUnsafeMutableBytes(of: &size) { ioctl(fd, LoopRequest.blockGetSize64, $0.baseAddress!) } }
        return size
    }

    // MARK: - Plumbing

    private func isBound(_ number: Int) -> Bool {
        FileManager.default.fileExists(atPath: "\(sysfsBlockDirectory)/loop\(number)/loop/backing_file")
    }

    private func freeDeviceNumber() throws(SystemCallError) -> Int {
        let control = try openFile("\(deviceDirectory)/loop-control", O_RDWR)
        defer { close(control) }
        return Int(try systemCall("LOOP_CTL_GET_FREE", path: "\(deviceDirectory)/loop-control") { ioctl(control, LoopRequest.controlGetFree) })
    }

    /// The node for /dev/loopN, made if missing; an existing path that is not that block
    /// device is an error (EEXIST), never replaced.
    private func ensureNode(_ number: Int) throws(SystemCallError) -> String {
        let node = "\(deviceDirectory)/loop\(number)"
        let sysfs = "\(sysfsBlockDirectory)/loop\(number)/dev"
        guard let text = try? String(contentsOfFile: sysfs, encoding: .utf8) else {
            throw SystemCallError("read", path: sysfs, errno: ENOENT)
        }
        let parts = text.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ":").compactMap { UInt32($0) }
        guard parts.count == 2 else { throw SystemCallError("parse major:minor", path: sysfs, errno: EINVAL) }
        let expected = Self.makeDevice(major: parts[0], minor: parts[1])
        for _ in 0..<2 {
            var info = stat()
            if stat(node, &info) == 0 {
                guard info.st_mode & S_IFMT == S_IFBLK, info.st_rdev == expected else {
                    throw SystemCallError("mknod (a different file is in the way)", path: node, errno: EEXIST)
                }
                return node
            }
            guard errno == ENOENT else { throw SystemCallError("stat", path: node, errno: errno) }
            if mknod(node, S_IFBLK | 0o660, expected) == 0 { return node }
            guard errno == EEXIST else { throw SystemCallError("mknod", path: node, errno: errno) }
        }
        return node
    }

    /// glibc's makedev (a macro Swift does not import).
    static func makeDevice(major: UInt32, minor: UInt32) -> dev_t {
        var device = dev_t(major & 0x0000_0fff) << 8
        device |= dev_t(major & 0xffff_f000) << 32
        device |= dev_t(minor & 0x0000_00ff)
        device |= dev_t(minor & 0xffff_ff00) << 12
        return device
    }

    private func status(of number: Int, node: String) throws(SystemCallError) -> LoopDevice {
        let fd = try openFile(node, O_RDONLY)
        defer { close(fd) }
        var info = LoopInfo()
        try systemCall("LOOP_GET_STATUS64", path: node) { info.bytes.withUnsafeMutableBytes { ioctl(fd, LoopRequest.getStatus64, $0.baseAddress!) } }
        let backingPath = "\(sysfsBlockDirectory)/loop\(number)/loop/backing_file"
        let backing = (try? String(contentsOfFile: backingPath, encoding: .utf8))?.trimmingCharacters(in: .newlines) ?? info.fileName
        return LoopDevice(number: number, backingFile: backing, offset: info.offset, sizeLimit: info.sizeLimit,
                          readOnly: info.flags & LoopInfo.readOnlyFlag != 0, backingDevice: info.device, backingInode: info.inode)
    }

    private func setSizeLimit(_ device: LoopDevice, to sizeLimit: UInt64) throws(SystemCallError) -> LoopDevice {
        let node = try ensureNode(device.number)
        let fd = try openFile(node, O_RDONLY)
        defer { close(fd) }
        var info = LoopInfo()
        try systemCall("LOOP_GET_STATUS64", path: node) { info.bytes.withUnsafeMutableBytes { ioctl(fd, LoopRequest.getStatus64, $0.baseAddress!) } }
        guard info.device == device.backingDevice, info.inode == device.backingInode, info.offset == device.offset else {
            throw SystemCallError("LOOP_SET_STATUS64 (rebound meanwhile)", path: node, errno: EBUSY)
        }
        info.sizeLimit = sizeLimit
        // Older kernels answer EAGAIN while they cannot drop the device's page cache.
        for attempt in 0..<20 {
            let result = info.bytes.withUnsafeMutableBytes { ioctl(fd, LoopRequest.setStatus64, $0.baseAddress!) }
            if result == 0 { return try status(of: device.number, node: node) }
            guard errno == EAGAIN || errno == EINTR, attempt < 19 else { throw SystemCallError("LOOP_SET_STATUS64", path: node, errno: errno) }
            usleep(50_000)
        }
        throw SystemCallError("LOOP_SET_STATUS64", path: node, errno: EAGAIN)
    }
}
