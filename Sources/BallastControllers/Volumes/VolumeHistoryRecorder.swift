import BallastAPI
public import BallastClient
public import Foundation

/// Writes each PersistentVolume's VolumeHistory (storage.ballast.io/v1, named after it) as
/// the volume changes: provisioned or created, bound, mounted and unmounted by pods,
/// expanded, released, failed, deleted. What was last recorded lives in the history itself
/// (`observed`), so a restart neither repeats nor loses an entry: it tells the difference
/// between that and what it sees now. A history outlives its volume by `retention`.
public final class VolumeHistoryRecorder: Sendable {
    /// The most entries one history keeps; the oldest go first.
    static let entryLimit = 1000

    private let client: KubeClient
    private let retention: TimeInterval
    private let queue = WorkQueue()

    /// - Parameter retention: how long a history is kept after its volume is gone.
    public init(client: KubeClient, retention: TimeInterval = 30 * 24 * 3600) {
        self.client = client
        self.retention = retention
    }

    public func run() async {
        let volumes = Informer<PersistentVolume>(client: client)
        let pods = Informer<Pod>(client: client)
        let histories = Informer<VolumeHistory>(client: client)
        let queue = self.queue
        volumes.addHandler { event in
            switch event {
            case .added(let volume), .updated(_, let volume), .deleted(let volume): queue.add(volume.name)
            }
        }
        pods.addHandler { event in
            let pod: Pod
            switch event {
            case .added(let added): pod = added
            case .updated(let old, let new):
                guard old.status?.phase != new.status?.phase || old.spec?.nodeName != new.spec?.nodeName else { return }
                pod = new
            case .deleted(let gone): pod = gone
            }
            let claims = Set((pod.spec?.volumes ?? []).compactMap { $0.source.persistentVolumeClaim?.claimName })
            guard !claims.isEmpty else { return }
            for volume in volumes.list() {
                if let ref = volume.spec?.claimRef, ref.namespace == pod.namespace, let name = ref.name, claims.contains(name) { queue.add(volume.name) }
            }
        }
        histories.addHandler { event in
            // A volume deleted while the recorder was down: its history learns it here.
            if case .added(let history) = event { queue.add(history.name) }
        }
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await volumes.run() }
            group.addTask { await pods.run() }
            group.addTask { await histories.run() }
            group.addTask {
                await volumes.waitForSync()
                await pods.waitForSync()
                await histories.waitForSync()
                await Workers.run(queue, count: 2) { name in
                    try await self.sync(name, volume: volumes.get(name: name), pods: pods.list())
                }
            }
        }
    }

    /// Brings `name`'s history up to date with `volume` (nil: it is gone) and `pods`.
    func sync(_ name: String, volume: PersistentVolume?, pods: [Pod]) async throws -> Workers.Outcome {
        let now = Time.now()
        let existing = try await client.getIfPresent(VolumeHistory.self, name: name)
        if volume == nil, let existing, let deletedAt = existing.volumeDeletedAt {
            let expires = deletedAt.date.addingTimeInterval(retention)
            guard expires <= now.date else { return .requeue(after: min(expires.timeIntervalSince(now.date) + 1, 3600)) }
            var options = DeleteOptions()
            options.preconditions = DeleteOptions.Preconditions(uid: existing.uid)
            do {
                try await client.delete(VolumeHistory.self, name: name, options: options)
            } catch {
                guard error.isNotFound || error.isConflict else { throw error }
            }
            return .done
        }
        guard volume != nil || existing != nil else { return .done }

        var history = existing ?? VolumeHistory(metadata: ObjectMeta(name: name))
        var old = history.observed
        var added: [VolumeHistoryEntry] = []
        // A new volume under an old name: the old one's end is told first, then a fresh start.
        if let volume, let previous = old, previous.uid != volume.uid {
            if history.volumeDeletedAt == nil {
                added += VolumeHistoryChanges.entries(from: previous, to: nil, volume: nil, now: now)
            }
            old = nil
        }
        let new = volume.map { VolumeHistoryChanges.observe($0, pods: pods) }
        added += VolumeHistoryChanges.entries(from: old, to: new, volume: volume, now: now)
        let deletedAt = volume == nil ? history.volumeDeletedAt ?? now : nil
        guard !added.isEmpty || new != history.observed || deletedAt != history.volumeDeletedAt else { return .done }

        history.entries = Array((history.entries + added).suffix(Self.entryLimit))
        history.observed = new ?? history.observed
        history.volumeDeletedAt = deletedAt
        if existing == nil {
            _ = try await client.create(history)
        } else {
            _ = try await client.update(history)
        }
        return volume == nil ? .requeue(after: min(retention + 1, 3600)) : .done
    }
}
