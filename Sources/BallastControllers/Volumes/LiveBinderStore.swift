public import BallastAPI
public import BallastClient
import Foundation
import Synchronization

/// The binding controller's real view of the cluster: informer caches of PVs, PVCs,
/// StorageClasses and Pods, the PV index, and the API for writes. A successful write goes
/// into the cache at once (the newest resourceVersion wins), as upstream's
/// storeVolumeUpdate/storeClaimUpdate do, so the next sync never acts on its own past.
public final class LiveBinderStore: BinderStore {
    let client: KubeClient
    let events: EventRecorder
    let classes: Informer<StorageClass>
    let pods: Informer<Pod>
    private let volumeIndex = Mutex(PersistentVolumeIndex())
    private let claims = Mutex<[String: PersistentVolumeClaim]>([:])
    private let waiting = Mutex(WaitingClaims())
    /// Where claims go to be synced again.
    let claimQueue: WorkQueue

    public init(client: KubeClient, events: EventRecorder, classes: Informer<StorageClass>, pods: Informer<Pod>, claimQueue: WorkQueue) {
        self.client = client
        self.events = events
        self.classes = classes
        self.pods = pods
        self.claimQueue = claimQueue
    }

    static func version(_ object: some APIResource) -> Int64 { Int64(object.metadata.resourceVersion ?? "") ?? 0 }

    static func claimKey(_ namespace: String, _ name: String) -> String { "\(namespace)/\(name)" }

    // MARK: Cache maintenance (informer events and own writes)

    /// Stores a volume unless the cache already holds a newer version.
    public func observe(_ volume: PersistentVolume) {
        let stored = volumeIndex.withLock { index -> Bool in
            if let cached = index.volume(named: volume.name), cached.uid == volume.uid, Self.version(cached) > Self.version(volume) { return false }
            index.upsert(volume)
            return true
        }
        if stored, volume.spec?.claimRef == nil { waiting.withLock { $0.wake(storageClass: volume.storageClassName) } }
    }

    public func forget(volume: PersistentVolume) {
        volumeIndex.withLock { index in
            if index.volume(named: volume.name)?.uid == volume.uid { index.remove(named: volume.name) }
        }
    }

    /// Stores a claim unless the cache already holds a newer version.
    public func observe(_ claim: PersistentVolumeClaim) {
        let key = Self.claimKey(claim.namespace, claim.name)
        claims.withLock { claims in
            if let cached = claims[key], cached.uid == claim.uid, Self.version(cached) > Self.version(claim) { return }
            claims[key] = claim
            // Under the claims lock, so that the waiting list follows the cache's order.
            waiting.withLock { $0.update(claim, key: key) }
        }
    }

    public func forget(claim: PersistentVolumeClaim) {
        let key = Self.claimKey(claim.namespace, claim.name)
        claims.withLock { claims in
            guard claims[key]?.uid == claim.uid else { return }
            claims[key] = nil
            waiting.withLock { $0.remove(key) }
        }
    }

    /// Unbound claims of every class that gained a free volume since the last call.
    public func takeWokenClaims() -> [String] { waiting.withLock { $0.takeWoken() } }

    public var allClaims: [PersistentVolumeClaim] { claims.withLock { Array($0.values) } }
    public var allVolumes: [PersistentVolume] { volumeIndex.withLock { Array($0.volumes.values) } }

    // MARK: BinderStore

    public func claim(namespace: String, name: String) -> PersistentVolumeClaim? {
        claims.withLock { $0[Self.claimKey(namespace, name)] }
    }

    public func volume(named name: String) -> PersistentVolume? {
        volumeIndex.withLock { $0.volume(named: name) }
    }

    public func storageClass(named name: String) -> StorageClass? { classes.get(name: name) }

    public func defaultStorageClass() -> StorageClass? {
        classes.list().filter(\.isDefault).max { lhs, rhs in
            let a = lhs.metadata.creationTimestamp?.date ?? .distantPast
            let b = rhs.metadata.creationTimestamp?.date ?? .distantPast
            return a != b ? a < b : lhs.name > rhs.name
        }
    }

    public func holdBestMatch(for claim: PersistentVolumeClaim, delayBinding: Bool) -> PersistentVolume? {
        volumeIndex.withLock { index in
            let match = index.findBestMatch(for: claim, delayBinding: delayBinding)
            if let match { index.hold(match.name, for: Self.claimKey(claim.namespace, claim.name)) }
            return match
        }
    }

    public func releaseHold(on volume: String) {
        volumeIndex.withLock { $0.release(volume) }
    }

    public func podsUsing(namespace: String, claim: String) -> [Pod] {
        pods.list().filter { pod in
            pod.namespace == namespace && !pod.isTerminated
                && (pod.spec?.volumes ?? []).contains { (volume: Volume) in volume.source.persistentVolumeClaim?.claimName == claim }
        }
    }

    public func liveClaim(namespace: String, name: String) async throws -> PersistentVolumeClaim? {
        let claim = try await client.getIfPresent(PersistentVolumeClaim.self, namespace: namespace, name: name)
        if let claim { observe(claim) }
        return claim
    }

    public func liveVolume(named name: String) async throws -> PersistentVolume? {
        let volume = try await client.getIfPresent(PersistentVolume.self, name: name)
        if let volume { observe(volume) }
        return volume
    }

    public func updateVolume(_ volume: PersistentVolume) async throws -> PersistentVolume {
        let saved = try await client.update(volume)
        observe(saved)
        return saved
    }

    public func updateVolumeStatus(_ volume: PersistentVolume) async throws -> PersistentVolume {
        let saved = try await client.updateStatus(volume)
        observe(saved)
        return saved
    }

    public func updateClaim(_ claim: PersistentVolumeClaim) async throws -> PersistentVolumeClaim {
        let saved = try await client.update(claim)
        observe(saved)
        return saved
    }

    public func updateClaimStatus(_ claim: PersistentVolumeClaim) async throws -> PersistentVolumeClaim {
        let saved = try await client.updateStatus(claim)
        observe(saved)
        return saved
    }

    public func createVolume(_ volume: PersistentVolume) async throws -> PersistentVolume {
        do {
            let saved = try await client.create(volume)
            observe(saved)
            return saved
        } catch where error.isAlreadyExists {
            let existing = try await client.get(PersistentVolume.self, name: volume.name)
            observe(existing)
            return existing
        }
    }

    public func deleteVolume(_ volume: PersistentVolume) async throws {
        var options = DeleteOptions()
        options.preconditions = .init(uid: volume.uid)
        try await client.delete(PersistentVolume.self, name: volume.name, options: options, ignoreNotFound: true)
    }

    public func event(_ volume: PersistentVolume, type: String, reason: String, message: String) {
        events.record(volume, type: type, reason: reason, message: message)
    }

    public func event(_ claim: PersistentVolumeClaim, type: String, reason: String, message: String) {
        events.record(claim, type: type, reason: reason, message: message)
    }

    public func requeueClaim(namespace: String, name: String) {
        claimQueue.add(Self.claimKey(namespace, name))
    }
}

extension Pod {
    /// Succeeded or Failed: the pod will never run again.
    public var isTerminated: Bool {
        let phase = status?.phase ?? ""
        return phase == "Succeeded" || phase == "Failed"
    }
}
