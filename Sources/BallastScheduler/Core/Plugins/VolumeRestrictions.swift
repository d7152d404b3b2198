import BallastAPI

/// VolumeRestrictions: a ReadWriteOncePod claim serves one pod in the whole cluster; a
/// ReadWriteOnce claim (with no ReadOnlyMany or ReadWriteMany) serves the pods of one node,
/// so a pod that shares it must go where its other users already run.
public struct VolumeRestrictionsPlugin: FilterPlugin {
    public let name = "VolumeRestrictions"
    /// ErrReasonReadWriteOncePodConflict (upstream's wording, "node has" included).
    public static let readWriteOncePodReason = "node has pod using PersistentVolumeClaim with the same name and ReadWriteOncePod access mode"
    /// Ballast's reason for a ReadWriteOnce claim already in use on another node.
    public static let readWriteOnceReason = "node(s) didn't match the node of pod(s) using the same ReadWriteOnce PersistentVolumeClaim"

    public init() {}

    public func preFilter(_ pod: PodInfo, state: CycleState, in cache: SchedulerCache) -> PreFilterResult {
        var conflictingPods = 0
        var requiredNodes: Set<String>?
        for (reference, key) in zip(pod.claims, pod.claimKeys) {
            guard let claim = cache.claims[key] else {
                return .reject(PluginStatus(.unschedulableAndUnresolvable, "persistentvolumeclaim \"\(reference.name)\" not found", plugin: name))
            }
            let modes = Set(claim.spec?.accessModes ?? [])
            let users = (cache.claimUsers[key] ?? [:]).filter { $0.key != pod.key }
            if modes.contains(.readWriteOncePod) {
                conflictingPods += users.count
            } else if modes.contains(.readWriteOnce), !modes.contains(.readWriteMany), !modes.contains(.readOnlyMany), !users.isEmpty {
                let nodes = Set(users.values)
                requiredNodes = requiredNodes.map { $0.intersection(nodes) } ?? nodes
            }
        }
        if conflictingPods == 0 && requiredNodes == nil { return .skip }
        return .filter(Filter(conflictingPods: conflictingPods, requiredNodes: requiredNodes, plugin: name))
    }

    struct Filter: NodeFilter {
        let conflictingPods: Int
        let requiredNodes: Set<String>?
        let plugin: String

        func filter(_ node: NodeInfo, in cache: SchedulerCache) -> PluginStatus? {
            if conflictingPods > 0 { return PluginStatus(.unschedulable, VolumeRestrictionsPlugin.readWriteOncePodReason, plugin: plugin) }
            if let requiredNodes, !requiredNodes.contains(node.name) {
                return PluginStatus(.unschedulable, VolumeRestrictionsPlugin.readWriteOnceReason, plugin: plugin)
            }
            return nil
        }
    }
}
