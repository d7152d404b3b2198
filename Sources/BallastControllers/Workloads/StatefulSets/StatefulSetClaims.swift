import BallastAPI

/// The claims of a StatefulSet's Pods and who owns them under
/// persistentVolumeClaimRetentionPolicy (stateful_set_utils.go's isClaimOwnerUpToDate and
/// updateClaimOwnerRefForSetAndPod upstream):
///
/// | whenScaled | whenDeleted | owner references on the claim                              |
/// |------------|-------------|------------------------------------------------------------|
/// | Retain     | Retain      | none                                                       |
/// | Retain     | Delete      | the StatefulSet                                            |
/// | Delete     | Retain      | the Pod, once its ordinal is scaled away                   |
/// | Delete     | Delete      | the Pod once scaled away, the StatefulSet before that      |
///
/// The garbage collector then deletes a claim when its owner goes. A claim that points at
/// an older object of the same name (stale) or that another controller controls is left
/// alone.
enum StatefulSetClaims {
    static let retain = "Retain"
    static let delete = "Delete"

    static func policy(_ set: StatefulSet) -> (whenScaled: String, whenDeleted: String) {
        let policy = set.spec?.persistentVolumeClaimRetentionPolicy
        return (policy?.whenScaled ?? retain, policy?.whenDeleted ?? retain)
    }

    /// The claim for `template` and `ordinal`: the template's labels plus the set's
    /// matchLabels, its annotations and spec.
    static func newClaim(_ template: VolumeClaimTemplate, _ set: StatefulSet, ordinal: Int) -> PersistentVolumeClaim {
        var labels = template.metadata?.labels ?? [:]
        for (key, value) in set.spec?.selector?.matchLabels ?? [:] { labels[key] = value }
        let metadata = ObjectMeta(name: StatefulSetIdentity.claimName(template, set, ordinal), namespace: set.namespace,
                                  labels: labels.isEmpty ? nil : labels, annotations: template.metadata?.annotations,
                                  finalizers: template.metadata?.finalizers)
        let spec = template.spec.flatMap { try? APICodec.decode(PersistentVolumeClaimSpec.self, from: $0) }
        return PersistentVolumeClaim(metadata: metadata, spec: spec)
    }

    private static func matches(_ reference: OwnerReference, kind: GroupVersionKind, name: String) -> Bool {
        reference.apiVersion == kind.apiVersion && reference.kind == kind.kind && reference.name == name
    }

    /// A reference to an object of this name and kind but another uid.
    private static func hasStaleReference(_ claim: PersistentVolumeClaim, kind: GroupVersionKind, name: String, uid: String) -> Bool {
        guard let reference = (claim.metadata.ownerReferences ?? []).first(where: { matches($0, kind: kind, name: name) }) else { return false }
        return reference.uid != uid
    }

    /// A claim that a Pod of the same name owned before: it waits for the garbage
    /// collector before a new Pod may use the name (PodClaimIsStale).
    static func isStale(_ claim: PersistentVolumeClaim, set: StatefulSet, podName: String, podUID: String) -> Bool {
        guard policy(set).whenScaled != retain else { return false }
        return hasStaleReference(claim, kind: Pod.gvk, name: podName, uid: podUID)
    }

    private static func hasReference(_ claim: PersistentVolumeClaim, uid: String) -> Bool {
        !uid.isEmpty && (claim.metadata.ownerReferences ?? []).contains { $0.uid == uid }
    }

    /// Another controller than the set or the Pod, with a policy that hands out references.
    private static func hasUnexpectedController(_ claim: PersistentVolumeClaim, set: StatefulSet, pod: Pod) -> Bool {
        let (scaled, deleted) = policy(set)
        if scaled == retain && deleted == retain { return false }
        for reference in claim.metadata.ownerReferences ?? [] {
            if matches(reference, kind: StatefulSet.gvk, name: set.name) {
                if reference.uid != set.uid { return true }
                continue
            }
            if matches(reference, kind: Pod.gvk, name: pod.name) {
                if reference.uid != pod.uid { return true }
                continue
            }
            if reference.controller == true { return true }
        }
        return false
    }

    /// Whether the claim's references already follow the policy (isClaimOwnerUpToDate).
    static func ownerIsUpToDate(_ claim: PersistentVolumeClaim, set: StatefulSet, pod: Pod) -> Bool {
        if hasStaleReference(claim, kind: StatefulSet.gvk, name: set.name, uid: set.uid)
            || hasStaleReference(claim, kind: Pod.gvk, name: pod.name, uid: pod.uid) {
            return true
        }
        if hasUnexpectedController(claim, set: set, pod: pod) {
            return !(hasReference(claim, uid: set.uid) || hasReference(claim, uid: pod.uid))
        }
        let nonController = (claim.metadata.ownerReferences ?? []).contains {
            ($0.uid == set.uid || (!pod.uid.isEmpty && $0.uid == pod.uid)) && $0.controller != true
        }
        if nonController { return false }
        let scaledDown = !StatefulSetIdentity.inRange(StatefulSetIdentity.ordinal(pod), set)
        let (scaled, deleted) = policy(set)
        switch (scaled, deleted) {
        case (delete, retain):
            return !hasReference(claim, uid: set.uid) && scaledDown == hasReference(claim, uid: pod.uid)
        case (retain, delete):
            return hasReference(claim, uid: set.uid) && !hasReference(claim, uid: pod.uid)
        case (delete, delete):
            return scaledDown != hasReference(claim, uid: set.uid) && scaledDown == hasReference(claim, uid: pod.uid)
        default:
            return !hasReference(claim, uid: set.uid) && !hasReference(claim, uid: pod.uid)
        }
    }

    /// Rewrites the references of the set and the Pod to follow the policy
    /// (updateClaimOwnerRefForSetAndPod).
    static func updateOwners(_ claim: inout PersistentVolumeClaim, set: StatefulSet, pod: Pod) {
        let unexpected = hasUnexpectedController(claim, set: set, pod: pod)
        var references = (claim.metadata.ownerReferences ?? []).filter {
            !matches($0, kind: StatefulSet.gvk, name: set.name) && !matches($0, kind: Pod.gvk, name: pod.name)
        }
        if !unexpected {
            let scaledDown = !StatefulSetIdentity.inRange(StatefulSetIdentity.ordinal(pod), set)
            switch policy(set) {
            case (retain, delete):
                references.append(set.ownerReference(controller: true, blockOwnerDeletion: true))
            case (delete, retain):
                if scaledDown && !pod.uid.isEmpty { references.append(pod.ownerReference(controller: true, blockOwnerDeletion: true)) }
            case (delete, delete):
                if scaledDown {
                    if !pod.uid.isEmpty { references.append(pod.ownerReference(controller: true, blockOwnerDeletion: true)) }
                } else {
                    references.append(set.ownerReference(controller: true, blockOwnerDeletion: true))
                }
            default:
                break
            }
        }
        claim.metadata.ownerReferences = references.isEmpty ? nil : references
    }
}
