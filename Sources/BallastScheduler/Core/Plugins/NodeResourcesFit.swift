/// NodeResourcesFit: the pod's requests must fit in what the node has left of its
/// allocatable resources, and in its pod count.
public struct NodeResourcesFitPlugin: FilterPlugin {
    public let name = "NodeResourcesFit"
    public static let tooManyPods = "Too many pods"

    public init() {}

    /// "Insufficient cpu", "Insufficient memory", "Insufficient example.com/gpu".
    public static func insufficient(_ resource: String) -> String { "Insufficient \(resource)" }

    public func preFilter(_ pod: PodInfo, state: CycleState, in cache: SchedulerCache) -> PreFilterResult {
        .filter(Filter(request: pod.request.requests, plugin: name))
    }

    struct Filter: NodeFilter {
        let request: ResourceList
        let plugin: String

        func filter(_ node: NodeInfo, in cache: SchedulerCache) -> PluginStatus? {
            var reasons: [String] = []
            if node.podCount + 1 > node.allowedPodNumber { reasons.append(NodeResourcesFitPlugin.tooManyPods) }
            if !request.isZero {
                let free = node.allocatable
                let used = node.requested
                if free.milliCPU < request.milliCPU &+ used.milliCPU { reasons.append(NodeResourcesFitPlugin.insufficient("cpu")) }
                if free.memory < request.memory &+ used.memory { reasons.append(NodeResourcesFitPlugin.insufficient("memory")) }
                if free.ephemeralStorage < request.ephemeralStorage &+ used.ephemeralStorage {
                    reasons.append(NodeResourcesFitPlugin.insufficient("ephemeral-storage"))
                }
                for (resource, amount) in request.scalar.sorted(by: { $0.key < $1.key }) where amount > 0 {
                    if free.scalar[resource, default: 0] < amount &+ used.scalar[resource, default: 0] {
                        reasons.append(NodeResourcesFitPlugin.insufficient(resource))
                    }
                }
            }
            return reasons.isEmpty ? nil : PluginStatus(.unschedulable, reasons, plugin: plugin)
        }
    }
}

/// NodeResourcesFit's default score (LeastAllocated): the more cpu and memory a node has
/// left after the pod, the better; request-less containers count 100m cpu and 200Mi.
public struct LeastAllocatedPlugin: ScorePlugin {
    public let name = "NodeResourcesFit"
    public let weight: Int64

    public init(weight: Int64 = 1) { self.weight = weight }

    public func preScore(_ pod: PodInfo, state: CycleState, nodes: [NodeInfo], in cache: SchedulerCache) -> (any NodeScorer)? {
        Scorer(milliCPU: pod.request.nonZeroMilliCPU, memory: pod.request.nonZeroMemory)
    }

    struct Scorer: NodeScorer {
        let milliCPU: Int64
        let memory: Int64

        static func leastRequested(_ requested: Int64, _ capacity: Int64) -> Int64 {
            guard capacity > 0, requested <= capacity else { return 0 }
            return (capacity - requested) * Scores.maxNodeScore / capacity
        }

        func score(_ node: NodeInfo, in cache: SchedulerCache) -> Int64 {
            var total: Int64 = 0
            var weights: Int64 = 0
            if node.allocatable.milliCPU > 0 {
                total += Self.leastRequested(node.nonZeroMilliCPU + milliCPU, node.allocatable.milliCPU)
                weights += 1
            }
            if node.allocatable.memory > 0 {
                total += Self.leastRequested(node.nonZeroMemory + memory, node.allocatable.memory)
                weights += 1
            }
            return weights == 0 ? 0 : total / weights
        }
    }
}

/// NodeResourcesBalancedAllocation: prefers nodes whose cpu and memory would be used in
/// equal shares after the pod, so neither runs out while the other idles.
public struct BalancedAllocationPlugin: ScorePlugin {
    public let name = "NodeResourcesBalancedAllocation"
    public let weight: Int64

    public init(weight: Int64 = 1) { self.weight = weight }

    public func preScore(_ pod: PodInfo, state: CycleState, nodes: [NodeInfo], in cache: SchedulerCache) -> (any NodeScorer)? {
        let request = pod.request.requests
        // A best-effort pod changes no share: every node would score the same.
        if request.milliCPU == 0 && request.memory == 0 { return nil }
        return Scorer(milliCPU: request.milliCPU, memory: request.memory)
    }

    struct Scorer: NodeScorer {
        let milliCPU: Int64
        let memory: Int64

        func score(_ node: NodeInfo, in cache: SchedulerCache) -> Int64 {
            var fractions: [Double] = []
            if node.allocatable.milliCPU > 0 {
                fractions.append(min(1, Double(node.requested.milliCPU + milliCPU) / Double(node.allocatable.milliCPU)))
            }
            if node.allocatable.memory > 0 {
                fractions.append(min(1, Double(node.requested.memory + memory) / Double(node.allocatable.memory)))
            }
            var deviation = 0.0
            if fractions.count == 2 {
                deviation = abs(fractions[0] - fractions[1]) / 2
            }
            return Int64((1 - deviation) * Double(Scores.maxNodeScore))
        }
    }
}
