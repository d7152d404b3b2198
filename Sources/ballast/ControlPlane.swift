import BallastAPI
import BallastClient
import BallastControllers
import BallastScheduler
import BallastServer
import Foundation
import Logging
import ServiceLifecycle

/// The controllers that run beside the API server, talking to it through the loopback
/// transport. They stop when the service group shuts down.
struct ControlPlane: ServiceLifecycle.Service {
    let server: APIServer
    let drivers: StorageDrivers
    let nodeLifecycle: NodeLifecycleController.Configuration
    let cronClock: ControllerClock
    /// How long a volume's history outlives the volume.
    let volumeHistoryRetention: TimeInterval
    let logger: Logger

    func run() async throws {
        let client = KubeClient(transport: LoopbackTransport(handler: server.handler, user: server.loopbackUser),
                                fieldManager: "ballast-controller-manager")
        let controllers: [@Sendable () async -> Void] = [
            { await GarbageCollector(client: client, kinds: BuiltinKinds.all).run() },
            { await NamespaceController(client: client, kinds: BuiltinKinds.all).run() },
            { await PersistentVolumeController(client: client, plugins: drivers.plugins, metrics: server.metrics).run() },
            { await VolumeExpandController(client: client, plugins: drivers.plugins).run() },
            { await PVCProtectionController(client: client).run() },
            { await PVProtectionController(client: client).run() },
            { await VolumeHistoryRecorder(client: client, retention: volumeHistoryRetention).run() },
            { await ReplicaSetController(client: client).run() },
            { await DeploymentController(client: client).run() },
            { await StatefulSetController(client: client).run() },
            { await DaemonSetController(client: client).run() },
            { await JobController(client: client).run() },
            { await CronJobController(client: client, clock: cronClock).run() },
            { await NodeLifecycleController(client: client, configuration: nodeLifecycle).run() },
            { await PodGarbageCollector(client: client).run() },
            { await Scheduler(client: client, logger: logger).run() },
        ]
        await withTaskGroup(of: Void.self) { group in
            for controller in controllers { group.addTask { await controller() } }
            group.addTask {
                try? await gracefulShutdown()
            }
            await group.next()
            group.cancelAll()
        }
    }
}
