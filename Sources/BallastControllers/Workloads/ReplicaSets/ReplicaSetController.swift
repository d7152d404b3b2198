import BallastAPI
public import BallastClient
import Foundation

/// Keeps `spec.replicas` Pods of every ReplicaSet, as Kubernetes' ReplicaSet controller
/// does: it adopts matching orphans, releases Pods whose labels stop matching, creates
/// missing Pods (named `<replicaset>-<5 random characters>`, controlled by the ReplicaSet)
/// and deletes surplus ones in `PodDeletionOrder`, and reports `status.replicas`,
/// `fullyLabeledReplicas`, `readyReplicas`, `availableReplicas`, `observedGeneration` and
/// the ReplicaFailure condition when the API refuses a create or delete.
///
/// `run()` holds the informers and the queue; `sync(_:)` is one reconcile of one key.
public final class ReplicaSetController: Sendable {
    private let client: KubeClient
    private let clock: ControllerClock
    let replicaSets: Informer<ReplicaSet>
    let pods: Informer<Pod>
    private let queue = WorkQueue()
    let expectations = Expectations()

    /// - Parameters:
    ///   - client: the API client the controller reads and writes with.
    ///   - clock: the time minReadySeconds is measured against.
    public init(client: KubeClient, clock: ControllerClock = .system) {
        self.client = client
        self.clock = clock
        replicaSets = Informer<ReplicaSet>(client: client)
        pods = Informer<Pod>(client: client)
    }

    /// Watches ReplicaSets and Pods and reconciles until the task is cancelled.
    public func run() async {
        replicaSets.addHandler { [queue, expectations] event in
            switch event {
            case .added(let set), .updated(_, let set): queue.add(set.queueKey)
            case .deleted(let set):
                expectations.forget(set.queueKey)
                queue.add(set.queueKey)
            }
        }
        pods.addHandler { [weak self] event in self?.podChanged(event) }
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.replicaSets.run() }
            group.addTask { await self.pods.run() }
            group.addTask {
                guard await ControllerSupport.waitForSync([{ self.replicaSets.hasSynced }, { self.pods.hasSynced }]) else { return }
                await Workers.run(self.queue, count: 2) { key in try await self.sync(key) }
            }
        }
    }

    /// Routes a Pod change to the ReplicaSets it concerns (addPod/updatePod/deletePod).
    private func podChanged(_ event: InformerEvent<Pod>) {
        switch event {
        case .added(let pod):
            if let owner = controllingSet(of: pod) {
                if pod.metadata.isDeleting {
                    expectations.deletionObserved(owner, name: pod.name)
                } else {
                    expectations.creationObserved(owner, name: pod.name)
                }
                queue.add(owner)
            } else {
                for key in selectingSets(of: pod) { queue.add(key) }
            }
        case .updated(let old, let new):
            let oldOwner = controllingSet(of: old)
            let newOwner = controllingSet(of: new)
            if new.metadata.isDeleting, let newOwner { expectations.deletionObserved(newOwner, name: new.name) }
            if let oldOwner, oldOwner != newOwner { queue.add(oldOwner) }
            if let newOwner {
                queue.add(newOwner)
            } else if old.metadata.labels != new.metadata.labels || old.metadata.ownerReferences != new.metadata.ownerReferences {
                for key in selectingSets(of: new) { queue.add(key) }
            }
        case .deleted(let pod):
            if let owner = controllingSet(of: pod) {
                expectations.deletionObserved(owner, name: pod.name)
                queue.add(owner)
            }
        }
    }

    /// The key of the ReplicaSet that controls `pod`, if it is one this cache knows.
    private func controllingSet(of pod: Pod) -> String? {
        guard let reference = pod.metadata.controllerReference, reference.kind == ReplicaSet.gvk.kind,
            reference.apiVersion == ReplicaSet.gvk.apiVersion
        else { return nil }
        let key = reference.key(in: pod.namespace)
        guard let set = replicaSets.get(key: key), set.uid == reference.uid else { return nil }
        return key
    }

    /// The ReplicaSets whose selector matches an orphan, which may adopt it.
    private func selectingSets(of pod: Pod) -> [String] {
        replicaSets.list().filter { $0.namespace == pod.namespace && LabelSelector.matches($0.spec?.selector, pod.metadata.labels) }
            .map(\.queueKey)
    }

    /// One reconcile of the ReplicaSet `key` ("namespace/name").
    public func sync(_ key: String) async throws -> Workers.Outcome {
        guard let set = replicaSets.get(key: key) else {
            expectations.forget(key)
            return .done
        }
        let satisfied = expectations.satisfied(key) { name in
            let pod = pods.get(namespace: set.namespace, name: name)
            return (pod != nil, pod?.metadata.isDeleting ?? false)
        }
        let selector = set.spec?.selector
        let active = pods.list().filter { $0.namespace == set.namespace && $0.isActive }
        let owned = try await ControllerRefManager<ReplicaSet, Pod>(client: client, owner: set) {
            LabelSelector.matches(selector, $0.metadata.labels)
        }.claim(active)
        var failure: ClientError?
        if satisfied, !set.metadata.isDeleting {
            failure = await manageReplicas(set, owned: owned, key: key)
        }
        let now = clock.now()
        let status = ReplicaSetStatusCalculator.status(of: set, pods: owned, failure: failure, now: now, time: clock.time())
        if status != set.status {
            var updated = set
            updated.status = status
            _ = try await client.updateStatus(updated)
        }
        if let failure { throw failure }
        // A Pod that is Ready but not yet available for minReadySeconds needs another look.
        let minReady = set.spec?.minReadySeconds ?? 0
        let pending = owned.filter { !$0.isAvailable(minReadySeconds: minReady, now: now) }.compactMap { $0.availableAt(minReadySeconds: minReady) }
        if let next = pending.min() { return .requeue(after: clock.realDelay(until: next) + 0.05) }
        return .done
    }

    /// Creates or deletes Pods toward spec.replicas; returns the error that stopped it.
    private func manageReplicas(_ set: ReplicaSet, owned: [Pod], key: String) async -> ClientError? {
        let desired = Int(set.spec?.replicas ?? 1)
        let difference = owned.count - desired
        if difference < 0 {
            let names = (0..<min(-difference, ControllerSupport.burst)).map { _ in PodFactory.randomName(prefix: set.name) }
            expectations.expectCreations(key, names: names)
            let reference = set.ownerReference(controller: true, blockOwnerDeletion: true)
            let (client, template, namespace, expectations) = (self.client, set.spec?.template, set.namespace, self.expectations)
            let result = await ControllerSupport.slowStart(names, skipped: { expectations.creationObserved(key, name: $0) }) { name throws(ClientError) in
                do throws(ClientError) {
                    _ = try await client.create(PodFactory.pod(from: template, name: name, namespace: namespace, owner: reference))
                } catch {
                    expectations.creationObserved(key, name: name)
                    // A name collision is harmless: the next sync makes up the difference.
                    if !error.isAlreadyExists { throw error }
                }
            }
            return result.error
        }
        if difference > 0 {
            let victims = PodDeletionOrder.podsToDelete(owned, related: relatedPods(of: set, owned: owned),
                                                       count: min(difference, ControllerSupport.burst), now: clock.now())
            expectations.expectDeletions(key, names: victims.map(\.name))
            let (client, expectations) = (self.client, self.expectations)
            let result = await ControllerSupport.slowStart(victims, skipped: { expectations.deletionObserved(key, name: $0.name) }) { pod throws(ClientError) in
                do throws(ClientError) {
                    try await client.delete(Pod.self, namespace: pod.namespace, name: pod.name,
                                            options: DeleteOptions(preconditions: .init(uid: pod.uid)))
                } catch {
                    expectations.deletionObserved(key, name: pod.name)
                    guard error.isGoneOrChanged else { throw error }
                }
            }
            return result.error
        }
        return nil
    }

    /// The Pods of every ReplicaSet with the same controller (a Deployment's old and new
    /// sets), whose spread over nodes decides which Pods are "doubled up".
    private func relatedPods(of set: ReplicaSet, owned: [Pod]) -> [Pod] {
        guard let controller = set.metadata.controllerReference else { return owned }
        let siblings = Set(replicaSets.list().filter {
            $0.namespace == set.namespace && $0.metadata.controllerReference?.uid == controller.uid
        }.map(\.uid))
        return pods.list().filter { pod in
            pod.namespace == set.namespace && pod.metadata.controllerReference.map { siblings.contains($0.uid) } == true
        }
    }
}
