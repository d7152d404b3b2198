/// NodePorts: a host port can be bound by one pod per node (and address).
public struct NodePortsPlugin: FilterPlugin {
    public let name = "NodePorts"
    /// ErrReason.
    public static let reason = "node(s) didn't have free ports for the requested pod ports"

    public init() {}

    public func preFilter(_ pod: PodInfo, state: CycleState, in cache: SchedulerCache) -> PreFilterResult {
        pod.hostPorts.isEmpty ? .skip : .filter(Filter(wanted: pod.hostPorts, plugin: name))
    }

    struct Filter: NodeFilter {
        let wanted: [HostPortUse]
        let plugin: String

        func filter(_ node: NodeInfo, in cache: SchedulerCache) -> PluginStatus? {
            for port in wanted where node.usedHostPorts.keys.contains(where: { $0.conflicts(with: port) }) {
                return PluginStatus(.unschedulable, NodePortsPlugin.reason, plugin: plugin)
            }
            return nil
        }
    }
}
