import BallastAPI
public import BallastClient
public import Foundation
import Synchronization

/// Watches node heartbeats and acts on silent nodes, as Kubernetes' node lifecycle
/// controller and taint eviction controller do:
/// - a node whose Lease in kube-node-lease and whose Ready heartbeat have not moved for
///   the grace period gets Ready (and the pressure conditions) Unknown with reason
///   NodeStatusUnknown, "Kubelet stopped posting node status.";
/// - Ready Unknown taints it node.kubernetes.io/unreachable (NoExecute and NoSchedule),
///   Ready False node.kubernetes.io/not-ready; pressure conditions and cordoning add their
///   NoSchedule taints; all are removed when the condition clears;
/// - Pods on a node with NoExecute taints are deleted at once if they do not tolerate them,
///   or after the smallest tolerationSeconds of the tolerations they use.
///
/// A heartbeat counts from when this controller saw it change (its own clock), as
/// upstream's probe timestamps do, so clock skew between nodes does not matter.
///
/// `run()` holds the informers, the queue and the periodic health check; `sync(_:)` is one
/// reconcile of one node name or one "pod:namespace/name" key.
public final class NodeLifecycleController: Sendable {
    /// How the controller judges nodes.
    public struct Configuration: Sendable {
        /// Silence after which a node is Unknown (upstream --node-monitor-grace-period: 40 s).
        public var gracePeriod: TimeInterval
        /// Time a new node has to post its first status (upstream: 60 s).
        public var startupGracePeriod: TimeInterval
        /// How often every node is checked (upstream --node-monitor-period: 5 s).
        public var monitorPeriod: TimeInterval
        /// Where node Leases live.
        public var leaseNamespace: String

        public init(gracePeriod: TimeInterval = 40, startupGracePeriod: TimeInterval = 60, monitorPeriod: TimeInterval = 5,
                    leaseNamespace: String = "kube-node-lease") {
            self.gracePeriod = gracePeriod
            self.startupGracePeriod = startupGracePeriod
            self.monitorPeriod = monitorPeriod
            self.leaseNamespace = leaseNamespace
        }
    }

    /// What was last seen of a node's heartbeats, and when (on this controller's clock).
    struct Observation {
        var heartbeat: Date?
        var renewTime: Date?
        var probedAt: Date
    }

    static let podPrefix = "pod:"

    let client: KubeClient
    let clock: ControllerClock
    let configuration: Configuration
    let nodes: Informer<Node>
    let leases: Informer<Lease>
    let pods: Informer<Pod>
    private let queue = WorkQueue()
    private let observations = Mutex<[String: Observation]>([:])

    /// - Parameters:
    ///   - client: the API client the controller reads and writes with.
    ///   - configuration: grace periods and the lease namespace.
    ///   - clock: the time heartbeats and toleration seconds are measured with.
    public init(client: KubeClient, configuration: Configuration = Configuration(), clock: ControllerClock = .system) {
        self.client = client
        self.clock = clock
        self.configuration = configuration
        nodes = Informer<Node>(client: client)
        leases = Informer<Lease>(client: client, namespace: configuration.leaseNamespace)
        pods = Informer<Pod>(client: client)
    }

    /// Watches Nodes, Leases and Pods and reconciles until cancelled.
    public func run() async {
        nodes.addHandler { [weak self] event in
            guard let self else { return }
            switch event {
            case .added(let node), .updated(_, let node):
                self.queue.add(node.name)
                if (node.spec?.taints ?? []).contains(where: { $0.effect == "NoExecute" }) { self.enqueuePods(on: node.name) }
            case .deleted(let node):
                self.observations.withLock { _ = $0.removeValue(forKey: node.name) }
            }
        }
        leases.addHandler { [queue] event in
            switch event {
            case .added(let lease), .updated(_, let lease): queue.add(lease.name)
            case .deleted: break
            }
        }
        pods.addHandler { [queue] event in
            switch event {
            case .added(let pod), .updated(_, let pod):
                if !pod.nodeName.isEmpty, !pod.metadata.isDeleting { queue.add(Self.podPrefix + pod.queueKey) }
            case .deleted: break
            }
        }
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.nodes.run() }
            group.addTask { await self.leases.run() }
            group.addTask { await self.pods.run() }
            group.addTask {
                let synced = await ControllerSupport.waitForSync([{ self.nodes.hasSynced }, { self.leases.hasSynced }, { self.pods.hasSynced }])
                guard synced else { return }
                await Workers.run(self.queue, count: 2) { key in try await self.sync(key) }
            }
            group.addTask {
                // monitorNodeHealth: every node is looked at periodically, heartbeat or not.
                while !Task.isCancelled {
                    try? await Task.sleep(nanoseconds: UInt64(self.clock.realDelay(self.configuration.monitorPeriod) * 1e9))
                    for node in self.nodes.list() { self.queue.add(node.name) }
                }
            }
        }
    }

    private func enqueuePods(on node: String) {
        for pod in pods.list() where pod.nodeName == node && !pod.metadata.isDeleting { queue.add(Self.podPrefix + pod.queueKey) }
    }

    /// One reconcile: a node name, or "pod:namespace/name" for taint eviction.
    public func sync(_ key: String) async throws -> Workers.Outcome {
        if key.hasPrefix(Self.podPrefix) { return try await evict(String(key.dropFirst(Self.podPrefix.count))) }
        return try await monitor(key)
    }

    /// Updates the probe time when a heartbeat moved; returns when the node was last heard.
    private func observe(_ node: Node, now: Date) -> Date {
        let heartbeat = node.readyCondition?.lastHeartbeatTime?.date
        let renewTime = leases.get(namespace: configuration.leaseNamespace, name: node.name)?.spec?.renewTime?.date
        return observations.withLock { all in
            if var seen = all[node.name] {
                if seen.heartbeat != heartbeat || seen.renewTime != renewTime {
                    seen = Observation(heartbeat: heartbeat, renewTime: renewTime, probedAt: now)
                    all[node.name] = seen
                }
                return seen.probedAt
            }
            all[node.name] = Observation(heartbeat: heartbeat, renewTime: renewTime, probedAt: now)
            return now
        }
    }

    /// Marks a silent node Unknown and keeps its taints in line with its conditions.
    private func monitor(_ name: String) async throws -> Workers.Outcome {
        guard var node = nodes.get(name: name) else { return .done }
        let now = clock.now()
        let time = clock.time()
        let heardAt = observe(node, now: now)
        let neverReported = node.readyCondition == nil
        let grace = neverReported ? configuration.startupGracePeriod : configuration.gracePeriod
        let since = neverReported ? max(heardAt, node.createdAt) : heardAt
        var recheck = configuration.monitorPeriod
        if now.timeIntervalSince(since) > grace {
            if let conditions = NodeHealth.silentConditions(node, now: time) {
                var status = node.status ?? NodeStatus()
                status.conditions = conditions
                node.status = status
                node = try await client.updateStatus(node)
            }
        } else {
            recheck = min(recheck, grace - now.timeIntervalSince(since) + 0.1)
        }
        if let taints = NodeHealth.reconciledTaints(node.spec?.taints ?? [], desired: NodeHealth.desiredTaints(node), now: time) {
            var spec = node.spec ?? NodeSpec()
            spec.taints = taints.isEmpty ? nil : taints
            node.spec = spec
            node = try await client.update(node)
        }
        return .requeue(after: clock.realDelay(max(0.05, recheck)))
    }

    /// Deletes a Pod whose node's NoExecute taints it does not tolerate (long enough).
    private func evict(_ podKey: String) async throws -> Workers.Outcome {
        guard let pod = pods.get(key: podKey), !pod.nodeName.isEmpty, !pod.metadata.isDeleting,
            let node = nodes.get(name: pod.nodeName)
        else { return .done }
        switch TaintEviction.decide(taints: node.spec?.taints ?? [], tolerations: pod.spec?.tolerations ?? [], now: clock.now()) {
        case .keep:
            return .done
        case .evict(let at):
            return .requeue(after: clock.realDelay(until: at) + 0.05)
        case .evictNow:
            try await markDisrupted(pod)
            try await delete(pod)
            return .done
        }
    }

    /// Deletes an evicted Pod, unless it went or was replaced meanwhile. (Its own function:
    /// a do/catch inside the switch above crashes Swift 6.3's SILGen.)
    private func delete(_ pod: Pod) async throws {
        do {
            try await client.delete(Pod.self, namespace: pod.namespace, name: pod.name, options: DeleteOptions(preconditions: .init(uid: pod.uid)))
        } catch {
            guard error.isGoneOrChanged else { throw error }
        }
    }

    /// Records why the Pod goes (the DisruptionTarget condition), as upstream does first.
    private func markDisrupted(_ pod: Pod) async throws {
        var updated = pod
        var status = updated.status ?? PodStatus()
        guard status.condition("DisruptionTarget")?.status != "True" else { return }
        status.setCondition(PodCondition(type: "DisruptionTarget", status: "True", reason: "DeletionByTaintManager",
                                         message: "Taint manager: deleting due to NoExecute taint"), now: clock.time())
        updated.status = status
        do {
            _ = try await client.updateStatus(updated)
        } catch {
            guard error.isGoneOrChanged else { throw error }
            // The deletion matters more than the note.
        }
    }
}
