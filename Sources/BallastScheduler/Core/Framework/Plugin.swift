/// A filter plugin (kube-scheduler's PreFilter + Filter): it looks at a pod once, then
/// judges nodes.
public protocol FilterPlugin: Sendable {
    /// The plugin's name as kube-scheduler's configuration and messages spell it.
    var name: String { get }

    /// PreFilter: inspects the pod once per attempt.
    ///
    /// - Returns: `.skip` when the plugin has nothing to check for this pod; `.filter` with
    ///   the node judge (and, optionally, the only nodes worth judging); `.reject` when no
    ///   node can take the pod. Must not change anything.
    func preFilter(_ pod: PodInfo, state: CycleState, in cache: SchedulerCache) -> PreFilterResult
}

/// What a filter plugin's PreFilter decided.
public enum PreFilterResult {
    case skip
    /// Judge nodes with `filter`; when `onlyNodes` is set, only those nodes can fit.
    case filter(any NodeFilter, onlyNodes: Set<String>? = nil)
    case reject(PluginStatus)
}

/// What plugins share during one scheduling attempt (kube-scheduler's CycleState): made
/// before PreFilter, dropped after the attempt. Used from one thread only.
public final class CycleState {
    /// Volume binding's claims and per-node decisions, read by the storage score and by
    /// the algorithm for the chosen node.
    public var volumeBinding: VolumeBindingState?

    public init() {}
}

/// A filter prepared for one pod.
public protocol NodeFilter {
    /// Whether the pod fits on the node: nil when it does, else why not. Pure.
    func filter(_ node: NodeInfo, in cache: SchedulerCache) -> PluginStatus?
}

/// A score plugin (PreScore + Score + NormalizeScore): it ranks the nodes that passed
/// every filter.
public protocol ScorePlugin: Sendable {
    var name: String { get }
    /// How much the plugin's 0…100 score counts in the sum.
    var weight: Int64 { get }

    /// PreScore: prepares the scorer for this pod, or nil to skip scoring (every node would
    /// score the same).
    func preScore(_ pod: PodInfo, state: CycleState, nodes: [NodeInfo], in cache: SchedulerCache) -> (any NodeScorer)?
}

/// A scorer prepared for one pod.
public protocol NodeScorer {
    /// The node's raw score. Pure.
    func score(_ node: NodeInfo, in cache: SchedulerCache) -> Int64
    /// Maps the raw scores of all feasible nodes (same order) onto 0…`maxNodeScore`.
    func normalize(_ scores: inout [Int64])
}

extension NodeScorer {
    public func normalize(_ scores: inout [Int64]) {}
}

/// kube-scheduler's framework constants.
public enum Scores {
    /// The best score a plugin can give a node.
    public static let maxNodeScore: Int64 = 100

    /// DefaultNormalizeScore: scales scores so the best is `maxNodeScore`; with `reverse`,
    /// a lower raw score is better.
    public static func normalize(_ scores: inout [Int64], reverse: Bool) {
        let highest = scores.max() ?? 0
        if highest == 0 {
            if reverse { for index in scores.indices { scores[index] = maxNodeScore } }
            return
        }
        for index in scores.indices {
            var score = maxNodeScore * scores[index] / highest
            if reverse { score = maxNodeScore - score }
            scores[index] = score
        }
    }
}
