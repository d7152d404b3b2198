import BallastAPI

/// The annotations that carry a Deployment's history on its ReplicaSets, which
/// `kubectl rollout history|undo` read (deploymentutil's SetNewReplicaSetAnnotations,
/// SetReplicasAnnotations and friends).
enum DeploymentRevisions {
    static let revision = "deployment.kubernetes.io/revision"
    static let revisionHistory = "deployment.kubernetes.io/revision-history"
    static let changeCause = "kubernetes.io/change-cause"
    static let lastApplied = "kubectl.kubernetes.io/last-applied-configuration"
    /// The longest revision-history annotation kept, in characters (upstream's default).
    static let historyLimitInCharacters = 2000

    /// Deployment annotations that are not copied to its ReplicaSets.
    static let notCopied: Set<String> = [
        lastApplied, revision, revisionHistory, DeploymentMath.desiredReplicasAnnotation, DeploymentMath.maxReplicasAnnotation,
        "deprecated.deployment.rollback.to",
    ]

    /// The revision number of a ReplicaSet (0 when unset or unreadable).
    static func revision(of set: ReplicaSet) -> Int64 {
        set.metadata.annotation(revision).flatMap { Int64($0) } ?? 0
    }

    /// The highest revision among `sets`.
    static func maxRevision(_ sets: [ReplicaSet]) -> Int64 { sets.map { revision(of: $0) }.max() ?? 0 }

    /// Copies the deployment's own annotations (change-cause among them) onto the set;
    /// returns whether anything changed.
    static func copyAnnotations(from deployment: Deployment, to set: inout ReplicaSet) -> Bool {
        var changed = false
        for (key, value) in deployment.metadata.annotations ?? [:] where !notCopied.contains(key) {
            if set.metadata.annotation(key) != value {
                set.metadata.setAnnotation(key, value)
                changed = true
            }
        }
        return changed
    }

    /// Gives the new ReplicaSet the deployment's annotations and the revision `newRevision`
    /// when its own is lower. A set that already had a revision is being rolled back to:
    /// its former number goes into revision-history. A set about to be created also gets
    /// the desired- and max-replicas annotations. Returns whether anything changed.
    static func setNewReplicaSetAnnotations(_ deployment: Deployment, _ set: inout ReplicaSet, newRevision: Int64, exists: Bool) -> Bool {
        var changed = copyAnnotations(from: deployment, to: &set)
        let oldText = set.metadata.annotation(revision)
        let oldRevision: Int64
        if let oldText {
            guard let parsed = Int64(oldText) else { return changed }
            oldRevision = parsed
        } else {
            oldRevision = 0
        }
        if oldRevision < newRevision {
            set.metadata.setAnnotation(revision, String(newRevision))
            changed = true
            if let oldText {
                let history = set.metadata.annotation(revisionHistory) ?? ""
                if history.isEmpty {
                    set.metadata.setAnnotation(revisionHistory, oldText)
                } else {
                    var entries = history.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
                    var length = history.count + oldText.count + 1
                    while length > historyLimitInCharacters, !entries.isEmpty {
                        length -= entries.removeFirst().count + 1
                    }
                    if length <= historyLimitInCharacters {
                        set.metadata.setAnnotation(revisionHistory, (entries + [oldText]).joined(separator: ","))
                    }
                }
            }
        }
        if !exists {
            let desired = DeploymentMath.replicas(deployment)
            if setReplicasAnnotations(&set, desired: desired, max: desired + DeploymentMath.maxSurge(deployment)) { changed = true }
        }
        return changed
    }

    /// Sets desired-replicas and max-replicas; returns whether they changed.
    static func setReplicasAnnotations(_ set: inout ReplicaSet, desired: Int32, max: Int32) -> Bool {
        guard replicasAnnotationsNeedUpdate(set, desired: desired, max: max) else { return false }
        set.metadata.setAnnotation(DeploymentMath.desiredReplicasAnnotation, String(desired))
        set.metadata.setAnnotation(DeploymentMath.maxReplicasAnnotation, String(max))
        return true
    }

    static func replicasAnnotationsNeedUpdate(_ set: ReplicaSet, desired: Int32, max: Int32) -> Bool {
        set.metadata.annotation(DeploymentMath.desiredReplicasAnnotation) != String(desired)
            || set.metadata.annotation(DeploymentMath.maxReplicasAnnotation) != String(max)
    }
}
