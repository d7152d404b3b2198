import BallastAPI
public import BallastClient
import Foundation

/// Runs StatefulSets as Kubernetes' StatefulSet controller does: Pods `<set>-<ordinal>`
/// from spec.ordinals.start, created in order with each Running and Ready (and available
/// for minReadySeconds) before the next and removed in reverse (OrderedReady), or all at
/// once (Parallel); claims `<template>-<set>-<ordinal>` made before their Pod and never
/// deleted with it, owned as persistentVolumeClaimRetentionPolicy says; RollingUpdate from
/// the highest ordinal down to the partition, or OnDelete.
///
/// Ballast has no ControllerRevision kind: a revision is `<set>-<hash of the template>`,
/// kept in status.currentRevision/updateRevision and on each Pod's
/// `controller-revision-hash` label.
///
/// `run()` holds the informers and the queue; `sync(_:)` is one reconcile of one key.
public final class StatefulSetController: Sendable {
    let client: KubeClient
    let clock: ControllerClock
    let sets: Informer<StatefulSet>
    let pods: Informer<Pod>
    let claims: Informer<PersistentVolumeClaim>
    private let queue = WorkQueue()

    /// - Parameters:
    ///   - client: the API client the controller reads and writes with.
    ///   - clock: the time minReadySeconds is measured against.
    public init(client: KubeClient, clock: ControllerClock = .system) {
        self.client = client
        self.clock = clock
        sets = Informer<StatefulSet>(client: client)
        pods = Informer<Pod>(client: client)
        claims = Informer<PersistentVolumeClaim>(client: client)
    }

    /// Watches StatefulSets, Pods and claims and reconciles until cancelled.
    public func run() async {
        sets.addHandler { [queue] event in
            switch event {
            case .added(let set), .updated(_, let set), .deleted(let set): queue.add(set.queueKey)
            }
        }
        pods.addHandler { [weak self] event in
            guard let self else { return }
            switch event {
            case .added(let pod), .deleted(let pod):
                for key in self.interestedSets(pod) { self.queue.add(key) }
            case .updated(let old, let new):
                for key in Set(self.interestedSets(old) + self.interestedSets(new)) { self.queue.add(key) }
            }
        }
        claims.addHandler { [weak self] event in
            // A stale claim going away lets its ordinal be created again.
            guard case .deleted(let claim) = event, let self else { return }
            for set in self.sets.list() where set.namespace == claim.namespace
                && (set.spec?.volumeClaimTemplates ?? []).contains(where: { claim.name.hasPrefix("\($0.name)-\(set.name)-") }) {
                self.queue.add(set.queueKey)
            }
        }
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.sets.run() }
            group.addTask { await self.pods.run() }
            group.addTask { await self.claims.run() }
            group.addTask {
                let synced = await ControllerSupport.waitForSync([{ self.sets.hasSynced }, { self.pods.hasSynced }, { self.claims.hasSynced }])
                guard synced else { return }
                await Workers.run(self.queue, count: 2) { key in try await self.sync(key) }
            }
        }
    }

    /// The set controlling a Pod, or for an orphan the sets that may adopt it.
    private func interestedSets(_ pod: Pod) -> [String] {
        if let reference = pod.metadata.controllerReference {
            guard reference.kind == StatefulSet.gvk.kind, reference.apiVersion == StatefulSet.gvk.apiVersion else { return [] }
            return [reference.key(in: pod.namespace)]
        }
        return sets.list().filter {
            $0.namespace == pod.namespace && StatefulSetIdentity.isMember(pod, of: $0) && LabelSelector.matches($0.spec?.selector, pod.metadata.labels)
        }.map(\.queueKey)
    }

    /// One reconcile of the StatefulSet `key` ("namespace/name").
    public func sync(_ key: String) async throws -> Workers.Outcome {
        guard let set = sets.get(key: key) else { return .done }
        let selector = set.spec?.selector
        let candidates = pods.list().filter { $0.namespace == set.namespace }
        let owned = try await ControllerRefManager<StatefulSet, Pod>(client: client, owner: set) { pod in
            StatefulSetIdentity.isMember(pod, of: set) && LabelSelector.matches(selector, pod.metadata.labels)
        }.claim(candidates)
        let updateRevision = StatefulSetIdentity.revisionName(set, template: set.spec?.template)
        let currentRevision = (set.status?.currentRevision).flatMap { $0.isEmpty ? nil : $0 } ?? updateRevision
        var pass = StatefulSetPass(controller: self, set: set, pods: owned, currentRevision: currentRevision,
                                   updateRevision: updateRevision, now: clock.now())
        let status = try await pass.run()
        try await writeStatus(set, status)
        if let next = pass.nextAvailability { return .requeue(after: clock.realDelay(until: next) + 0.05) }
        return .done
    }

    /// Completes a finished rolling update and writes the status if it changed.
    private func writeStatus(_ set: StatefulSet, _ computed: StatefulSetStatus) async throws {
        var status = computed
        let replicas = Int32(StatefulSetIdentity.replicas(set))
        let rolling = (set.spec?.updateStrategy?.type ?? "RollingUpdate") == "RollingUpdate"
        if rolling, status.updatedReplicas == replicas, status.readyReplicas == replicas, status.replicas == replicas {
            status.currentReplicas = status.updatedReplicas
            status.currentRevision = status.updateRevision
        }
        status.conditions = set.status?.conditions
        guard status != set.status else { return }
        var updated = set
        updated.status = status
        _ = try await client.updateStatus(updated)
    }
}
