public import BallastAPI

/// NodeUnschedulable: a cordoned node (spec.unschedulable) takes only pods that tolerate
/// the node.kubernetes.io/unschedulable:NoSchedule taint.
public struct NodeUnschedulablePlugin: FilterPlugin {
    public let name = "NodeUnschedulable"
    /// ErrReasonUnschedulable.
    public static let reason = "node(s) were unschedulable"
    /// The taint a cordoned node stands for.
    public static let taint = Taint(key: "node.kubernetes.io/unschedulable", effect: "NoSchedule")

    public init() {}

    public func preFilter(_ pod: PodInfo, state: CycleState, in cache: SchedulerCache) -> PreFilterResult {
        let tolerates = (pod.spec.tolerations ?? []).contains { $0.tolerates(Self.taint) }
        return tolerates ? .skip : .filter(Filter(plugin: name))
    }

    struct Filter: NodeFilter {
        let plugin: String

        func filter(_ node: NodeInfo, in cache: SchedulerCache) -> PluginStatus? {
            node.isUnschedulable ? PluginStatus(.unschedulableAndUnresolvable, NodeUnschedulablePlugin.reason, plugin: plugin) : nil
        }
    }
}
