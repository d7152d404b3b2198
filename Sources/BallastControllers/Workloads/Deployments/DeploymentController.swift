import BallastAPI
public import BallastClient
import Foundation

/// Rolls Deployments out through ReplicaSets, as Kubernetes' deployment controller does:
/// one ReplicaSet per pod template (`<deployment>-<pod-template-hash>`), RollingUpdate
/// within maxSurge/maxUnavailable or Recreate, proportional scaling, revisions in
/// `deployment.kubernetes.io/revision` (a template that matches an older ReplicaSet reuses
/// it, which is what `kubectl rollout undo` relies on), revisionHistoryLimit, pause, the
/// progress deadline and the Available/Progressing/ReplicaFailure conditions, and the
/// status fields `kubectl rollout status` reads.
///
/// `run()` holds the informers and the queue; `sync(_:)` is one reconcile of one key.
public final class DeploymentController: Sendable {
    let client: KubeClient
    let clock: ControllerClock
    let deployments: Informer<Deployment>
    let replicaSets: Informer<ReplicaSet>
    let pods: Informer<Pod>
    private let queue = WorkQueue()

    /// - Parameters:
    ///   - client: the API client the controller reads and writes with.
    ///   - clock: the time conditions and the progress deadline are measured with.
    public init(client: KubeClient, clock: ControllerClock = .system) {
        self.client = client
        self.clock = clock
        deployments = Informer<Deployment>(client: client)
        replicaSets = Informer<ReplicaSet>(client: client)
        pods = Informer<Pod>(client: client)
    }

    /// Watches Deployments, ReplicaSets and Pods and reconciles until cancelled.
    public func run() async {
        deployments.addHandler { [queue] event in
            switch event {
            case .added(let deployment), .updated(_, let deployment), .deleted(let deployment): queue.add(deployment.queueKey)
            }
        }
        replicaSets.addHandler { [weak self] event in self?.replicaSetChanged(event) }
        pods.addHandler { [weak self] event in
            // Recreate waits for the old Pods to be gone before it scales the new set up.
            guard case .deleted(let pod) = event, let self, let key = self.owningDeployment(ofPod: pod) else { return }
            self.queue.add(key)
        }
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.deployments.run() }
            group.addTask { await self.replicaSets.run() }
            group.addTask { await self.pods.run() }
            group.addTask {
                let synced = await ControllerSupport.waitForSync([
                    { self.deployments.hasSynced }, { self.replicaSets.hasSynced }, { self.pods.hasSynced },
                ])
                guard synced else { return }
                await Workers.run(self.queue, count: 2) { key in try await self.sync(key) }
            }
        }
    }

    private func replicaSetChanged(_ event: InformerEvent<ReplicaSet>) {
        switch event {
        case .added(let set):
            if let key = owningDeployment(of: set) { queue.add(key) } else { for key in selectingDeployments(of: set) { queue.add(key) } }
        case .updated(let old, let new):
            let oldOwner = owningDeployment(of: old)
            let newOwner = owningDeployment(of: new)
            if let oldOwner, oldOwner != newOwner { queue.add(oldOwner) }
            if let newOwner {
                queue.add(newOwner)
            } else if old.metadata.labels != new.metadata.labels || old.metadata.ownerReferences != new.metadata.ownerReferences {
                for key in selectingDeployments(of: new) { queue.add(key) }
            }
        case .deleted(let set):
            if let key = owningDeployment(of: set) { queue.add(key) }
        }
    }

    private func owningDeployment(of set: ReplicaSet) -> String? {
        guard let reference = set.metadata.controllerReference, reference.kind == Deployment.gvk.kind,
            reference.apiVersion == Deployment.gvk.apiVersion
        else { return nil }
        let key = reference.key(in: set.namespace)
        return deployments.get(key: key)?.uid == reference.uid ? key : nil
    }

    private func owningDeployment(ofPod pod: Pod) -> String? {
        guard let reference = pod.metadata.controllerReference, reference.kind == ReplicaSet.gvk.kind,
            let set = replicaSets.get(key: reference.key(in: pod.namespace)), set.uid == reference.uid
        else { return nil }
        return owningDeployment(of: set)
    }

    private func selectingDeployments(of set: ReplicaSet) -> [String] {
        deployments.list().filter { $0.namespace == set.namespace && LabelSelector.matches($0.spec?.selector, set.metadata.labels) }
            .map(\.queueKey)
    }

    /// One reconcile of the Deployment `key` ("namespace/name").
    public func sync(_ key: String) async throws -> Workers.Outcome {
        guard var deployment = deployments.get(key: key) else { return .done }
        guard let selector = deployment.spec?.selector, !selector.isEmpty else {
            // A selector that selects everything would fight every other controller.
            if (deployment.status?.observedGeneration ?? 0) < (deployment.metadata.generation ?? 0) {
                var status = deployment.status ?? DeploymentStatus()
                status.observedGeneration = deployment.metadata.generation
                deployment.status = status
                _ = try await client.updateStatus(deployment)
            }
            return .done
        }
        let candidates = replicaSets.list().filter { $0.namespace == deployment.namespace }
        let sets = try await ControllerRefManager<Deployment, ReplicaSet>(client: client, owner: deployment) {
            selector.matches($0.metadata.labels)
        }.claim(candidates)
        if deployment.metadata.isDeleting {
            let (new, old) = try await replicaSetsSyncingRevision(&deployment, sets: sets, create: false)
            try await syncStatus(&deployment, all: old + [new].compactMap { $0 }, new: new)
            return .done
        }
        try await checkPausedCondition(&deployment)
        if deployment.spec?.paused == true { return try await syncScaling(&deployment, sets: sets) }
        if try await isScalingEvent(&deployment, sets: sets) { return try await syncScaling(&deployment, sets: sets) }
        if DeploymentMath.isRollingUpdate(deployment) { return try await rolloutRolling(&deployment, sets: sets) }
        return try await rolloutRecreate(&deployment, sets: sets)
    }

    /// Records the paused or resumed state in the Progressing condition (checkPausedConditions).
    private func checkPausedCondition(_ deployment: inout Deployment) async throws {
        guard DeploymentConditions.hasProgressDeadline(deployment) else { return }
        let condition = DeploymentConditions.condition(deployment.status, DeploymentConditions.progressing)
        if condition?.reason == DeploymentConditions.Reason.timedOut { return }
        let pausedShown = condition?.reason == DeploymentConditions.Reason.paused
        let paused = deployment.spec?.paused == true
        guard paused != pausedShown else { return }
        var status = deployment.status ?? DeploymentStatus()
        let (reason, message) = paused ? (DeploymentConditions.Reason.paused, "Deployment is paused")
                                       : (DeploymentConditions.Reason.resumed, "Deployment is resumed")
        DeploymentConditions.set(&status, DeploymentConditions.make(DeploymentConditions.progressing, "Unknown", reason, message,
                                                                    now: clock.time()))
        deployment.status = status
        deployment = try await client.updateStatus(deployment)
    }

    /// Whether only the replica count changed: an active set's desired-replicas annotation
    /// differs from spec.replicas (isScalingEvent).
    private func isScalingEvent(_ deployment: inout Deployment, sets: [ReplicaSet]) async throws -> Bool {
        let (new, old) = try await replicaSetsSyncingRevision(&deployment, sets: sets, create: false)
        let desired = DeploymentMath.replicas(deployment)
        for set in (old + [new].compactMap { $0 }) where DeploymentMath.specReplicas(set) > 0 {
            if let annotated = DeploymentMath.annotatedInt(set, DeploymentMath.desiredReplicasAnnotation), annotated != desired {
                return true
            }
        }
        return false
    }

    /// A paused deployment or a pure scaling event: resize the sets without rolling (sync).
    private func syncScaling(_ deployment: inout Deployment, sets: [ReplicaSet]) async throws -> Workers.Outcome {
        var (new, old) = try await replicaSetsSyncingRevision(&deployment, sets: sets, create: false)
        try await scale(deployment, new: &new, old: &old)
        if deployment.spec?.paused == true { try await cleanUp(old, deployment) }
        try await syncStatus(&deployment, all: old + [new].compactMap { $0 }, new: new)
        return .done
    }
}
