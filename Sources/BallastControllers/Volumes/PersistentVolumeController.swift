import BallastAPI
public import BallastClient
public import BallastMetrics
public import Foundation

/// Runs the binder: informers feed two work queues (claims and volumes), workers call
/// `syncClaim`/`syncVolume`, and a periodic resync re-checks everything (level-triggered,
/// as upstream's pv_controller_base.go).
public final class PersistentVolumeController: Sendable {
    private let client: KubeClient
    private let plugins: VolumePlugins
    private let resyncInterval: TimeInterval
    private let claimWorkers: Int
    private let volumeWorkers: Int
    private let claimQueue = WorkQueue()
    private let volumeQueue = WorkQueue()
    private let metrics: VolumeMetrics

    /// Many claim workers keep the store's group commit busy; they never race for a volume,
    /// because the one a sync picks is held from the others until its binding is written.
    /// - Parameter metrics: where the binding and provisioning metrics go (`VolumeMetrics`).
    public init(client: KubeClient, plugins: VolumePlugins, metrics: MetricsRegistry = MetricsRegistry(), resyncInterval: TimeInterval = 15,
                claimWorkers: Int = 16, volumeWorkers: Int = 8) {
        self.client = client
        self.metrics = VolumeMetrics(registry: metrics)
        self.plugins = plugins
        self.resyncInterval = resyncInterval
        self.claimWorkers = claimWorkers
        self.volumeWorkers = volumeWorkers
    }

    public func run() async {
        let events = EventRecorder(client: client, component: "persistentvolume-controller")
        let volumes = Informer<PersistentVolume>(client: client, resyncInterval: .infinity)
        let claims = Informer<PersistentVolumeClaim>(client: client, resyncInterval: .infinity)
        let classes = Informer<StorageClass>(client: client)
        let pods = Informer<Pod>(client: client)
        let store = LiveBinderStore(client: client, events: events, classes: classes, pods: pods, claimQueue: claimQueue)
        let binder = PersistentVolumeBinder(store: store, plugins: plugins, metrics: metrics)
        let claimQueue = self.claimQueue
        let volumeQueue = self.volumeQueue

        volumes.addHandler { event in
            switch event {
            case .added(let volume), .updated(_, let volume):
                store.observe(volume)
                volumeQueue.add(volume.name)
            case .deleted(let volume):
                store.forget(volume: volume)
                // A bound claim whose volume went must turn Lost.
                if let ref = volume.spec?.claimRef { claimQueue.add(LiveBinderStore.claimKey(ref.namespace ?? "", ref.name ?? "")) }
            }
        }
        claims.addHandler { event in
            switch event {
            case .added(let claim), .updated(_, let claim):
                store.observe(claim)
                claimQueue.add(LiveBinderStore.claimKey(claim.namespace, claim.name))
            case .deleted(let claim):
                store.forget(claim: claim)
                // Its volume is released now.
                if let name = claim.spec?.volumeName, !name.isEmpty { volumeQueue.add(name) }
            }
        }
        pods.addHandler { event in
            // A pod that names its node itself selects the node of its waiting claims.
            guard case .added(let pod) = event, let node = pod.spec?.nodeName, !node.isEmpty else { return }
            for volume in pod.spec?.volumes ?? [] {
                if let claim = volume.source.persistentVolumeClaim?.claimName { claimQueue.add(LiveBinderStore.claimKey(pod.namespace, claim)) }
            }
        }
        classes.addHandler { event in
            // A new default class or a changed class may let waiting claims move on.
            guard case .added = event else { return }
            for claim in store.allClaims where claim.phase != PersistentVolumeClaimPhase.bound {
                claimQueue.add(LiveBinderStore.claimKey(claim.namespace, claim.name))
            }
        }

        await withTaskGroup(of: Void.self) { group in
            for informer in [{ await volumes.run() }, { await claims.run() }, { await classes.run() }, { await pods.run() }] as [@Sendable () async -> Void] {
                group.addTask { await informer() }
            }
            group.addTask {
                await classes.waitForSync()
                await pods.waitForSync()
                await Workers.run(claimQueue, count: self.claimWorkers) { key in
                    let parts = key.split(separator: "/", maxSplits: 1).map(String.init)
                    guard parts.count == 2, let claim = store.claim(namespace: parts[0], name: parts[1]) else { return .done }
                    try await binder.syncClaim(claim)
                    return .done
                }
            }
            group.addTask {
                await classes.waitForSync()
                await pods.waitForSync()
                await Workers.run(volumeQueue, count: self.volumeWorkers) { name in
                    guard let volume = store.volume(named: name) else { return .done }
                    try await binder.syncVolume(volume)
                    return .done
                }
            }
            group.addTask {
                // Claims waiting for a volume of a class that just gained one.
                while !Task.isCancelled {
                    try? await Task.sleep(nanoseconds: 50_000_000)
                    for key in store.takeWokenClaims() { claimQueue.add(key) }
                }
            }
            group.addTask {
                while !Task.isCancelled {
                    try? await Task.sleep(nanoseconds: UInt64(self.resyncInterval * 1_000_000_000))
                    for volume in store.allVolumes { volumeQueue.add(volume.name) }
                    for claim in store.allClaims { claimQueue.add(LiveBinderStore.claimKey(claim.namespace, claim.name)) }
                }
            }
        }
    }
}
