import Foundation
import Glibc

/// `Mounter` over mount(2), umount2(2) and /proc/self/mountinfo; never the mount binary,
/// whose behaviour differs between util-linux and busybox and whose helpers
/// (mount.nfs …) Ballast does not want.
public struct LinuxMounter: Mounter {
    /// The mount table to read (a test can point at a fixture).
    public var mountInfoPath: String

    /// A mounter for this process's mount namespace.
    public init(mountInfoPath: String = "/proc/self/mountinfo") {
        self.mountInfoPath = mountInfoPath
    }

    /// mount(2), unless the same device is mounted there already; see `Mounter.mount`.
    public func mount(_ source: String, at target: String, type: String, flags: MountFlags, options: String) throws(SystemCallError) {
        let mountPoint = try canonicalPath(target)
        if let existing = try topMount(at: mountPoint) {
            var device = stat()
            let sameDevice: Bool
            if stat(source, &device) == 0, device.st_mode & S_IFMT == S_IFBLK {
                sameDevice = existing.major == Self.major(device.st_rdev) && existing.minor == Self.minor(device.st_rdev)
            } else {
                // No device behind it (tmpfs, a FUSE source name): the table's words decide.
                sameDevice = existing.source == source && existing.fileSystemType == type
            }
            guard sameDevice, existing.isReadOnly == flags.contains(.readOnly) else {
                throw SystemCallError("mount (\(existing.source) is already mounted there)", path: target, errno: EBUSY)
            }
            return
        }
        try systemCall("mount", path: target) {
            Glibc.mount(source, mountPoint, type, flags.rawValue, options.isEmpty ? nil : options)
        }
    }

    /// mount(2) with MS_BIND (and MS_REC), then a bind remount for flags; see `Mounter.bind`.
    public func bind(_ source: String, at target: String, recursive: Bool, flags: MountFlags) throws(SystemCallError) {
        let mountPoint = try canonicalPath(target)
        if try topMount(at: mountPoint) != nil {
            var wanted = stat()
            var present = stat()
            try systemCall("stat", path: source) { stat(source, &wanted) }
            try systemCall("stat", path: target) { stat(mountPoint, &present) }
            guard wanted.st_dev == present.st_dev, wanted.st_ino == present.st_ino else {
                throw SystemCallError("bind mount (something else is mounted there)", path: target, errno: EBUSY)
            }
            return
        }
        let operation: MountFlags = recursive ? [.bind, .recursive] : .bind
        try systemCall("mount --bind", path: target) { Glibc.mount(source, mountPoint, nil, operation.rawValue, nil) }
        if !flags.isEmpty {
            do {
                try remount(mountPoint, flags: flags, bindMount: true)
            } catch {
                // A writable bind where a read-only one was asked for must not stay behind.
                _ = umount2(mountPoint, 0)
                throw error
            }
        }
    }

    /// mount(2) with MS_REMOUNT (and MS_BIND); see `Mounter.remount`.
    public func remount(_ target: String, flags: MountFlags, bindMount: Bool) throws(SystemCallError) {
        let mountPoint = try canonicalPath(target)
        var request: MountFlags = flags.union(.remount)
        if bindMount { request.formUnion(.bind) }
        try systemCall("mount -o remount", path: target) { Glibc.mount(nil, mountPoint, nil, request.rawValue, nil) }
    }

    /// mount(2) with MS_PRIVATE, MS_SLAVE, MS_SHARED or MS_UNBINDABLE.
    public func setPropagation(_ target: String, _ propagation: MountPropagation, recursive: Bool) throws(SystemCallError) {
        let mountPoint = try canonicalPath(target)
        let request = propagation.flag | (recursive ? MountFlags.recursive.rawValue : 0)
        try systemCall("mount --make-\(propagation.rawValue)", path: target) { Glibc.mount("none", mountPoint, nil, request, nil) }
    }

    /// umount2(2) with UMOUNT_NOFOLLOW (and MNT_DETACH when lazy); see `Mounter.unmount`.
    public func unmount(_ target: String, lazy: Bool) throws(SystemCallError) {
        let mountPoint: String
        do {
            mountPoint = try canonicalPath(target)
        } catch where error.errno == ENOENT {
            return
        }
        guard try topMount(at: mountPoint) != nil else { return }
        // UMOUNT_NOFOLLOW (8): the path was resolved above, a symlink swapped in since must
        // not redirect the unmount.
        let flags: Int32 = 8 | (lazy ? 2 : 0)
        // EBUSY may be brief: a child process started elsewhere in this process at the
        // moment a file on the volume was open holds it until the child execs or exits.
        var attempts = 0
        while true {
            do {
                try systemCall("umount", path: target) { umount2(mountPoint, flags) }
                return
            } catch where error.errno == EINVAL {
                // Unmounted by someone else between the check and the call.
                if try topMount(at: mountPoint) != nil { throw error }
                return
            } catch where error.errno == EBUSY && attempts < Self.busyRetries {
                attempts += 1
                usleep(50_000)
            }
        }
    }

    /// How many times a busy unmount is tried again, 50 ms apart.
    static let busyRetries = 40

    /// Parses `mountInfoPath`.
    public func mounts() throws(SystemCallError) -> [MountEntry] {
        // /proc files report size 0, so read until EOF rather than by size.
        let fd = try openFile(mountInfoPath, O_RDONLY)
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = try systemCall("read", path: mountInfoPath) { chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) } }
            if count == 0 { break }
            bytes.append(contentsOf: chunk[0..<count])
        }
        return MountEntry.parse(mountinfo: String(decoding: bytes, as: UTF8.self))
    }

    /// Whether the resolved path is a mount point in `mountInfoPath`.
    public func isMountPoint(_ path: String) throws(SystemCallError) -> Bool {
        try topMount(at: try canonicalPath(path)) != nil
    }

    // MARK: - Plumbing

    /// The last (topmost) mount at `mountPoint`, which is what path lookups there see.
    private func topMount(at mountPoint: String) throws(SystemCallError) -> MountEntry? {
        try mounts().last { $0.mountPoint == mountPoint }
    }

    /// `path` with symlinks resolved, as mountinfo shows mount points.
    private func canonicalPath(_ path: String) throws(SystemCallError) -> String {
        guard let resolved = realpath(path, nil) else { throw SystemCallError("realpath", path: path, errno: errno) }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    // glibc's major()/minor() are macros Swift does not import.
    static func major(_ device: dev_t) -> UInt32 {
        UInt32((device >> 8) & 0xfff) | UInt32((device >> 32) & ~0xfff)
    }

    static func minor(_ device: dev_t) -> UInt32 {
        UInt32(device & 0xff) | UInt32((device >> 12) & ~0xff)
    }
}
