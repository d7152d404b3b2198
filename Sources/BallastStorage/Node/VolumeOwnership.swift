import Glibc

/// Applies a pod's fsGroup to a volume, as the kubelet's SetVolumeOwnership does: every
/// file and directory gets the group, group read (and write unless the volume is
/// read-only), and directories get setgid so new files inherit the group.
///
/// Recursion is what makes big volumes start slowly (storage-rules.md pain 9): unless the
/// pod asks for "Always", the walk runs only when the root does not already show the
/// result (OnRootMismatch), so a volume is walked once, not at every pod start.
enum VolumeOwnership {
    /// The fsGroupChangePolicy that walks on every set-up.
    static let always = "Always"

    /// Applies `group` to the tree at `root`. Symlinks get the group themselves and are
    /// never followed; other filesystems mounted below are not entered.
    static func apply(group: gid_t, to root: String, readOnly: Bool, policy: String?) throws(VolumeError) {
        do {
            let handle = try FileHandleAt.open(root, directory: false, pathOnly: true, followLast: false)
            let st = try handle.status()
            if policy != always, rootMatches(st, group: group, readOnly: readOnly) { return }
            try walk(handle, status: st, group: group, readOnly: readOnly, device: st.st_dev)
        } catch {
            throw VolumeError(.failed, "applying fsGroup \(group) to \(root): \(error)")
        }
    }

    private static func mask(readOnly: Bool) -> mode_t { readOnly ? 0o440 : 0o660 }

    private static func rootMatches(_ st: stat, group: gid_t, readOnly: Bool) -> Bool {
        let wanted = wantedMode(st, readOnly: readOnly)
        return st.st_gid == group && st.st_mode & 0o7777 == wanted
    }

    private static func wantedMode(_ st: stat, readOnly: Bool) -> mode_t {
        var mode = (st.st_mode & 0o7777) | mask(readOnly: readOnly)
        if st.isDirectory { mode |= S_ISGID | 0o110 }
        return mode
    }

    private static func walk(_ handle: FileHandleAt, status st: stat, group: gid_t, readOnly: Bool, device: dev_t) throws(SystemCallError) {
        if st.st_gid != group { try handle.changeGroup(group) }
        if st.isSymlink { return }
        let mode = wantedMode(st, readOnly: readOnly)
        if st.st_mode & 0o7777 != mode { try handle.changeMode(mode) }
        guard st.isDirectory, st.st_dev == device else { return }
        let directory = try handle.reopenedAsDirectory()
        for name in try directory.entries() {
            let child: FileHandleAt
            do {
                child = try directory.child(name)
            } catch where error.errno == ENOENT {
                continue
            }
            try walk(child, status: try child.status(), group: group, readOnly: readOnly, device: device)
        }
    }
}
