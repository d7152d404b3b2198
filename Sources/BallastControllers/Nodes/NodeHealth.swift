import BallastAPI

/// The node conditions and taints the node lifecycle controller owns
/// (node_lifecycle_controller.go's tryUpdateNodeHealth, doNoExecuteTaintingPass and
/// doNoScheduleTaintingPass upstream). Pure functions.
enum NodeHealth {
    enum TaintKey {
        static let notReady = "node.kubernetes.io/not-ready"
        static let unreachable = "node.kubernetes.io/unreachable"
        static let memoryPressure = "node.kubernetes.io/memory-pressure"
        static let diskPressure = "node.kubernetes.io/disk-pressure"
        static let pidPressure = "node.kubernetes.io/pid-pressure"
        static let networkUnavailable = "node.kubernetes.io/network-unavailable"
        static let unschedulable = "node.kubernetes.io/unschedulable"
    }

    /// Every taint key this controller adds and removes.
    static let managedKeys: Set<String> = [
        TaintKey.notReady, TaintKey.unreachable, TaintKey.memoryPressure, TaintKey.diskPressure, TaintKey.pidPressure,
        TaintKey.networkUnavailable, TaintKey.unschedulable,
    ]

    /// The conditions a node's agent reports and this controller marks Unknown when it goes quiet.
    static let reportedConditions = [NodeCondition.ready, NodeCondition.memoryPressure, NodeCondition.diskPressure, NodeCondition.pidPressure]

    /// The node's conditions once its agent has been silent past the grace period: each
    /// reported condition becomes Unknown ("Kubelet stopped posting node status."), a
    /// missing one is added as never updated. Nil when nothing changes.
    static func silentConditions(_ node: Node, now: Time) -> [NodeCondition]? {
        var conditions = node.status?.conditions ?? []
        var changed = false
        for type in reportedConditions {
            if let index = conditions.firstIndex(where: { $0.type == type }) {
                guard conditions[index].status != "Unknown" else { continue }
                conditions[index].status = "Unknown"
                conditions[index].reason = "NodeStatusUnknown"
                conditions[index].message = "Kubelet stopped posting node status."
                conditions[index].lastTransitionTime = now
            } else {
                conditions.append(NodeCondition(type: type, status: "Unknown", lastHeartbeatTime: node.metadata.creationTimestamp,
                                                lastTransitionTime: now, reason: "NodeStatusNeverUpdated",
                                                message: "Kubelet never posted node status."))
            }
            changed = true
        }
        return changed ? conditions : nil
    }

    /// The taints the node's conditions call for: not-ready or unreachable (NoExecute and
    /// NoSchedule) by the Ready condition, the pressure and network taints, and
    /// unschedulable for a cordoned node.
    static func desiredTaints(_ node: Node) -> [Taint] {
        var taints: [Taint] = []
        let conditions = node.status?.conditions ?? []
        func status(_ type: String) -> String? { conditions.first { $0.type == type }?.status }
        switch status(NodeCondition.ready) {
        case "False":
            taints += [Taint(key: TaintKey.notReady, effect: "NoExecute"), Taint(key: TaintKey.notReady, effect: "NoSchedule")]
        case "Unknown":
            taints += [Taint(key: TaintKey.unreachable, effect: "NoExecute"), Taint(key: TaintKey.unreachable, effect: "NoSchedule")]
        default:
            break
        }
        for (type, key) in [(NodeCondition.memoryPressure, TaintKey.memoryPressure), (NodeCondition.diskPressure, TaintKey.diskPressure),
                            (NodeCondition.pidPressure, TaintKey.pidPressure), (NodeCondition.networkUnavailable, TaintKey.networkUnavailable)]
        where status(type) == "True" {
            taints.append(Taint(key: key, effect: "NoSchedule"))
        }
        if node.isUnschedulable { taints.append(Taint(key: TaintKey.unschedulable, effect: "NoSchedule")) }
        return taints
    }

    /// The node's taints with the managed ones made to match `desired`: others are kept,
    /// managed ones no longer called for are removed, new ones are added (a NoExecute
    /// taint with the time it was added, which eviction counts from). Nil when unchanged.
    static func reconciledTaints(_ current: [Taint], desired: [Taint], now: Time) -> [Taint]? {
        func same(_ a: Taint, _ b: Taint) -> Bool { a.key == b.key && a.effect == b.effect }
        var result = current.filter { taint in !managedKeys.contains(taint.key) || desired.contains { same($0, taint) } }
        for taint in desired where !result.contains(where: { same($0, taint) }) {
            var added = taint
            if taint.effect == "NoExecute" { added.timeAdded = now }
            result.append(added)
        }
        return result == current ? nil : result
    }
}
