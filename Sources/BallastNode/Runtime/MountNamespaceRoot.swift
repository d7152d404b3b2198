import Glibc

/// Whether this process sees its mount namespace's root as `/`.
///
/// A runtime's `exec` joins the container's mount namespace with setns(2), which puts the
/// new process at the top of the namespace's root mount, not at the container's root: a
/// container started by a chrooted agent was pivoted under the chroot, so an exec from
/// there lands in the host's root instead (measured in a chroot with crun 1.8 and runc).
public enum MountNamespaceRoot {
    /// True when `/` differs from the root of PID 1 while both share one mount namespace
    /// (a chroot); false when that cannot be told (PID 1 in another namespace).
    public static let isChrooted: Bool = {
        guard link("/proc/self/ns/mnt") == link("/proc/1/ns/mnt"), link("/proc/self/ns/mnt") != nil else { return false }
        var own = stat()
        var first = stat()
        guard stat("/", &own) == 0, stat("/proc/1/root", &first) == 0 else { return false }
        return own.st_dev != first.st_dev || own.st_ino != first.st_ino
    }()

    private static func link(_ path: String) -> String? {
        var buffer = [CChar](repeating: 0, count: 256)
        let count = readlink(path, &buffer, buffer.count - 1)
        guard count > 0 else { return nil }
        return String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
