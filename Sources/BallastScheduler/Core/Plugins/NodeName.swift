import BallastAPI

/// NodeName: a pod that names its node fits only there.
public struct NodeNamePlugin: FilterPlugin {
    public let name = "NodeName"
    /// ErrReason.
    public static let reason = "node(s) didn't match the requested node name"

    public init() {}

    public func preFilter(_ pod: PodInfo, state: CycleState, in cache: SchedulerCache) -> PreFilterResult {
        guard let wanted = pod.spec.nodeName, !wanted.isEmpty else { return .skip }
        return .filter(Filter(wanted: wanted, plugin: name))
    }

    struct Filter: NodeFilter {
        let wanted: String
        let plugin: String

        func filter(_ node: NodeInfo, in cache: SchedulerCache) -> PluginStatus? {
            node.name == wanted ? nil : PluginStatus(.unschedulableAndUnresolvable, NodeNamePlugin.reason, plugin: plugin)
        }
    }
}
