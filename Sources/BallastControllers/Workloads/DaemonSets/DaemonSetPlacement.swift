import BallastAPI

/// Which nodes a DaemonSet's Pod belongs on, and how its Pods are placed there
/// (daemon/util and NodeShouldRunDaemonPod upstream).
enum DaemonSetPlacement {
    /// The tolerations every daemon Pod gets (AddOrUpdateDaemonPodTolerations): it stays
    /// through not-ready and unreachable, and is placed on nodes under pressure or cordoned.
    static let defaultTolerations: [Toleration] = [
        Toleration(key: "node.kubernetes.io/not-ready", operator: "Exists", effect: "NoExecute"),
        Toleration(key: "node.kubernetes.io/unreachable", operator: "Exists", effect: "NoExecute"),
        Toleration(key: "node.kubernetes.io/disk-pressure", operator: "Exists", effect: "NoSchedule"),
        Toleration(key: "node.kubernetes.io/memory-pressure", operator: "Exists", effect: "NoSchedule"),
        Toleration(key: "node.kubernetes.io/pid-pressure", operator: "Exists", effect: "NoSchedule"),
        Toleration(key: "node.kubernetes.io/unschedulable", operator: "Exists", effect: "NoSchedule"),
    ]
    /// Added for host-network Pods, which need no pod network.
    static let networkUnavailableToleration = Toleration(key: "node.kubernetes.io/network-unavailable", operator: "Exists",
                                                         effect: "NoSchedule")

    /// The template's tolerations plus the daemon defaults it does not already name.
    static func tolerations(for spec: PodSpec?) -> [Toleration] {
        var result = spec?.tolerations ?? []
        var defaults = defaultTolerations
        if spec?.hostNetwork == true { defaults.append(networkUnavailableToleration) }
        for toleration in defaults where !result.contains(where: { $0.key == toleration.key && $0.effect == toleration.effect }) {
            result.append(toleration)
        }
        return result
    }

    /// Whether a daemon Pod should be placed on `node`, and whether one already there may
    /// stay: the node must match spec.nodeName, the nodeSelector and required node
    /// affinity; an untolerated NoSchedule or NoExecute taint keeps a new Pod away, and only
    /// an untolerated NoExecute taint removes one that runs.
    static func shouldRun(on node: Node, _ set: DaemonSet) -> (run: Bool, continueRunning: Bool) {
        let spec = set.spec?.template?.spec
        if let pinned = spec?.nodeName, !pinned.isEmpty, pinned != node.name { return (false, false) }
        guard matchesNodeSelection(spec, node) else { return (false, false) }
        let tolerations = tolerations(for: spec)
        let taints = node.spec?.taints ?? []
        let untolerated = taints.filter { taint in
            (taint.effect == "NoSchedule" || taint.effect == "NoExecute") && !tolerations.contains { $0.tolerates(taint) }
        }
        if untolerated.isEmpty { return (true, true) }
        return (false, !untolerated.contains { $0.effect == "NoExecute" })
    }

    /// The nodeSelector and required node affinity (matchFields on metadata.name included).
    static func matchesNodeSelection(_ spec: PodSpec?, _ node: Node) -> Bool {
        let labels = node.metadata.labels ?? [:]
        for (key, value) in spec?.nodeSelector ?? [:] where labels[key] != value { return false }
        if let required = spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution {
            return required.matches(labels: labels, fields: ["metadata.name": node.name])
        }
        return true
    }

    /// The node a daemon Pod is for: its spec.nodeName, or the metadata.name its node
    /// affinity pins it to before a scheduler binds it (GetTargetNodeName).
    static func targetNode(of pod: Pod) -> String? {
        if !pod.nodeName.isEmpty { return pod.nodeName }
        for term in pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? [] {
            for field in term.matchFields ?? [] where field.key == "metadata.name" && field.operator == "In" && field.values?.count == 1 {
                return field.values?.first
            }
        }
        return nil
    }

    /// The Pod for `node`: bound to it directly with spec.nodeName (no scheduler is needed),
    /// and, as upstream, pinned to it by node affinity on metadata.name too.
    static func pod(for set: DaemonSet, node: String, hash: String) -> Pod {
        var pod = PodFactory.pod(from: set.spec?.template, name: PodFactory.randomName(prefix: set.name), namespace: set.namespace,
                                 owner: set.ownerReference(controller: true, blockOwnerDeletion: true))
        pod.metadata.setLabel(DaemonSetController.revisionLabel, hash)
        pod.metadata.setLabel(DaemonSetController.templateGenerationLabel, String(set.metadata.generation ?? 1))
        var spec = pod.spec ?? PodSpec()
        spec.nodeName = node
        spec.tolerations = tolerations(for: spec)
        var affinity = spec.affinity ?? Affinity()
        var nodeAffinity = affinity.nodeAffinity ?? NodeAffinity()
        let pin = NodeSelectorRequirement(key: "metadata.name", operator: "In", values: [node])
        // ReplaceDaemonSetPodNodeNameNodeAffinity: the name requirement replaces any other
        // matchFields; each term keeps its label expressions.
        if let required = nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution, !required.nodeSelectorTerms.isEmpty {
            nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution = NodeSelector(nodeSelectorTerms: required.nodeSelectorTerms.map {
                NodeSelectorTerm(matchExpressions: $0.matchExpressions, matchFields: [pin])
            })
        } else {
            nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution = NodeSelector(nodeSelectorTerms: [NodeSelectorTerm(matchFields: [pin])])
        }
        affinity.nodeAffinity = nodeAffinity
        spec.affinity = affinity
        pod.spec = spec
        return pod
    }
}
