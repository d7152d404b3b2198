import Glibc

/// Bind mounts `<volume>/<subPath>` for one container's volumeMount, safely: the path is
/// opened beneath the volume's root one component at a time (`BeneathResolver`), and the
/// descriptor's /proc/self/fd/N is bound, so no symlink a container planted can make the
/// bind show anything outside the volume (CVE-2017-1002101).
///
/// Binds live at `<podDir>/volume-subpaths/<volume>/<container>/<mount index>`, as the
/// kubelet lays them out; a container start replaces the one its previous run left.
public struct SubPathBinder: Sendable {
    /// Makes and removes the binds.
    public var mounter: any Mounter

    /// A binder using mount(2).
    public init(mounter: any Mounter = LinuxMounter()) {
        self.mounter = mounter
    }

    /// The directory of a container's subPath binds of one volume.
    static func directory(podDirectory: String, volumeName: String, containerName: String) -> String {
        "\(podDirectory)/volume-subpaths/\(volumeName)/\(containerName)"
    }

    /// Binds `subPath` of `volume` for mount number `index` of `containerName`; a missing
    /// subPath is made as a directory with the volume root's mode (unless the volume is
    /// read-only), as upstream does.
    /// - Returns: the host path to bind into the container.
    /// - Throws: `VolumeError` `.unsafe` when the path leads out of the volume.
    public func bind(_ subPath: String, of volume: MountedVolume, podDirectory: String, containerName: String, index: Int,
                     readOnly: Bool) throws(VolumeError) -> String {
        let failure = "failed to prepare subPath for volumeMount \"\(volume.name)\" of container \"\(containerName)\""
        if let problem = SubPathExpansion.problem(with: subPath) { throw VolumeError(.invalid, "\(failure): subPath \(subPath) \(problem)") }
        let opened: FileHandleAt
        let isDirectory: Bool
        do {
            let root = try FileHandleAt.open(volume.hostPath, pathOnly: true)
            let mode = try root.status().st_mode & 0o7777
            opened = try BeneathResolver.open(subPath, beneath: root, createMode: readOnly || volume.readOnly ? nil : mode)
            isDirectory = try opened.status().isDirectory
        } catch let error as BeneathResolver.Failure {
            switch error {
            case .escapes(let reason): throw VolumeError(.unsafe, "\(failure): \(reason)")
            case .invalid(let reason): throw VolumeError(.invalid, "\(failure): \(reason)")
            case .system(let error): throw VolumeError(.failed, "\(failure): \(error)")
            }
        } catch {
            throw VolumeError(.failed, "\(failure): \(error)")
        }

        let parent = Self.directory(podDirectory: podDirectory, volumeName: volume.name, containerName: containerName)
        let target = "\(parent)/\(index)"
        try VolumeDirectory.make(parent, mode: 0o750)
        try unmountAll(target)
        try prepareMountPoint(target, directory: isDirectory)
        do {
            try mounter.bind(opened.procPath, at: target, recursive: false, flags: readOnly ? .readOnly : [])
        } catch {
            throw VolumeError(.failed, "\(failure): \(error)")
        }
        withExtendedLifetime(opened) {}
        return target
    }

    /// Unmounts and removes the subPath binds of `containerName` (every container when nil).
    public func cleanUp(podDirectory: String, containerName: String?) throws(VolumeError) {
        let base = podDirectory + "/volume-subpaths"
        let mounts: [MountEntry]
        do { mounts = try mounter.mounts() } catch { throw VolumeError(.failed, error.description) }
        for entry in mounts.reversed() where entry.mountPoint.hasPrefix(base + "/") {
            let parts = entry.mountPoint.dropFirst(base.count + 1).split(separator: "/")
            if let containerName, parts.count < 2 || parts[1] != containerName { continue }
            try unmountAll(entry.mountPoint)
        }
        if let containerName {
            for volume in (try? FileHandleAt.open(base).entries()) ?? [] {
                try VolumeDirectory.remove("\(base)/\(volume)/\(containerName)", mounter: mounter)
                VolumeDirectory.removeIfEmpty("\(base)/\(volume)")
            }
            VolumeDirectory.removeIfEmpty(base)
        } else {
            try VolumeDirectory.remove(base, mounter: mounter)
        }
    }

    private func unmountAll(_ target: String) throws(VolumeError) {
        do {
            while try mounter.mounts().contains(where: { $0.mountPoint == target }) {
                // Lazy: a process of the old container may still hold it.
                try mounter.unmount(target, lazy: true)
            }
        } catch {
            throw VolumeError(.failed, "unmounting \(target): \(error)")
        }
    }

    /// A mount point of the right type: a directory for a directory, a file otherwise.
    private func prepareMountPoint(_ target: String, directory: Bool) throws(VolumeError) {
        var st = stat()
        if lstat(target, &st) == 0 {
            if st.isDirectory == directory, !st.isSymlink { return }
            try VolumeDirectory.remove(target, mounter: mounter)
        }
        if directory {
            guard mkdir(target, 0o750) == 0 else { throw VolumeError(.failed, SystemCallError("mkdir", path: target, errno: errno).description) }
        } else {
            let fd = open(target, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0o640)
            guard fd >= 0 else { throw VolumeError(.failed, SystemCallError("open", path: target, errno: errno).description) }
            close(fd)
        }
    }
}
