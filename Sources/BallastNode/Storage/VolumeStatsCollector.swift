import BallastMetrics
import BallastStorage
import Glibc
import Synchronization

/// The kubelet's volume statistics for every claim a pod on this node has mounted, with the
/// kubelet's names and labels (`kubelet_volume_stats_*{namespace, persistentvolumeclaim}`),
/// computed with statvfs(3) at each scrape as upstream's metricsStatFS does (one statvfs per
/// claim is cheaper than any cache would be).
///
/// The values are upstream's (pkg/volume/util/fs FsInfo): capacity f_blocks × size,
/// available f_bavail × size, used (f_blocks − f_bfree) × size — so used + available is less
/// than capacity by the blocks reserved for root, exactly as `df` shows them —, inodes
/// f_files, inodes_free f_ffree, inodes_used f_files − f_ffree. The size is f_frsize, the
/// unit of the block counts (what df multiplies by; upstream's f_bsize equals it on ext4
/// and xfs). A claim mounted by several pods is reported once.
final class VolumeStatsCollector: MetricsCollector {
    /// A claim's filesystem as a pod mounted it.
    struct Mount: Sendable, Hashable {
        var namespace: String
        var claim: String
        /// The host directory the volume is mounted on.
        var path: String
    }

    static let labelNames = ["namespace", "persistentvolumeclaim"]
    static let families: [(name: String, help: String, value: @Sendable (FilesystemUsage) -> UInt64)] = [
        ("kubelet_volume_stats_available_bytes", "Number of available bytes in the volume", { $0.availableBytes }),
        ("kubelet_volume_stats_capacity_bytes", "Capacity in bytes of the volume", { $0.totalBytes }),
        ("kubelet_volume_stats_inodes", "Maximum number of inodes in the volume", { $0.totalInodes }),
        ("kubelet_volume_stats_inodes_free", "Number of free inodes in the volume", { $0.freeInodes }),
        ("kubelet_volume_stats_inodes_used", "Number of used inodes in the volume", { $0.usedInodes }),
        ("kubelet_volume_stats_used_bytes", "Number of used bytes in the volume", { $0.usedBytes }),
    ]

    private let mounts = Mutex<[String: [Mount]]>([:])
    private let usage: @Sendable (String) -> FilesystemUsage?

    /// - Parameter usage: a filesystem's usage by path, nil when it cannot be read.
    init(usage: @escaping @Sendable (String) -> FilesystemUsage? = VolumeStatsCollector.statvfsUsage) {
        self.usage = usage
    }

    var familyNames: [String] { Self.families.map(\.name) }

    /// Records the claims pod `uid` has mounted now (an empty list forgets it).
    func update(pod uid: String, mounts podMounts: [Mount]) {
        mounts.withLock { $0[uid] = podMounts.isEmpty ? nil : podMounts }
    }

    /// Forgets pod `uid` (its volumes are unmounted).
    func remove(pod uid: String) {
        _ = mounts.withLock { $0.removeValue(forKey: uid) }
    }

    func collect() -> [MetricFamily] {
        var seen: Set<[String]> = []
        var rows: [(labels: [String], usage: FilesystemUsage)] = []
        let all = mounts.withLock { $0 }.sorted { $0.key < $1.key }.flatMap(\.value)
        for mount in all {
            let labels = [mount.namespace, mount.claim]
            guard !seen.contains(labels), let measured = usage(mount.path) else { continue }
            seen.insert(labels)
            rows.append((labels, measured))
        }
        rows.sort { $0.labels.lexicographicallyPrecedes($1.labels) }
        return Self.families.map { family in
            MetricFamily.gauge(family.name, help: family.help, labelNames: Self.labelNames,
                               values: rows.map { ($0.labels, Double(family.value($0.usage))) })
        }
    }

    /// statvfs of a directory; nil for anything else (a raw block volume's device node
    /// would report devtmpfs) or when it cannot be read.
    @Sendable static func statvfsUsage(_ path: String) -> FilesystemUsage? {
        var status = stat()
        guard stat(path, &status) == 0, status.st_mode & S_IFMT == S_IFDIR else { return nil }
        return try? LinuxFilesystemManager().usage(at: path)
    }
}
