public import BallastClient
public import BallastMetrics
public import Logging
import BallastAPI
import BallastControllers
import BallastStorage
import Foundation
import Synchronization

/// Ballast's kubelet: registers its Node and keeps its Lease, runs every pod bound to the
/// node through crun or runc with conmon, writes their status back, and cleans up after
/// pods that are gone. Everything it needs to continue is on disk under its root, so it
/// can be killed at any moment and started again: it finds its running containers, its
/// mounts and its pods, and neither doubles nor loses them.
///
/// ```swift
/// let agent = try NodeAgent(client: client, configuration: NodeAgentConfiguration(nodeName: "n1", root: "/var/lib/ballast/node"))
/// await agent.run()   // until the task is cancelled
/// ```
public final class NodeAgent: Sendable {
    /// The client the agent talks to the API server with.
    public let client: KubeClient
    /// How the agent runs.
    public let configuration: NodeAgentConfiguration
    /// What the agent serves at /metrics: the volume statistics of its pods' claims and its
    /// provisioner's measurements.
    public let metrics: MetricsRegistry
    private let volumeStats = VolumeStatsCollector()
    let services: NodeServices
    private let logger: Logger
    private let workers = Mutex<[String: PodWorker]>([:])
    private let syncing = Mutex<Set<String>>([])
    private let streamServer: NodeStreamServer
    private let storageEndpoint: NodeStorageEndpoint
    private let events: EventRecorder
    private let proxyToken: String
    /// The LVM driver, once lvm is open (pods with LVM volumes wait for it).
    private let lvm = Mutex<LVMProvisioner?>(nil)

    /// Prepares an agent: its directories, the runtime, the image store and puller.
    /// - Throws: `RuntimeError` or `ImageError` when the runtime, conmon or the store is unusable.
    public init(client: KubeClient, configuration: NodeAgentConfiguration, metrics: MetricsRegistry = MetricsRegistry(),
                logger: Logger = Logger(label: "ballast.node")) throws {
        self.client = client
        self.configuration = configuration
        self.metrics = metrics
        metrics.register(volumeStats)
        self.logger = logger
        let paths = NodePaths(root: configuration.root)
        try FileIO.makeDirectories(paths.pods, mode: 0o750)
        try FileIO.makeDirectories(paths.logs, mode: 0o755)
        let runtime = try RuntimeCLI(kind: configuration.runtime, stateDirectory: paths.runtimeState, toolDirectory: paths.tools)
        let conmon = try Conmon.find(runtime: runtime)
        let store = try ImageStore(root: paths.images)
        var registries = configuration.registries
        if registries == nil, FileIO.exists(paths.registriesFile) { registries = try RegistryConfiguration.load(path: paths.registriesFile) }
        let puller = ImagePuller(store: store, client: RegistryClient(configuration: registries ?? RegistryConfiguration()), logger: logger)
        services = NodeServices(
            nodeName: configuration.nodeName, paths: paths,
            runner: ContainerRunner(runtime: runtime, conmon: conmon, paths: paths),
            images: puller, sandbox: PodSandbox(),
            volumes: PodVolumeManager(nfsDaemonCommand: configuration.nfsDaemonCommand),
            hostIP: HostFacts.primaryIPv4, backoffInitial: configuration.backoffInitialSeconds)
        events = EventRecorder(client: client, component: "kubelet", host: configuration.nodeName)
        proxyToken = try Self.loadOrCreateToken(configuration.root + "/proxy-token")
        let storageEndpoint = NodeStorageEndpoint(
            client: client, nodeName: configuration.nodeName,
            localPath: NodeVolumeDrivers.localPath(nodeName: configuration.nodeName, root: configuration.root, configuration: configuration.storage))
        self.storageEndpoint = storageEndpoint
        streamServer = try NodeStreamServer(address: configuration.logAddress ?? services.hostIP, port: configuration.logPort, token: proxyToken,
                                         paths: paths, exec: ContainerExecSession(runtime: runtime, paths: paths),
                                         metrics: { metrics.render() }, storage: storageEndpoint, logger: logger)
    }

    /// The node's log-endpoint token, kept across restarts.
    private static func loadOrCreateToken(_ path: String) throws -> String {
        if let text = try FileIO.readText(path)?.trimmingCharacters(in: .whitespacesAndNewlines), text.count >= 32 { return text }
        let token = ContainerRunner.newID()
        try FileIO.writeAtomically(path, Array(token.utf8), mode: 0o600)
        return token
    }

    /// Runs until the calling task is cancelled: registration, Lease, pod watch and the
    /// sync loop. Running containers are left running when it returns (as when the agent is
    /// killed); `ballast down` or pod deletion stops them.
    public func run() async {
        let registration = NodeRegistration(client: client, nodeName: configuration.nodeName, hostIP: services.hostIP,
                                            runtime: configuration.runtime, root: configuration.root,
                                            leaseDurationSeconds: configuration.leaseDurationSeconds, logPort: streamServer.port)
        streamServer.start()
        defer { streamServer.stop() }
        if MountNamespaceRoot.isChrooted {
            logger.warning("the agent runs in a chroot: kubectl exec will start commands in the host's root, not the container's")
        }
        while !Task.isCancelled {
            do {
                try await registration.publishProxyToken(proxyToken)
                try await registration.register()
                break
            } catch {
                logger.warning("node registration failed; retrying", metadata: ["error": "\(error)"])
                try? await Task.sleep(for: .seconds(2))
            }
        }
        recoverFromDisk()
        let drivers = await openVolumeDrivers()
        let storage = NodeStorageControllers(client: client, nodeName: configuration.nodeName, drivers: drivers,
                                             metrics: VolumeMetrics(registry: metrics), logger: logger)
        let informer = Informer<Pod>(client: client, fieldSelector: "spec.nodeName=\(configuration.nodeName)")
        // A pass runs at every tick of the sync interval and at once when a pod changes, so
        // a new pod does not wait for the next tick.
        let (wakeups, wake) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        informer.addHandler { _ in wake.yield() }
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await informer.run() }
            group.addTask { await self.keepAlive(registration) }
            group.addTask { await storage.run() }
            group.addTask {
                while !Task.isCancelled {
                    wake.yield()
                    try? await Task.sleep(for: self.configuration.syncInterval)
                }
            }
            group.addTask {
                await informer.waitForSync()
                for await _ in wakeups {
                    if Task.isCancelled { break }
                    await self.syncAll(informer.list())
                }
            }
            await group.next()
            wake.finish()
            group.cancelAll()
        }
        await services.images.client.shutdown()
    }

    /// The node's local volume drivers. A node whose LVM devices cannot be opened still runs
    /// its pods and local-path volumes; the error is logged for its operator.
    private func openVolumeDrivers() async -> NodeVolumeDrivers {
        do {
            let drivers = try await NodeVolumeDrivers.open(nodeName: configuration.nodeName, root: configuration.root, configuration: configuration.storage)
            lvm.withLock { $0 = drivers.lvm }
            storageEndpoint.lvm = drivers.lvm
            return drivers
        } catch {
            logger.error("LVM is unusable on this node; only local-path volumes are provisioned here",
                         metadata: ["devices": "\(configuration.storage.lvmDevices)", "error": "\(error)"])
            return NodeVolumeDrivers(lvm: nil, localPath: NodeVolumeDrivers.localPath(nodeName: configuration.nodeName, root: configuration.root,
                                                                                       configuration: configuration.storage))
        }
    }

    /// Renews the Lease every quarter of its duration and posts the Ready heartbeat.
    private func keepAlive(_ registration: NodeRegistration) async {
        var beats = 0
        while !Task.isCancelled {
            do {
                try await registration.renewLease()
                if beats % 4 == 3 { try await registration.heartbeat() }
            } catch {
                logger.warning("lease renewal failed", metadata: ["error": "\(error)"])
            }
            beats += 1
            try? await Task.sleep(for: .seconds(max(1, Double(configuration.leaseDurationSeconds) / 4)))
        }
    }

    /// Makes a worker for every pod directory a previous run left, so its containers are
    /// found again (or cleaned up if the pod is gone).
    private func recoverFromDisk() {
        let paths = services.paths
        for uid in (try? FileIO.entries(paths.pods)) ?? [] {
            guard let pod = PodWorker.savedPod(podDirectory: paths.pod(uid)) else { continue }
            let worker = PodWorker(pod: pod, services: services, logger: logger)
            workers.withLock { $0[uid] = worker }
            logger.info("found pod from an earlier run", metadata: ["pod": "\(pod.metadata.namespace ?? "")/\(pod.metadata.name ?? "")"])
        }
    }

    /// One pass: every bound pod gets a sync (unless one is running), every worker whose pod
    /// is gone is stopped and cleaned up.
    private func syncAll(_ pods: [Pod]) async {
        var live: Set<String> = []
        for pod in pods {
            guard let uid = pod.metadata.uid, pod.spec?.nodeName == configuration.nodeName else { continue }
            live.insert(uid)
            let worker = workers.withLock { table in
                if let existing = table[uid] { return existing }
                let created = PodWorker(pod: pod, services: services, logger: logger)
                table[uid] = created
                return created
            }
            launch(uid) { await self.sync(pod, worker: worker) }
        }
        let orphans = workers.withLock { table in table.filter { !live.contains($0.key) } }
        for (uid, worker) in orphans {
            launch(uid) { await self.remove(uid, worker: worker, deleteFromAPI: nil) }
        }
    }

    /// Runs `body` for `uid` in its own task unless one is already running for it.
    private func launch(_ uid: String, _ body: @escaping @Sendable () async -> Void) {
        let started = syncing.withLock { $0.insert(uid).inserted }
        guard started else { return }
        Task {
            await body()
            _ = self.syncing.withLock { $0.remove(uid) }
        }
    }

    private func sync(_ pod: Pod, worker: PodWorker) async {
        if pod.metadata.deletionTimestamp != nil {
            await remove(pod.metadata.uid ?? "", worker: worker, deleteFromAPI: pod)
            return
        }
        let inputs = await PodInputs.resolve(pod: pod, client: client, lvm: lvm.withLock { $0 }, logger: logger)
        await worker.update(pod: pod, inputs: inputs)
        let status = await worker.sync()
        volumeStats.update(pod: worker.uid, mounts: await worker.claimMounts())
        if let problem = await worker.problem, problem.reason == VolumeError.failedMountReason {
            events.record(pod, type: EventRecorder.warning, reason: problem.reason, message: problem.message)
        }
        guard status != pod.status else { return }
        var updated = pod
        updated.status = status
        do {
            _ = try await client.updateStatus(updated)
        } catch {
            // A conflict means the informer's copy is old; the next pass uses the new one.
            if !error.isConflict && !error.isNotFound {
                logger.warning("pod status update failed", metadata: ["pod": "\(pod.metadata.namespace ?? "")/\(pod.metadata.name ?? "")",
                                                                      "error": "\(error)"])
            }
        }
    }

    /// Stops the pod's containers within its grace period and removes everything it had
    /// on the node; when the pod still exists in the API (graceful deletion), deletes it
    /// for good afterwards.
    private func remove(_ uid: String, worker: PodWorker, deleteFromAPI pod: Pod?) async {
        let grace = pod?.metadata.deletionGracePeriodSeconds ?? pod?.spec?.terminationGracePeriodSeconds
        if let grace { await worker.stopAll(grace: .seconds(grace)) }
        do {
            try await worker.cleanUp()
        } catch {
            logger.warning("pod cleanup failed; will retry", metadata: ["uid": "\(uid)", "error": "\(error)"])
            return
        }
        _ = workers.withLock { $0.removeValue(forKey: uid) }
        volumeStats.remove(pod: uid)
        logger.info("pod cleaned up", metadata: ["uid": "\(uid)"])
        if let pod, let name = pod.metadata.name {
            var options = DeleteOptions()
            options.gracePeriodSeconds = 0
            options.preconditions = DeleteOptions.Preconditions(uid: uid)
            _ = try? await client.delete(Pod.self, namespace: pod.metadata.namespace ?? "default", name: name, options: options)
        }
    }
}
