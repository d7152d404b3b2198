public import BallastAPI
import Glibc

/// emptyDir volumes: a directory on the node's disk that lives as long as the pod (it
/// survives container restarts, and goes with the pod), or, for medium "Memory", a tmpfs
/// mounted on that directory.
///
/// A tmpfs is sized `min(node allocatable memory, pod memory limit, sizeLimit)`
/// (storage-rules.md rule 13), a hard limit: writes past it fail with ENOSPC. This kernel
/// has no quotas, so on disk the limit is soft: `usage(of:)` measures the directory and
/// the agent evicts the pod with `evictionMessage` (DESIGN.md, "This machine").
public struct EmptyDirMounter: VolumeMounter {
    /// Mounts the tmpfs.
    public var mounter: any Mounter

    /// A mounter using mount(2).
    public init(mounter: any Mounter = LinuxMounter()) {
        self.mounter = mounter
    }

    /// The emptyDir kind.
    public var kind: VolumeKind { .emptyDir }

    /// The mode of an emptyDir's root: anyone may write, as upstream (containers run as
    /// any user); tmpfs adds the sticky bit by itself.
    static let mode: mode_t = 0o777

    /// Makes the directory (and mounts the tmpfs); see `VolumeMounter.setUp`.
    public func setUp(_ request: VolumeSetUpRequest) async throws(VolumeError) -> MountedVolume {
        let source = request.volume.source.emptyDir ?? EmptyDirVolumeSource()
        let directory = kind.directory(for: request.volume.name, podDirectory: request.podDirectory)
        try VolumeDirectory.make(directory, mode: Self.mode)
        if source.medium == "Memory" {
            let size = Self.memorySize(sizeLimit: source.sizeLimit, inputs: request.inputs)
            try Self.mountTmpfs(at: directory, size: size, mounter: mounter)
        } else if let medium = source.medium, !medium.isEmpty {
            throw VolumeError(.invalid, "unknown storage medium \"\(medium)\"")
        }
        if let group = request.fsGroup {
            try VolumeOwnership.apply(group: group, to: directory, readOnly: false, policy: request.fsGroupChangePolicy)
        }
        return MountedVolume(name: request.volume.name, kind: kind, hostPath: directory, readOnly: false)
    }

    /// Unmounts a tmpfs if there is one and removes the directory; see `VolumeMounter.tearDown`.
    public func tearDown(volumeName name: String, podDirectory: String) async throws(VolumeError) {
        try Self.unmountAndRemove(kind.directory(for: name, podDirectory: podDirectory), mounter: mounter)
    }

    /// The size of a Memory emptyDir: the smallest of the node's allocatable memory, the
    /// pod's memory limit and the volume's sizeLimit that are known; nil (the tmpfs
    /// default, half the RAM) when none is.
    public static func memorySize(sizeLimit: Quantity?, inputs: PodVolumeInputs) -> Int64? {
        var candidates = [inputs.nodeAllocatableMemory, inputs.podMemoryLimit].compactMap { $0 }
        if let sizeLimit, !sizeLimit.isZero { candidates.append(sizeLimit.value) }
        return candidates.filter { $0 > 0 }.min()
    }

    /// Mounts a tmpfs of `size` bytes (nosuid, nodev) at `directory`; a tmpfs already there
    /// is kept.
    static func mountTmpfs(at directory: String, size: Int64?, mounter: any Mounter) throws(VolumeError) {
        let options = size.map { "size=\($0)" } ?? ""
        do {
            try mounter.mount("tmpfs", at: directory, type: "tmpfs", flags: [.noSetUID, .noDevices], options: options)
        } catch {
            throw VolumeError(.failed, "mounting tmpfs at \(directory): \(error)")
        }
    }

    /// Unmounts whatever is mounted at `directory` (all stacked mounts), then removes it.
    static func unmountAndRemove(_ directory: String, mounter: any Mounter) throws(VolumeError) {
        do {
            while try mounter.mounts().contains(where: { $0.mountPoint == directory }) {
                try mounter.unmount(directory, lazy: false)
            }
        } catch {
            throw VolumeError(.failed, "unmounting \(directory): \(error)")
        }
        try VolumeDirectory.remove(directory, mounter: mounter)
    }

    /// The bytes a disk emptyDir uses (allocated blocks, each hard-linked file counted
    /// once, like du), without following symlinks or entering other mounts.
    public static func usage(of directory: String) throws(VolumeError) -> Int64 {
        do {
            let root = try FileHandleAt.open(directory, followLast: false)
            let st = try root.status()
            var seen = Set<ino_t>()
            return try measure(root, status: st, device: st.st_dev, seen: &seen)
        } catch {
            throw VolumeError(.failed, "measuring \(directory): \(error)")
        }
    }

    private static func measure(_ directory: FileHandleAt, status: stat, device: dev_t, seen: inout Set<ino_t>) throws(SystemCallError) -> Int64 {
        var total = Int64(status.st_blocks) * 512
        for name in try directory.entries() {
            guard let st = try directory.entryStatus(name) else { continue }
            if st.st_nlink > 1 && !st.isDirectory {
                guard seen.insert(st.st_ino).inserted else { continue }
            }
            if st.isDirectory && st.st_dev == device {
                let child: FileHandleAt
                do {
                    child = try directory.child(name, directory: true)
                } catch where error.errno == ENOENT {
                    continue
                }
                total += try measure(child, status: st, device: device, seen: &seen)
            } else {
                total += Int64(st.st_blocks) * 512
            }
        }
        return total
    }

    /// The eviction message when a disk emptyDir outgrows its sizeLimit, in upstream's words:
    /// `Usage of EmptyDir volume "cache" exceeds the limit "64Mi".`
    public static func evictionMessage(volumeName: String, limit: Quantity) -> String {
        "Usage of EmptyDir volume \"\(volumeName)\" exceeds the limit \"\(limit)\"."
    }

    /// The emptyDir volumes of `pod` whose disk usage under `podDirectory` exceeds their
    /// sizeLimit, each with its eviction message.
    public static func limitViolations(of pod: Pod, podDirectory: String) -> [(volume: String, message: String)] {
        var violations: [(volume: String, message: String)] = []
        for volume in pod.spec?.volumes ?? [] {
            guard let source = volume.source.emptyDir, source.medium != "Memory", let limit = source.sizeLimit, !limit.isZero else { continue }
            let directory = VolumeKind.emptyDir.directory(for: volume.name, podDirectory: podDirectory)
            guard let used = try? usage(of: directory), used > limit.value else { continue }
            violations.append((volume.name, evictionMessage(volumeName: volume.name, limit: limit)))
        }
        return violations
    }
}
