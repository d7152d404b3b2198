import BallastAPI
import BallastClient

/// The two rollout strategies, proportional scaling and history cleanup (rolling.go,
/// recreate.go and sync.go upstream).
extension DeploymentController {
    /// RollingUpdate: grow the new set within maxSurge, shrink old sets within
    /// maxUnavailable (unhealthy Pods first), one step per sync.
    func rolloutRolling(_ deployment: inout Deployment, sets: [ReplicaSet]) async throws -> Workers.Outcome {
        let (newSet, oldSets) = try await replicaSetsSyncingRevision(&deployment, sets: sets, create: true)
        var new = newSet
        var old = oldSets
        if try await reconcileNew(deployment, new: &new, all: old + [new].compactMap { $0 }) {
            return try await syncRolloutStatus(&deployment, all: old + [new].compactMap { $0 }, new: new)
        }
        if try await reconcileOld(deployment, new: new, old: &old) {
            return try await syncRolloutStatus(&deployment, all: old + [new].compactMap { $0 }, new: new)
        }
        if DeploymentMath.isComplete(deployment, deployment.status ?? DeploymentStatus()) { try await cleanUp(old, deployment) }
        return try await syncRolloutStatus(&deployment, all: old + [new].compactMap { $0 }, new: new)
    }

    /// reconcileNewReplicaSet: returns whether the new set was resized.
    private func reconcileNew(_ deployment: Deployment, new: inout ReplicaSet?, all: [ReplicaSet]) async throws -> Bool {
        guard let set = new else { return false }
        let desired = DeploymentMath.replicas(deployment)
        let current = DeploymentMath.specReplicas(set)
        if current == desired { return false }
        let target = current > desired ? desired : DeploymentMath.newReplicaSetReplicas(deployment, all: all, new: set)
        let (scaled, updated) = try await scaleReplicaSet(set, to: target, deployment)
        new = updated
        return scaled
    }

    /// reconcileOldReplicaSets: scale old sets down as far as availability allows.
    private func reconcileOld(_ deployment: Deployment, new: ReplicaSet?, old: inout [ReplicaSet]) async throws -> Bool {
        let oldCount = DeploymentMath.replicaCount(old)
        guard oldCount > 0 else { return false }
        let allCount = oldCount + DeploymentMath.specReplicas(new)
        let minAvailable = DeploymentMath.replicas(deployment) - DeploymentMath.maxUnavailable(deployment)
        let newUnavailable = DeploymentMath.specReplicas(new) - (new?.status?.availableReplicas ?? 0)
        let maxScaledDown = allCount - minAvailable - newUnavailable
        guard maxScaledDown > 0 else { return false }
        let cleaned = try await cleanUpUnhealthyReplicas(deployment, old: &old, maxCleanup: maxScaledDown)
        let scaledDown = try await scaleDownOldForRollingUpdate(deployment, new: new, old: &old)
        return cleaned + scaledDown > 0
    }

    /// cleanupUnhealthyReplicas: old Pods that are not available go first, oldest set first.
    private func cleanUpUnhealthyReplicas(_ deployment: Deployment, old: inout [ReplicaSet], maxCleanup: Int32) async throws -> Int32 {
        var total: Int32 = 0
        let order = old.indices.sorted { ReplicaSetOrder.byCreation(old[$0], old[$1]) }
        for index in order {
            if total >= maxCleanup { break }
            let set = old[index]
            let replicas = DeploymentMath.specReplicas(set)
            let available = set.status?.availableReplicas ?? 0
            if replicas == 0 || replicas == available { continue }
            let count = min(maxCleanup - total, replicas - available)
            let (_, updated) = try await scaleReplicaSet(set, to: replicas - count, deployment)
            old[index] = updated
            total += count
        }
        return total
    }

    /// scaleDownOldReplicaSetsForRollingUpdate: keep minAvailable Pods available.
    private func scaleDownOldForRollingUpdate(_ deployment: Deployment, new: ReplicaSet?, old: inout [ReplicaSet]) async throws -> Int32 {
        let minAvailable = DeploymentMath.replicas(deployment) - DeploymentMath.maxUnavailable(deployment)
        let available = DeploymentMath.availableReplicaCount(old + [new].compactMap { $0 })
        guard available > minAvailable else { return 0 }
        let budget = available - minAvailable
        var total: Int32 = 0
        let order = old.indices.sorted { ReplicaSetOrder.byCreation(old[$0], old[$1]) }
        for index in order {
            if total >= budget { break }
            let set = old[index]
            let replicas = DeploymentMath.specReplicas(set)
            if replicas == 0 { continue }
            let count = min(replicas, budget - total)
            let (_, updated) = try await scaleReplicaSet(set, to: replicas - count, deployment)
            old[index] = updated
            total += count
        }
        return total
    }

    /// Recreate: every old Pod gone before the new set is scaled up.
    func rolloutRecreate(_ deployment: inout Deployment, sets: [ReplicaSet]) async throws -> Workers.Outcome {
        var (new, old) = try await replicaSetsSyncingRevision(&deployment, sets: sets, create: false)
        var scaledDown = false
        for index in old.indices where DeploymentMath.specReplicas(old[index]) > 0 {
            let (scaled, updated) = try await scaleReplicaSet(old[index], to: 0, deployment)
            old[index] = updated
            scaledDown = scaledDown || scaled
        }
        if scaledDown || oldPodsRunning(new: new, old: old) {
            return try await syncRolloutStatus(&deployment, all: old + [new].compactMap { $0 }, new: new)
        }
        if new == nil { (new, old) = try await replicaSetsSyncingRevision(&deployment, sets: sets, create: true) }
        if let set = new {
            let (_, updated) = try await scaleReplicaSet(set, to: DeploymentMath.replicas(deployment), deployment)
            new = updated
        }
        if DeploymentMath.isComplete(deployment, deployment.status ?? DeploymentStatus()) { try await cleanUp(old, deployment) }
        return try await syncRolloutStatus(&deployment, all: old + [new].compactMap { $0 }, new: new)
    }

    /// Whether a Pod of an old set may still run: the sets report some, or a Pod of theirs
    /// is neither Succeeded nor Failed.
    private func oldPodsRunning(new: ReplicaSet?, old: [ReplicaSet]) -> Bool {
        if DeploymentMath.actualReplicaCount(old) > 0 { return true }
        let oldUIDs = Set(old.map(\.uid))
        guard let namespace = old.first?.namespace else { return false }
        return pods.list().contains { pod in
            pod.namespace == namespace && pod.metadata.controllerReference.map { oldUIDs.contains($0.uid) } == true && !pod.isTerminal
        }
    }

    /// Resizes sets after spec.replicas changed mid-rollout (scale): the only active set
    /// takes it all; a saturated new set means old ones go to zero; otherwise the change is
    /// shared in proportion to each set's size, leftovers to the largest.
    func scale(_ deployment: Deployment, new: inout ReplicaSet?, old: inout [ReplicaSet]) async throws {
        let desired = DeploymentMath.replicas(deployment)
        if let only = activeOrLatest(new: new, old: old) {
            if DeploymentMath.specReplicas(only) == desired { return }
            let (_, updated) = try await scaleReplicaSet(only, to: desired, deployment)
            replace(updated, new: &new, old: &old)
            return
        }
        if DeploymentMath.isSaturated(deployment, new) {
            for index in old.indices where DeploymentMath.specReplicas(old[index]) > 0 {
                old[index] = try await scaleReplicaSet(old[index], to: 0, deployment).set
            }
            return
        }
        guard DeploymentMath.isRollingUpdate(deployment) else { return }
        var active = (old + [new].compactMap { $0 }).filter { DeploymentMath.specReplicas($0) > 0 }
        let allowed = desired > 0 ? desired + DeploymentMath.maxSurge(deployment) : 0
        let toAdd = allowed - DeploymentMath.replicaCount(active)
        if toAdd > 0 { active.sort(by: ReplicaSetOrder.bySizeNewer) }
        if toAdd < 0 { active.sort(by: ReplicaSetOrder.bySizeOlder) }
        var added: Int32 = 0
        var sizes: [String: Int32] = [:]
        for set in active {
            if toAdd != 0 {
                let share = DeploymentMath.proportion(set, deployment, toAdd: toAdd, added: added)
                sizes[set.name] = DeploymentMath.specReplicas(set) + share
                added += share
            } else {
                sizes[set.name] = DeploymentMath.specReplicas(set)
            }
        }
        for (index, set) in active.enumerated() {
            var size = sizes[set.name] ?? DeploymentMath.specReplicas(set)
            if index == 0, toAdd != 0 { size = max(0, size + toAdd - added) }
            let (_, updated) = try await scaleReplicaSet(set, to: size, deployment)
            replace(updated, new: &new, old: &old)
        }
    }

    private func replace(_ set: ReplicaSet, new: inout ReplicaSet?, old: inout [ReplicaSet]) {
        if new?.uid == set.uid { new = set }
        if let index = old.firstIndex(where: { $0.uid == set.uid }) { old[index] = set }
    }

    /// FindActiveOrLatest: the one set with replicas, or the newest when none has any;
    /// nil when several are active.
    private func activeOrLatest(new: ReplicaSet?, old: [ReplicaSet]) -> ReplicaSet? {
        if new == nil && old.isEmpty { return nil }
        let newestFirst = old.sorted { ReplicaSetOrder.byCreation($1, $0) }
        let active = (newestFirst + [new].compactMap { $0 }).filter { DeploymentMath.specReplicas($0) > 0 }
        switch active.count {
        case 0: return new ?? newestFirst.first
        case 1: return active[0]
        default: return nil
        }
    }

    /// Sets spec.replicas and the replicas annotations; returns whether the size changed.
    func scaleReplicaSet(_ set: ReplicaSet, to size: Int32, _ deployment: Deployment) async throws -> (scaled: Bool, set: ReplicaSet) {
        let desired = DeploymentMath.replicas(deployment)
        let maxReplicas = desired + DeploymentMath.maxSurge(deployment)
        let resize = DeploymentMath.specReplicas(set) != size
        guard resize || DeploymentRevisions.replicasAnnotationsNeedUpdate(set, desired: desired, max: maxReplicas) else {
            return (false, set)
        }
        var copy = set
        copy.spec?.replicas = size
        _ = DeploymentRevisions.setReplicasAnnotations(&copy, desired: desired, max: maxReplicas)
        return (resize, try await client.update(copy))
    }

    /// Deletes the oldest old sets beyond revisionHistoryLimit, only those scaled to zero
    /// whose controller has seen that (cleanupDeployment).
    func cleanUp(_ old: [ReplicaSet], _ deployment: Deployment) async throws {
        guard let limit = deployment.spec?.revisionHistoryLimit else { return }
        let alive = old.filter { !$0.metadata.isDeleting }
        let excess = alive.count - Int(limit)
        guard excess > 0 else { return }
        for set in alive.sorted(by: ReplicaSetOrder.byRevision).prefix(excess) {
            if (set.status?.replicas ?? 0) != 0 || DeploymentMath.specReplicas(set) != 0
                || (set.metadata.generation ?? 0) > (set.status?.observedGeneration ?? 0) {
                continue
            }
            try await client.delete(ReplicaSet.self, namespace: set.namespace, name: set.name,
                                    options: DeleteOptions(preconditions: .init(uid: set.uid)), ignoreNotFound: true)
        }
    }
}
