/// Mounts and unmounts filesystems and bind mounts, and reads the mount table.
///
/// Every change is idempotent, because a node agent repeats it after a crash: mounting
/// what is already mounted there succeeds, and unmounting what is not mounted succeeds.
public protocol Mounter: Sendable {
    /// Mounts the filesystem of type `type` on the block device `source` at `target` (an
    /// existing directory), with `flags` and filesystem-specific `options` ("nouuid").
    ///
    /// Succeeds without doing anything if `target` is already a mount of the same device with
    /// the same read-only setting. A different mount on `target` is an error (EBUSY): the
    /// caller decides whether to unmount it.
    func mount(_ source: String, at target: String, type: String, flags: MountFlags, options: String) throws(SystemCallError)

    /// Bind mounts `source` (a directory or file) at `target`, recursively (rbind) when
    /// `recursive`, read-only when `flags` says so (bind mounts take flags only by a second,
    /// remount step, which this does).
    ///
    /// Succeeds without doing anything if `target` is already a mount showing the same inode
    /// as `source`; another mount on `target` is an error (EBUSY).
    func bind(_ source: String, at target: String, recursive: Bool, flags: MountFlags) throws(SystemCallError)

    /// Changes the per-mount flags of the mount at `target` (MS_REMOUNT; with MS_BIND for a
    /// bind mount, so the superblock, shared with other mounts, is left alone).
    func remount(_ target: String, flags: MountFlags, bindMount: Bool) throws(SystemCallError)

    /// Sets the propagation of the mount at `target` (and, if `recursive`, of its submounts).
    func setPropagation(_ target: String, _ propagation: MountPropagation, recursive: Bool) throws(SystemCallError)

    /// Unmounts the topmost mount at `target`; succeeds if `target` is not a mount point.
    /// `lazy` (MNT_DETACH) detaches it now and frees it when it is no longer busy.
    func unmount(_ target: String, lazy: Bool) throws(SystemCallError)

    /// The mounts visible to this process, in /proc/self/mountinfo order (parents first).
    func mounts() throws(SystemCallError) -> [MountEntry]

    /// Whether `path` (symlinks resolved) is where something is mounted.
    func isMountPoint(_ path: String) throws(SystemCallError) -> Bool
}

extension Mounter {
    /// Mounts a filesystem with no extra flags or options.
    public func mount(_ source: String, at target: String, type: String) throws(SystemCallError) {
        try mount(source, at: target, type: type, flags: [], options: "")
    }

    /// Unmounts `target` now (not lazily).
    public func unmount(_ target: String) throws(SystemCallError) {
        try unmount(target, lazy: false)
    }
}
