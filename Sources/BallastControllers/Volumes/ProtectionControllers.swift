import BallastAPI
public import BallastClient

/// kubernetes.io/pvc-protection: a claim marked for deletion keeps its finalizer while a
/// scheduled pod that has not finished uses it (Succeeded and Failed pods do not count —
/// storage-rules pain 5). Checked against the informer, then a live list, before letting go.
public final class PVCProtectionController: Sendable {
    private let client: KubeClient
    private let queue = WorkQueue()

    public init(client: KubeClient) { self.client = client }

    public func run() async {
        let claims = Informer<PersistentVolumeClaim>(client: client)
        let pods = Informer<Pod>(client: client)
        let queue = self.queue
        claims.addHandler { event in
            switch event {
            case .added(let claim), .updated(_, let claim):
                if claim.metadata.isDeleting && claim.metadata.hasFinalizer(VolumeBindingRules.pvcProtectionFinalizer) {
                    queue.add(LiveBinderStore.claimKey(claim.namespace, claim.name))
                }
            case .deleted: break
            }
        }
        pods.addHandler { event in
            // A pod that goes away or finishes may free its claims.
            let pod: Pod
            switch event {
            case .deleted(let gone): pod = gone
            case .updated(_, let updated) where updated.isTerminated: pod = updated
            default: return
            }
            for volume in pod.spec?.volumes ?? [] {
                if let name = volume.source.persistentVolumeClaim?.claimName { queue.add(LiveBinderStore.claimKey(pod.namespace, name)) }
            }
        }
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await claims.run() }
            group.addTask { await pods.run() }
            group.addTask {
                await pods.waitForSync()
                await Workers.run(queue, count: 2) { key in
                    guard let claim = claims.get(key: key) else { return .done }
                    return try await self.sync(claim, cachedPods: pods.list())
                }
            }
        }
    }

    func sync(_ claim: PersistentVolumeClaim, cachedPods: [Pod]) async throws -> Workers.Outcome {
        guard claim.metadata.isDeleting, claim.metadata.hasFinalizer(VolumeBindingRules.pvcProtectionFinalizer) else { return .done }
        if Self.isUsed(claim, by: cachedPods) { return .done }
        // The informer may lag: ask the API server before removing the finalizer.
        let live = try await client.list(Pod.self, namespace: claim.namespace).items
        if Self.isUsed(claim, by: live) { return .done }
        var updated = claim
        updated.metadata.removeFinalizer(VolumeBindingRules.pvcProtectionFinalizer)
        do {
            _ = try await client.update(updated)
        } catch {
            if !error.isNotFound { throw error }
        }
        return .done
    }

    static func isUsed(_ claim: PersistentVolumeClaim, by pods: [Pod]) -> Bool {
        pods.contains { pod in
            pod.namespace == claim.namespace && !(pod.spec?.nodeName ?? "").isEmpty && !pod.isTerminated
                && (pod.spec?.volumes ?? []).contains { (volume: Volume) in volume.source.persistentVolumeClaim?.claimName == claim.name }
        }
    }
}

/// kubernetes.io/pv-protection: a volume marked for deletion keeps its finalizer while it is
/// Bound; once released (or never bound) the finalizer goes and so does the PV.
public final class PVProtectionController: Sendable {
    private let client: KubeClient
    private let queue = WorkQueue()

    public init(client: KubeClient) { self.client = client }

    public func run() async {
        let volumes = Informer<PersistentVolume>(client: client)
        let queue = self.queue
        volumes.addHandler { event in
            switch event {
            case .added(let volume), .updated(_, let volume):
                if volume.metadata.isDeleting && volume.metadata.hasFinalizer(VolumeBindingRules.pvProtectionFinalizer) { queue.add(volume.name) }
            case .deleted: break
            }
        }
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await volumes.run() }
            group.addTask {
                await Workers.run(queue, count: 1) { name in
                    guard let volume = volumes.get(name: name) else { return .done }
                    return try await self.sync(volume)
                }
            }
        }
    }

    func sync(_ volume: PersistentVolume) async throws -> Workers.Outcome {
        guard volume.metadata.isDeleting, volume.metadata.hasFinalizer(VolumeBindingRules.pvProtectionFinalizer),
            volume.phase != PersistentVolumePhase.bound
        else { return .done }
        var updated = volume
        updated.metadata.removeFinalizer(VolumeBindingRules.pvProtectionFinalizer)
        do {
            _ = try await client.update(updated)
        } catch {
            if !error.isNotFound { throw error }
        }
        return .done
    }
}
