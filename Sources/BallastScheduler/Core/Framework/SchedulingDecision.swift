/// Where a pod goes: the node, and what volume binding must write before the pod is bound.
public struct SchedulingDecision: Sendable, Equatable {
    public var node: String
    public var volumes: PodVolumeDecisions
    /// How many nodes the filters looked at, and how many passed (for logs and benchmarks).
    public var evaluatedNodes: Int
    public var feasibleNodes: Int

    public init(node: String, volumes: PodVolumeDecisions = PodVolumeDecisions(), evaluatedNodes: Int = 0, feasibleNodes: Int = 0) {
        self.node = node
        self.volumes = volumes
        self.evaluatedNodes = evaluatedNodes
        self.feasibleNodes = feasibleNodes
    }
}
