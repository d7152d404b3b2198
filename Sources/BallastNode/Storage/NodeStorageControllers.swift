import BallastAPI
import BallastClient
import BallastControllers
import Logging

/// What an agent runs for its node-local drivers beside its pods: provisioning and deletion,
/// expansion of their volumes on this node, and the capacity the scheduler reads.
struct NodeStorageControllers: Sendable {
    let client: KubeClient
    let nodeName: String
    let drivers: NodeVolumeDrivers
    let metrics: VolumeMetrics
    let logger: Logger

    func run() async {
        let byName = drivers.byName
        let classes = Informer<StorageClass>(client: client)
        let capacity = StorageCapacityPublisher(client: client, nodeName: nodeName, drivers: byName, classes: classes, logger: logger)
        let provisioning = NodeProvisioningController(client: client, nodeName: nodeName, drivers: byName, classes: classes,
                                                      metrics: metrics, onChange: { capacity.refresh() }, logger: logger)
        let nodeName = self.nodeName
        let expansion = VolumeExpandController(client: client, plugins: VolumePlugins(provisioners: Array(byName.values))) { volume in
            volume.nodeAffinityHostname == nodeName && byName[volume.metadata.annotation(VolumeBindingRules.provisionedBy) ?? ""] != nil
        }
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await classes.run() }
            group.addTask { await capacity.run() }
            group.addTask { await provisioning.run() }
            group.addTask { await expansion.run() }
            await group.waitForAll()
        }
    }
}
