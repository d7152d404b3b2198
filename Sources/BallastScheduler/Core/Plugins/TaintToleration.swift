public import BallastAPI

/// TaintToleration: a node's NoSchedule and NoExecute taints keep out pods that do not
/// tolerate them; PreferNoSchedule taints only lower the node's score.
public struct TaintTolerationPlugin: FilterPlugin, ScorePlugin {
    public let name = "TaintToleration"
    public let weight: Int64

    public init(weight: Int64 = 3) { self.weight = weight }

    /// The reason for the first untolerated taint, as upstream words it.
    public static func reason(_ taint: Taint) -> String { "node(s) had untolerated taint {\(taint.key): \(taint.value ?? "")}" }

    public func preFilter(_ pod: PodInfo, state: CycleState, in cache: SchedulerCache) -> PreFilterResult {
        .filter(Filter(tolerations: pod.spec.tolerations ?? [], plugin: name))
    }

    struct Filter: NodeFilter {
        let tolerations: [Toleration]
        let plugin: String

        func filter(_ node: NodeInfo, in cache: SchedulerCache) -> PluginStatus? {
            for taint in node.taints where taint.effect == "NoSchedule" || taint.effect == "NoExecute" {
                if !tolerations.contains(where: { $0.tolerates(taint) }) {
                    return PluginStatus(.unschedulableAndUnresolvable, TaintTolerationPlugin.reason(taint), plugin: plugin)
                }
            }
            return nil
        }
    }

    public func preScore(_ pod: PodInfo, state: CycleState, nodes: [NodeInfo], in cache: SchedulerCache) -> (any NodeScorer)? {
        // Only tolerations that can apply to PreferNoSchedule taints count here.
        let tolerations = (pod.spec.tolerations ?? []).filter { ($0.effect ?? "").isEmpty || $0.effect == "PreferNoSchedule" }
        return Scorer(tolerations: tolerations)
    }

    struct Scorer: NodeScorer {
        let tolerations: [Toleration]

        /// The number of PreferNoSchedule taints the pod does not tolerate (fewer is better).
        func score(_ node: NodeInfo, in cache: SchedulerCache) -> Int64 {
            var count: Int64 = 0
            for taint in node.taints where taint.effect == "PreferNoSchedule" {
                if !tolerations.contains(where: { $0.tolerates(taint) }) { count += 1 }
            }
            return count
        }

        func normalize(_ scores: inout [Int64]) { Scores.normalize(&scores, reverse: true) }
    }
}
