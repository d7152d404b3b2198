import BallastAPI
import Foundation

/// The replica arithmetic of a rollout (deploymentutil upstream): surge and unavailability
/// budgets, the size of the new ReplicaSet, and proportional scaling. Pure functions.
enum DeploymentMath {
    static func replicas(_ deployment: Deployment) -> Int32 { deployment.spec?.replicas ?? 1 }

    static func isRollingUpdate(_ deployment: Deployment) -> Bool {
        (deployment.spec?.strategy?.type ?? "RollingUpdate") == "RollingUpdate"
    }

    /// ResolveFenceposts: maxSurge rounds up, maxUnavailable down; both zero means one may
    /// be unavailable.
    static func fenceposts(_ deployment: Deployment) -> (surge: Int32, unavailable: Int32) {
        let total = Int(replicas(deployment))
        let rolling = deployment.spec?.strategy?.rollingUpdate
        let surge = (rolling?.maxSurge ?? .string("25%")).scaledValue(total: total, roundUp: true) ?? 0
        let unavailable = (rolling?.maxUnavailable ?? .string("25%")).scaledValue(total: total, roundUp: false) ?? 0
        if surge == 0 && unavailable == 0 { return (0, 1) }
        return (Int32(surge), Int32(unavailable))
    }

    /// MaxUnavailable: 0 for Recreate or no replicas, never more than the replicas.
    static func maxUnavailable(_ deployment: Deployment) -> Int32 {
        guard isRollingUpdate(deployment), replicas(deployment) > 0 else { return 0 }
        return min(fenceposts(deployment).unavailable, replicas(deployment))
    }

    /// MaxSurge: 0 for Recreate.
    static func maxSurge(_ deployment: Deployment) -> Int32 {
        guard isRollingUpdate(deployment) else { return 0 }
        return fenceposts(deployment).surge
    }

    static func specReplicas(_ set: ReplicaSet?) -> Int32 { set?.spec?.replicas ?? 0 }

    /// The sum of spec.replicas.
    static func replicaCount(_ sets: [ReplicaSet]) -> Int32 { sets.reduce(0) { $0 + specReplicas($1) } }
    /// The sum of status.replicas.
    static func actualReplicaCount(_ sets: [ReplicaSet]) -> Int32 { sets.reduce(0) { $0 + ($1.status?.replicas ?? 0) } }
    static func readyReplicaCount(_ sets: [ReplicaSet]) -> Int32 { sets.reduce(0) { $0 + ($1.status?.readyReplicas ?? 0) } }
    static func availableReplicaCount(_ sets: [ReplicaSet]) -> Int32 { sets.reduce(0) { $0 + ($1.status?.availableReplicas ?? 0) } }

    /// NewRSNewReplicas: how big the new ReplicaSet may be now.
    static func newReplicaSetReplicas(_ deployment: Deployment, all: [ReplicaSet], new: ReplicaSet) -> Int32 {
        let desired = replicas(deployment)
        guard isRollingUpdate(deployment) else { return desired }
        let current = replicaCount(all)
        let maxTotal = desired + maxSurge(deployment)
        if current >= maxTotal { return specReplicas(new) }
        let scaleUp = min(maxTotal - current, desired - specReplicas(new))
        return specReplicas(new) + scaleUp
    }

    static let desiredReplicasAnnotation = "deployment.kubernetes.io/desired-replicas"
    static let maxReplicasAnnotation = "deployment.kubernetes.io/max-replicas"

    static func annotatedInt(_ set: ReplicaSet, _ key: String) -> Int32? {
        set.metadata.annotation(key).flatMap { Int32($0) }
    }

    /// IsSaturated: the new set runs all the deployment's replicas, all available.
    static func isSaturated(_ deployment: Deployment, _ set: ReplicaSet?) -> Bool {
        guard let set else { return false }
        let desired = replicas(deployment)
        return annotatedInt(set, desiredReplicasAnnotation) == desired && specReplicas(set) == desired
            && (set.status?.availableReplicas ?? 0) == desired
    }

    /// getReplicaSetFraction: the share of a scaling step this set gets, from the size it
    /// was given when the deployment last had a known total (max-replicas).
    static func fraction(_ set: ReplicaSet, _ deployment: Deployment) -> Int32 {
        if replicas(deployment) == 0 { return -specReplicas(set) }
        let deploymentReplicas = replicas(deployment) + maxSurge(deployment)
        let annotated = annotatedInt(set, maxReplicasAnnotation) ?? (deployment.status?.replicas ?? 0)
        guard annotated > 0 else { return 0 }
        let size = Double(specReplicas(set) * deploymentReplicas) / Double(annotated)
        return Int32(size.rounded()) - specReplicas(set)
    }

    /// GetProportion: the replicas to add to (or remove from) one set in proportional scaling.
    static func proportion(_ set: ReplicaSet, _ deployment: Deployment, toAdd: Int32, added: Int32) -> Int32 {
        if specReplicas(set) == 0 || toAdd == 0 || toAdd == added { return 0 }
        let share = fraction(set, deployment)
        let allowed = toAdd - added
        return toAdd > 0 ? min(share, allowed) : max(share, allowed)
    }

    /// Whether the rollout reached its goal (DeploymentComplete).
    static func isComplete(_ deployment: Deployment, _ status: DeploymentStatus) -> Bool {
        let desired = replicas(deployment)
        return (status.updatedReplicas ?? 0) == desired && (status.replicas ?? 0) == desired
            && (status.availableReplicas ?? 0) == desired && (status.observedGeneration ?? 0) >= (deployment.metadata.generation ?? 0)
    }

    /// Whether the new status shows progress over the stored one (DeploymentProgressing).
    static func isProgressing(_ deployment: Deployment, _ status: DeploymentStatus) -> Bool {
        let old = deployment.status ?? DeploymentStatus()
        let oldOldReplicas = (old.replicas ?? 0) - (old.updatedReplicas ?? 0)
        let newOldReplicas = (status.replicas ?? 0) - (status.updatedReplicas ?? 0)
        return (status.updatedReplicas ?? 0) > (old.updatedReplicas ?? 0) || newOldReplicas < oldOldReplicas
            || (status.readyReplicas ?? 0) > (old.readyReplicas ?? 0) || (status.availableReplicas ?? 0) > (old.availableReplicas ?? 0)
    }
}

/// Orders of ReplicaSets the rollout uses.
enum ReplicaSetOrder {
    /// Oldest first, name as the tie-break (ReplicaSetsByCreationTimestamp).
    static func byCreation(_ a: ReplicaSet, _ b: ReplicaSet) -> Bool {
        a.createdAt == b.createdAt ? a.name < b.name : a.createdAt < b.createdAt
    }

    /// Larger first, newer first among equals (ReplicaSetsBySizeNewer).
    static func bySizeNewer(_ a: ReplicaSet, _ b: ReplicaSet) -> Bool {
        let (sa, sb) = (DeploymentMath.specReplicas(a), DeploymentMath.specReplicas(b))
        return sa == sb ? byCreation(b, a) : sa > sb
    }

    /// Larger first, older first among equals (ReplicaSetsBySizeOlder).
    static func bySizeOlder(_ a: ReplicaSet, _ b: ReplicaSet) -> Bool {
        let (sa, sb) = (DeploymentMath.specReplicas(a), DeploymentMath.specReplicas(b))
        return sa == sb ? byCreation(a, b) : sa > sb
    }

    /// Lowest revision first, then oldest (ReplicaSetsByRevision).
    static func byRevision(_ a: ReplicaSet, _ b: ReplicaSet) -> Bool {
        let (ra, rb) = (DeploymentRevisions.revision(of: a), DeploymentRevisions.revision(of: b))
        return ra == rb ? byCreation(a, b) : ra < rb
    }
}
