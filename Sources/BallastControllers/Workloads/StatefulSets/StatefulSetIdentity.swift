import BallastAPI
import Foundation

/// The stable identity of a StatefulSet's Pods and claims (stateful_set_utils.go upstream):
/// Pod `<set>-<ordinal>`, claim `<template>-<set>-<ordinal>`, the labels that name them
/// and the revision label.
enum StatefulSetIdentity {
    static let podNameLabel = "statefulset.kubernetes.io/pod-name"
    static let podIndexLabel = "apps.kubernetes.io/pod-index"
    static let revisionLabel = "controller-revision-hash"

    static func startOrdinal(_ set: StatefulSet) -> Int { Int(set.spec?.ordinals?.start ?? 0) }
    static func replicas(_ set: StatefulSet) -> Int { Int(set.spec?.replicas ?? 1) }
    /// The last ordinal the set keeps (inclusive).
    static func endOrdinal(_ set: StatefulSet) -> Int { startOrdinal(set) + replicas(set) - 1 }

    /// The parent name and ordinal a Pod name encodes ("web-2" → ("web", 2)); ordinal -1
    /// when the name has no numeric suffix.
    static func parentAndOrdinal(_ podName: String) -> (parent: String, ordinal: Int) {
        guard let dash = podName.lastIndex(of: "-") else { return ("", -1) }
        let digits = podName[podName.index(after: dash)...]
        guard !digits.isEmpty, digits.allSatisfy(\.isASCIIDigit), let ordinal = Int32(digits) else { return ("", -1) }
        return (String(podName[..<dash]), Int(ordinal))
    }

    static func ordinal(_ pod: Pod) -> Int { parentAndOrdinal(pod.name).ordinal }

    static func isMember(_ pod: Pod, of set: StatefulSet) -> Bool { parentAndOrdinal(pod.name).parent == set.name }

    static func inRange(_ ordinal: Int, _ set: StatefulSet) -> Bool { ordinal >= startOrdinal(set) && ordinal <= endOrdinal(set) }

    static func podName(_ set: StatefulSet, _ ordinal: Int) -> String { "\(set.name)-\(ordinal)" }

    static func claimName(_ template: VolumeClaimTemplate, _ set: StatefulSet, _ ordinal: Int) -> String {
        "\(template.name)-\(set.name)-\(ordinal)"
    }

    static func revision(of pod: Pod) -> String { pod.metadata.labels?[revisionLabel] ?? "" }

    /// The revision name of a template: `<set>-<hash>`, as ControllerRevision names read.
    /// The hash is always salted with the collision count, 0 while status has none yet
    /// (as getStatefulSetRevisions does): otherwise the first status write, which records
    /// collisionCount 0, would change every revision name and roll every Pod.
    static func revisionName(_ set: StatefulSet, template: PodTemplateSpec?) -> String {
        "\(set.name)-\(PodTemplateHash.compute(template, collisionCount: set.status?.collisionCount ?? 0))"
    }

    /// A new Pod for `ordinal` from `template` at `revision`: identity labels, hostname and
    /// subdomain, and a volume for each claim template in place of any same-named volume.
    static func newPod(_ set: StatefulSet, template: PodTemplateSpec?, revision: String, ordinal: Int) -> Pod {
        let name = podName(set, ordinal)
        var pod = PodFactory.pod(from: template, name: name, namespace: set.namespace,
                                 owner: set.ownerReference(controller: true, blockOwnerDeletion: true))
        pod.metadata.setLabel(podNameLabel, name)
        pod.metadata.setLabel(podIndexLabel, String(ordinal))
        pod.metadata.setLabel(revisionLabel, revision)
        var spec = pod.spec ?? PodSpec()
        spec.hostname = name
        spec.subdomain = set.spec?.serviceName
        let claims = set.spec?.volumeClaimTemplates ?? []
        let claimVolumes = claims.map { claim in
            Volume(name: claim.name, source: VolumeSource(persistentVolumeClaim: PersistentVolumeClaimVolumeSource(claimName: claimName(claim, set, ordinal))))
        }
        let claimNames = Set(claims.map(\.name))
        let others = (spec.volumes ?? []).filter { !claimNames.contains($0.name) }
        let volumes = claimVolumes + others
        spec.volumes = volumes.isEmpty ? nil : volumes
        pod.spec = spec
        return pod
    }

    /// Whether a Pod carries its identity label (identityMatches; the rest is in its name).
    static func identityMatches(_ pod: Pod, _ set: StatefulSet) -> Bool {
        let (parent, ordinal) = parentAndOrdinal(pod.name)
        return ordinal >= 0 && parent == set.name && pod.namespace == set.namespace && pod.metadata.labels?[podNameLabel] == pod.name
    }

    /// The template a Pod was made from, for recreating a Pod at a revision the set no
    /// longer describes (an ordinal below the partition while a rolling update waits).
    /// Ballast keeps no ControllerRevision objects, so the Pods of that revision are the
    /// record: their identity labels and claim volumes are taken off again. The node comes
    /// from the current template, since a scheduler may have bound the old Pod.
    static func template(from pod: Pod, _ set: StatefulSet) -> PodTemplateSpec {
        var metadata = ObjectMeta()
        var labels = pod.metadata.labels ?? [:]
        for key in [podNameLabel, podIndexLabel, revisionLabel] { labels[key] = nil }
        metadata.labels = labels.isEmpty ? nil : labels
        metadata.annotations = pod.metadata.annotations
        var spec = pod.spec ?? PodSpec()
        let claimNames = Set((set.spec?.volumeClaimTemplates ?? []).map(\.name))
        let volumes = (spec.volumes ?? []).filter { !claimNames.contains($0.name) }
        spec.volumes = volumes.isEmpty ? nil : volumes
        spec.hostname = nil
        spec.subdomain = nil
        spec.nodeName = set.spec?.template?.spec?.nodeName
        return PodTemplateSpec(metadata: metadata, spec: spec)
    }

    /// Running and Ready (isRunningAndReady).
    static func isRunningAndReady(_ pod: Pod) -> Bool { pod.status?.phase == Pod.Phase.running && pod.isReady }

    /// Running, Ready for minReadySeconds, and not terminating (the opposite of isUnavailable).
    static func isAvailable(_ pod: Pod, minReadySeconds: Int32, now: Date) -> Bool {
        isRunningAndReady(pod) && pod.isAvailable(minReadySeconds: minReadySeconds, now: now) && !pod.metadata.isDeleting
    }
}

extension Character {
    var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
