import BallastAPI
public import BallastClient
import Foundation
import Synchronization

/// Runs one Pod of every DaemonSet on each node it belongs on, as Kubernetes' DaemonSet
/// controller does: nodes are chosen by nodeSelector, required node affinity and the taints
/// the Pod tolerates (daemon Pods get upstream's default tolerations); a new node gets its
/// Pod, a node that stops matching loses it, failed Pods are replaced with back-off, extra
/// Pods on a node are removed; RollingUpdate replaces old Pods within maxUnavailable, or
/// OnDelete leaves that to the user; the status counts `kubectl rollout status` reads.
///
/// Pods are bound with spec.nodeName (they run without a scheduler) and also carry the node
/// affinity on metadata.name that upstream gives them.
///
/// `run()` holds the informers and the queue; `sync(_:)` is one reconcile of one key.
public final class DaemonSetController: Sendable {
    static let revisionLabel = "controller-revision-hash"
    static let templateGenerationLabel = "pod-template-generation"

    let client: KubeClient
    let clock: ControllerClock
    let daemonSets: Informer<DaemonSet>
    let pods: Informer<Pod>
    let nodes: Informer<Node>
    private let queue = WorkQueue()
    let expectations = Expectations()
    /// Back-off per set and node for replacing failed Pods (1 s doubling to 15 min).
    private let failedBackoff = Mutex<[String: (delay: Double, until: Date)]>([:])

    /// - Parameters:
    ///   - client: the API client the controller reads and writes with.
    ///   - clock: the time minReadySeconds and back-off are measured against.
    public init(client: KubeClient, clock: ControllerClock = .system) {
        self.client = client
        self.clock = clock
        daemonSets = Informer<DaemonSet>(client: client)
        pods = Informer<Pod>(client: client)
        nodes = Informer<Node>(client: client)
    }

    /// Watches DaemonSets, Pods and Nodes and reconciles until cancelled.
    public func run() async {
        daemonSets.addHandler { [queue, expectations] event in
            switch event {
            case .added(let set), .updated(_, let set): queue.add(set.queueKey)
            case .deleted(let set):
                expectations.forget(set.queueKey)
                queue.add(set.queueKey)
            }
        }
        pods.addHandler { [weak self] event in self?.podChanged(event) }
        nodes.addHandler { [weak self] event in
            guard let self else { return }
            if case .updated(let old, let new) = event, old.metadata.labels == new.metadata.labels, old.spec == new.spec { return }
            for set in self.daemonSets.list() { self.queue.add(set.queueKey) }
        }
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.daemonSets.run() }
            group.addTask { await self.pods.run() }
            group.addTask { await self.nodes.run() }
            group.addTask {
                let synced = await ControllerSupport.waitForSync([{ self.daemonSets.hasSynced }, { self.pods.hasSynced }, { self.nodes.hasSynced }])
                guard synced else { return }
                await Workers.run(self.queue, count: 2) { key in try await self.sync(key) }
            }
        }
    }

    private func podChanged(_ event: InformerEvent<Pod>) {
        switch event {
        case .added(let pod):
            guard let owner = controllingSet(of: pod) else { return enqueueSelecting(pod) }
            if pod.metadata.isDeleting { expectations.deletionObserved(owner, name: pod.name) } else { expectations.creationObserved(owner, name: pod.name) }
            queue.add(owner)
        case .updated(let old, let new):
            let (oldOwner, newOwner) = (controllingSet(of: old), controllingSet(of: new))
            if let newOwner, new.metadata.isDeleting { expectations.deletionObserved(newOwner, name: new.name) }
            if let oldOwner, oldOwner != newOwner { queue.add(oldOwner) }
            if let newOwner { queue.add(newOwner) } else if old.metadata.labels != new.metadata.labels { enqueueSelecting(new) }
        case .deleted(let pod):
            if let owner = controllingSet(of: pod) {
                expectations.deletionObserved(owner, name: pod.name)
                queue.add(owner)
            }
        }
    }

    private func controllingSet(of pod: Pod) -> String? {
        guard let reference = pod.metadata.controllerReference, reference.kind == DaemonSet.gvk.kind,
            reference.apiVersion == DaemonSet.gvk.apiVersion
        else { return nil }
        let key = reference.key(in: pod.namespace)
        return daemonSets.get(key: key)?.uid == reference.uid ? key : nil
    }

    private func enqueueSelecting(_ pod: Pod) {
        for set in daemonSets.list() where set.namespace == pod.namespace && LabelSelector.matches(set.spec?.selector, pod.metadata.labels) {
            queue.add(set.queueKey)
        }
    }

    /// One reconcile of the DaemonSet `key` ("namespace/name").
    public func sync(_ key: String) async throws -> Workers.Outcome {
        guard let set = daemonSets.get(key: key) else {
            expectations.forget(key)
            return .done
        }
        let selector = set.spec?.selector
        let candidates = pods.list().filter { $0.namespace == set.namespace }
        let owned = try await ControllerRefManager<DaemonSet, Pod>(client: client, owner: set) {
            LabelSelector.matches(selector, $0.metadata.labels)
        }.claim(candidates)
        let hash = PodTemplateHash.compute(set.spec?.template, collisionCount: set.status?.collisionCount)
        let allNodes = nodes.list()
        var retryAfter: Double?
        let satisfied = expectations.satisfied(key) { name in
            let pod = pods.get(namespace: set.namespace, name: name)
            return (pod != nil, pod?.metadata.isDeleting ?? false)
        }
        if satisfied, !set.metadata.isDeleting {
            var plan = manage(set, pods: owned, nodes: allNodes, hash: hash)
            retryAfter = plan.retryAfter
            if (set.spec?.updateStrategy?.type ?? "RollingUpdate") == "RollingUpdate", plan.create.isEmpty, plan.delete.isEmpty {
                plan.delete = rollingUpdateVictims(set, pods: owned, nodes: allNodes, hash: hash)
            }
            try await apply(plan, set: set, key: key, hash: hash)
        }
        let (status, nextAvailability) = DaemonSetStatusCalculator.status(set, pods: owned, nodes: allNodes, hash: hash, now: clock.now())
        if status != set.status {
            var updated = set
            updated.status = status
            _ = try await client.updateStatus(updated)
        }
        let delays = [retryAfter, nextAvailability.map { clock.realDelay(until: $0) + 0.05 }].compactMap { $0 }
        if let delay = delays.min() { return .requeue(after: delay) }
        return .done
    }

    /// What one pass creates and deletes.
    struct Plan {
        var create: [String] = []
        var delete: [Pod] = []
        var retryAfter: Double?
    }

    /// Daemon Pods by the node they are for; deleted finished Pods are left out.
    static func podsByNode(_ pods: [Pod]) -> [String: [Pod]] {
        var result: [String: [Pod]] = [:]
        for pod in pods where !(pod.isTerminal && pod.metadata.isDeleting) {
            if let node = DaemonSetPlacement.targetNode(of: pod) { result[node, default: []].append(pod) }
        }
        return result
    }

    /// manage and podsShouldBeOnNode upstream.
    private func manage(_ set: DaemonSet, pods: [Pod], nodes: [Node], hash: String) -> Plan {
        var plan = Plan()
        var byNode = Self.podsByNode(pods)
        let now = clock.now()
        for node in nodes {
            let onNode = byNode.removeValue(forKey: node.name) ?? []
            let (shouldRun, continueRunning) = DaemonSetPlacement.shouldRun(on: node, set)
            if shouldRun && onNode.isEmpty {
                plan.create.append(node.name)
            } else if continueRunning {
                var running: [Pod] = []
                for pod in onNode where !pod.metadata.isDeleting {
                    if pod.status?.phase == Pod.Phase.failed {
                        // A node's agent that keeps refusing the Pod must not be hammered.
                        if let wait = backoffRemaining(set, node: node.name, now: now) {
                            plan.retryAfter = min(plan.retryAfter ?? wait, wait)
                            continue
                        }
                        plan.delete.append(pod)
                    } else if pod.status?.phase == Pod.Phase.succeeded {
                        plan.delete.append(pod)
                    } else {
                        running.append(pod)
                    }
                }
                if running.count > 1 {
                    plan.delete += running.sorted(by: Self.oldestFirst).dropFirst()
                }
            } else {
                plan.delete += onNode.filter { !$0.metadata.isDeleting }
            }
        }
        // Pods for nodes that no longer exist can never run.
        for leftovers in byNode.values { plan.delete += leftovers.filter { !$0.metadata.isDeleting } }
        return plan
    }

    /// Older first; among equals a running Pod before a pending one.
    static func oldestFirst(_ a: Pod, _ b: Pod) -> Bool {
        if a.createdAt != b.createdAt { return a.createdAt < b.createdAt }
        return (a.status?.phase == Pod.Phase.running ? 0 : 1) < (b.status?.phase == Pod.Phase.running ? 0 : 1)
    }

    /// The seconds to wait before replacing a failed Pod on `node`, nil to replace it now
    /// (which starts the next, doubled back-off).
    private func backoffRemaining(_ set: DaemonSet, node: String, now: Date) -> Double? {
        failedBackoff.withLock { all in
            let key = "\(set.uid)/\(node)"
            if let entry = all[key], entry.until > now { return clock.realDelay(until: entry.until) }
            let delay = min(900, (all[key]?.delay ?? 0.5) * 2)
            all[key] = (delay, now.addingTimeInterval(delay))
            return nil
        }
    }

    /// The old Pods RollingUpdate deletes now: unavailable old Pods always, healthy ones
    /// while fewer than maxUnavailable nodes are without an available Pod.
    private func rollingUpdateVictims(_ set: DaemonSet, pods: [Pod], nodes: [Node], hash: String) -> [Pod] {
        let now = clock.now()
        let minReady = set.spec?.minReadySeconds ?? 0
        let desired = nodes.filter { DaemonSetPlacement.shouldRun(on: $0, set).run }.count
        let rolling = set.spec?.updateStrategy?.rollingUpdate
        var maxUnavailable = (rolling?.maxUnavailable ?? .int(1)).scaledValue(total: desired, roundUp: true) ?? 1
        let maxSurge = (rolling?.maxSurge ?? .int(0)).scaledValue(total: desired, roundUp: true) ?? 0
        if maxUnavailable == 0 && maxSurge == 0 { maxUnavailable = 1 }
        // Surge is not implemented: a surge-only strategy replaces one node at a time.
        if maxUnavailable == 0 { maxUnavailable = 1 }
        var unavailable = 0
        var replacements: [Pod] = []
        var candidates: [Pod] = []
        for (_, onNode) in Self.podsByNode(pods).sorted(by: { $0.key < $1.key }) {
            var new: Pod?
            var old: Pod?
            var consistent = true
            for pod in onNode where !pod.metadata.isDeleting {
                if pod.metadata.labels?[Self.revisionLabel] == hash {
                    if new != nil { consistent = false }
                    new = pod
                } else {
                    if old != nil { consistent = false }
                    old = pod
                }
            }
            guard consistent else {
                unavailable += 1
                continue
            }
            switch (new, old) {
            case (nil, nil), (.some, .some):
                unavailable += 1
            case (.some(let pod), nil):
                if !pod.isAvailable(minReadySeconds: minReady, now: now) { unavailable += 1 }
            case (nil, .some(let pod)):
                if !pod.isAvailable(minReadySeconds: minReady, now: now) {
                    replacements.append(pod)
                    unavailable += 1
                } else if unavailable < maxUnavailable {
                    candidates.append(pod)
                }
            }
        }
        let budget = min(max(0, maxUnavailable - unavailable), candidates.count)
        return replacements + candidates.prefix(budget)
    }

    /// Creates and deletes what the plan says, recording expectations.
    private func apply(_ plan: Plan, set: DaemonSet, key: String, hash: String) async throws {
        let client = self.client
        let expectations = self.expectations
        let newPods = plan.create.map { DaemonSetPlacement.pod(for: set, node: $0, hash: hash) }
        expectations.expectCreations(key, names: newPods.map(\.name))
        let created = await ControllerSupport.slowStart(newPods, skipped: { expectations.creationObserved(key, name: $0.name) }) { pod throws(ClientError) in
            do throws(ClientError) {
                _ = try await client.create(pod)
            } catch {
                expectations.creationObserved(key, name: pod.name)
                if !error.isAlreadyExists { throw error }
            }
        }
        expectations.expectDeletions(key, names: plan.delete.map(\.name))
        let deleted = await ControllerSupport.slowStart(plan.delete, skipped: { expectations.deletionObserved(key, name: $0.name) }) { pod throws(ClientError) in
            do throws(ClientError) {
                try await client.delete(Pod.self, namespace: pod.namespace, name: pod.name, options: DeleteOptions(preconditions: .init(uid: pod.uid)))
            } catch {
                expectations.deletionObserved(key, name: pod.name)
                if !(error.isNotFound || error.isConflict) { throw error }
            }
        }
        if let error = created.error ?? deleted.error { throw error }
    }
}
