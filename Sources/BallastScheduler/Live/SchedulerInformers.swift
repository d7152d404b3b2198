import BallastAPI
import BallastClient

/// The informers the scheduler reads: pods, nodes, and the storage objects volume binding
/// needs.
struct SchedulerInformers: Sendable {
    let pods: Informer<Pod>
    let nodes: Informer<Node>
    let volumes: Informer<PersistentVolume>
    let claims: Informer<PersistentVolumeClaim>
    let classes: Informer<StorageClass>
    let capacities: Informer<CSIStorageCapacity>

    init(client: KubeClient) {
        // No periodic resync: the scheduler's cache follows every event, and the queue's
        // five-minute retry covers what a missed event could leave behind.
        pods = Informer(client: client, resyncInterval: .infinity)
        nodes = Informer(client: client, resyncInterval: .infinity)
        volumes = Informer(client: client, resyncInterval: .infinity)
        claims = Informer(client: client, resyncInterval: .infinity)
        classes = Informer(client: client, resyncInterval: .infinity)
        capacities = Informer(client: client, resyncInterval: .infinity)
    }

    var runners: [@Sendable () async -> Void] {
        [{ await pods.run() }, { await nodes.run() }, { await volumes.run() }, { await claims.run() }, { await classes.run() },
         { await capacities.run() }]
    }

    func waitForSync() async {
        await pods.waitForSync()
        await nodes.waitForSync()
        await volumes.waitForSync()
        await claims.waitForSync()
        await classes.waitForSync()
        await capacities.waitForSync()
    }
}
