import BallastAPI

/// NodeAffinity: spec.nodeSelector and required node affinity decide which nodes a pod may
/// use; preferred node affinity adds weight to the nodes it matches.
public struct NodeAffinityPlugin: FilterPlugin, ScorePlugin {
    public let name = "NodeAffinity"
    public let weight: Int64
    /// ErrReasonPod.
    public static let reason = "node(s) didn't match Pod's node affinity/selector"
    /// When the terms pin the pod to node names that no term shares.
    public static let conflictReason = "pod affinity terms conflict"

    public init(weight: Int64 = 2) { self.weight = weight }

    public func preFilter(_ pod: PodInfo, state: CycleState, in cache: SchedulerCache) -> PreFilterResult {
        let selector = pod.spec.nodeSelector ?? [:]
        let required = pod.spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution
        if selector.isEmpty && required == nil { return .skip }
        let filter = Filter(selector: selector, required: required, plugin: name)
        guard let terms = required?.nodeSelectorTerms else { return .filter(filter) }
        // Terms that all name nodes by metadata.name restrict the candidates up front.
        var names: Set<String>?
        for term in terms {
            var termNames: Set<String>?
            for requirement in term.matchFields ?? [] where requirement.key == "metadata.name" && requirement.operator == "In" {
                let values = Set(requirement.values ?? [])
                termNames = termNames.map { $0.intersection(values) } ?? values
            }
            guard let termNames else { return .filter(filter) }
            names = (names ?? []).union(termNames)
        }
        if let names, names.isEmpty {
            return .reject(PluginStatus(.unschedulableAndUnresolvable, Self.conflictReason, plugin: name))
        }
        return .filter(filter, onlyNodes: names)
    }

    struct Filter: NodeFilter {
        let selector: [String: String]
        let required: NodeSelector?
        let plugin: String

        func filter(_ node: NodeInfo, in cache: SchedulerCache) -> PluginStatus? {
            for (key, value) in selector where node.labels[key] != value {
                return PluginStatus(.unschedulableAndUnresolvable, NodeAffinityPlugin.reason, plugin: plugin)
            }
            if let required, !required.matches(labels: node.labels, fields: node.fields) {
                return PluginStatus(.unschedulableAndUnresolvable, NodeAffinityPlugin.reason, plugin: plugin)
            }
            return nil
        }
    }

    public func preScore(_ pod: PodInfo, state: CycleState, nodes: [NodeInfo], in cache: SchedulerCache) -> (any NodeScorer)? {
        let preferred = pod.spec.affinity?.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? []
        return preferred.isEmpty ? nil : Scorer(preferred: preferred)
    }

    struct Scorer: NodeScorer {
        let preferred: [PreferredSchedulingTerm]

        /// The sum of the weights of the preferred terms the node matches.
        func score(_ node: NodeInfo, in cache: SchedulerCache) -> Int64 {
            var total: Int64 = 0
            for term in preferred where term.weight != 0 && term.preference.matches(labels: node.labels, fields: node.fields) {
                total += Int64(term.weight)
            }
            return total
        }

        func normalize(_ scores: inout [Int64]) { Scores.normalize(&scores, reverse: false) }
    }
}
