import BallastAPI
public import BallastClient
public import Foundation
import Synchronization

/// Removes Pods no node agent will ever finish, as Kubernetes' pod GC controller does:
/// - Pods bound to a node that no longer exists (after a quarantine, and once the API
///   confirms the node is gone) are marked Failed (DisruptionTarget, DeletionByPodGC) and
///   force-deleted;
/// - Pods being deleted on a node that is not Ready are force-deleted (grace 0) once their
///   grace period has run out, since no agent will confirm they stopped;
/// - Pods being deleted that were never scheduled are force-deleted;
/// - beyond a threshold of finished Pods, the oldest finished ones are deleted.
///
/// `run()` holds the informers and the periodic pass; `collect()` is one pass.
public final class PodGarbageCollector: Sendable {
    /// When the collector acts.
    public struct Configuration: Sendable {
        /// Finished Pods kept before the oldest are deleted; 0 keeps them all (upstream
        /// --terminated-pod-gc-threshold: 12500).
        public var terminatedPodThreshold: Int
        /// How long a node must be missing before its Pods are collected (upstream: 40 s).
        public var quarantine: TimeInterval
        /// How often a pass runs (upstream: 20 s).
        public var period: TimeInterval

        public init(terminatedPodThreshold: Int = 12_500, quarantine: TimeInterval = 40, period: TimeInterval = 20) {
            self.terminatedPodThreshold = terminatedPodThreshold
            self.quarantine = quarantine
            self.period = period
        }
    }

    let client: KubeClient
    let clock: ControllerClock
    let configuration: Configuration
    let nodes: Informer<Node>
    let pods: Informer<Pod>
    /// When each missing node was first noticed missing.
    private let missingSince = Mutex<[String: Date]>([:])

    /// - Parameters:
    ///   - client: the API client the collector reads and writes with.
    ///   - configuration: threshold, quarantine and period.
    ///   - clock: the time grace periods and the quarantine are measured with.
    public init(client: KubeClient, configuration: Configuration = Configuration(), clock: ControllerClock = .system) {
        self.client = client
        self.clock = clock
        self.configuration = configuration
        nodes = Informer<Node>(client: client)
        pods = Informer<Pod>(client: client)
    }

    /// Watches Nodes and Pods and collects every period until cancelled.
    public func run() async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.nodes.run() }
            group.addTask { await self.pods.run() }
            group.addTask {
                guard await ControllerSupport.waitForSync([{ self.nodes.hasSynced }, { self.pods.hasSynced }]) else { return }
                while !Task.isCancelled {
                    try? await self.collect()
                    try? await Task.sleep(nanoseconds: UInt64(self.clock.realDelay(self.configuration.period) * 1e9))
                }
            }
        }
    }

    /// One pass over every Pod.
    public func collect() async throws {
        let now = clock.now()
        let allPods = pods.list()
        let known = Dictionary(nodes.list().map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        var firstError: (any Error)?
        func attempt(_ work: () async throws -> Void) async {
            do { try await work() } catch { if firstError == nil { firstError = error } }
        }

        // Finished Pods beyond the threshold, oldest first.
        let threshold = configuration.terminatedPodThreshold
        let finished = allPods.filter(\.isTerminal)
        if threshold > 0, finished.count > threshold {
            for pod in finished.sorted(by: { $0.createdAt < $1.createdAt }).prefix(finished.count - threshold) {
                await attempt { try await forceDelete(pod) }
            }
        }

        // Pods of nodes that are gone.
        let missing = Set(allPods.map(\.nodeName).filter { !$0.isEmpty && known[$0] == nil })
        let quarantined = missingSince.withLock { all -> Set<String> in
            for name in all.keys where !missing.contains(name) { all[name] = nil }
            for name in missing where all[name] == nil { all[name] = now }
            return Set(missing.filter { name in all[name].map { now.timeIntervalSince($0) >= configuration.quarantine } ?? false })
        }
        for name in quarantined {
            // The cache may lag: ask the API before declaring the node gone.
            guard try await client.getIfPresent(Node.self, name: name) == nil else { continue }
            for pod in allPods where pod.nodeName == name {
                await attempt {
                    try await markFailed(pod, reason: "DeletionByPodGC", message: "PodGC: node no longer exists")
                    try await forceDelete(pod)
                }
            }
        }

        for pod in allPods where pod.metadata.isDeleting {
            if pod.nodeName.isEmpty {
                // Never scheduled: nothing runs it, nothing will confirm.
                await attempt { try await forceDelete(pod) }
            } else if let node = known[pod.nodeName], !node.isReady, let deadline = pod.metadata.deletionTimestamp?.date, deadline <= now {
                // The node's agent is silent: its grace period ran out with no one to finish it.
                await attempt { try await forceDelete(pod) }
            }
        }
        if let firstError { throw firstError }
    }

    /// Marks a Pod that cannot finish Failed with a DisruptionTarget condition.
    private func markFailed(_ pod: Pod, reason: String, message: String) async throws {
        var updated = pod
        var status = updated.status ?? PodStatus()
        if !pod.isTerminal { status.phase = Pod.Phase.failed }
        status.setCondition(PodCondition(type: "DisruptionTarget", status: "True", reason: reason, message: message), now: clock.time())
        guard status != pod.status else { return }
        updated.status = status
        do {
            _ = try await client.updateStatus(updated)
        } catch {
            guard error.isGoneOrChanged else { throw error }
        }
    }

    /// Deletes at once (grace period 0), only the Pod with this uid.
    private func forceDelete(_ pod: Pod) async throws {
        do {
            try await client.delete(Pod.self, namespace: pod.namespace, name: pod.name,
                                    options: DeleteOptions(gracePeriodSeconds: 0, preconditions: .init(uid: pod.uid)))
        } catch {
            guard error.isGoneOrChanged else { throw error }
        }
    }
}
