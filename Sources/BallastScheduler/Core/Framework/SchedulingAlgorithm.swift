public import BallastAPI

/// One scheduling attempt, as kube-scheduler's schedulePod: PreFilter, then Filter over the
/// nodes round-robin until enough fit, then Score and pick the best. Pure over a
/// `SchedulerCache`; it only remembers where the next attempt starts its walk.
public struct SchedulingAlgorithm: Sendable {
    public var filters: [any FilterPlugin]
    public var scorers: [any ScorePlugin]
    /// The share of nodes to find feasible before scoring; nil adapts to the cluster size
    /// as kube-scheduler's default does (50% minus 1% per 125 nodes, at least 5%, and at
    /// least 100 nodes).
    public var percentageOfNodesToScore: Int?
    private var nextStartNodeIndex = 0
    private var random: SplitMix64

    /// The default profile: kube-scheduler's filters and scores that apply to Ballast, plus
    /// the storage capacity score.
    public init(seed: UInt64 = UInt64.random(in: 0...UInt64.max), percentageOfNodesToScore: Int? = nil) {
        filters = [
            NodeUnschedulablePlugin(), NodeNamePlugin(), TaintTolerationPlugin(), NodeAffinityPlugin(), NodePortsPlugin(),
            NodeResourcesFitPlugin(), VolumeRestrictionsPlugin(), VolumeBindingPlugin(), VolumeZonePlugin(),
        ]
        scorers = [
            TaintTolerationPlugin(), NodeAffinityPlugin(), LeastAllocatedPlugin(), BalancedAllocationPlugin(),
            StorageCapacityScorePlugin(),
        ]
        self.percentageOfNodesToScore = percentageOfNodesToScore
        random = SplitMix64(seed: seed)
    }

    static let minFeasibleNodesToFind = 100
    static let minFeasibleNodesPercentageToFind = 5

    /// How many feasible nodes to look for among `count` candidates (numFeasibleNodesToFind).
    public func feasibleNodesToFind(_ count: Int) -> Int {
        if count < Self.minFeasibleNodesToFind { return count }
        var percentage = percentageOfNodesToScore ?? 0
        if percentage <= 0 { percentage = max(50 - count / 125, Self.minFeasibleNodesPercentageToFind) }
        if percentage >= 100 { return count }
        return max(count * percentage / 100, Self.minFeasibleNodesToFind)
    }

    /// Chooses a node for the pod, with the volume decisions for it, or says why none fits.
    public mutating func schedule(_ pod: Pod, in cache: SchedulerCache) -> Result<SchedulingDecision, SchedulingFailure> {
        schedule(PodInfo(pod), in: cache)
    }

    public mutating func schedule(_ pod: PodInfo, in cache: SchedulerCache) -> Result<SchedulingDecision, SchedulingFailure> {
        let allNodes = cache.nodeInfos
        guard !allNodes.isEmpty else { return .failure(SchedulingFailure(numAllNodes: 0)) }
        let state = CycleState()

        // PreFilter.
        var judges: [any NodeFilter] = []
        var onlyNodes: Set<String>?
        var restrictingPlugins: [String] = []
        for plugin in filters {
            switch plugin.preFilter(pod, state: state, in: cache) {
            case .skip:
                continue
            case .reject(let status):
                return .failure(SchedulingFailure(numAllNodes: allNodes.count, preFilterMessage: status.message,
                                                  rejectingPlugins: [plugin.name], isError: status.code == .error))
            case .filter(let judge, let names):
                judges.append(judge)
                guard let names else { continue }
                restrictingPlugins.append(plugin.name)
                onlyNodes = onlyNodes.map { $0.intersection(names) } ?? names
                if onlyNodes?.isEmpty == true {
                    let message = restrictingPlugins.count == 1
                        ? "node(s) didn't satisfy plugin \(restrictingPlugins[0])"
                        : "node(s) didn't satisfy plugin(s) [\(restrictingPlugins.joined(separator: " "))] simultaneously"
                    return .failure(SchedulingFailure(numAllNodes: allNodes.count, preFilterMessage: message,
                                                      rejectingPlugins: Set(restrictingPlugins)))
                }
            }
        }

        // The candidates: every node, or those the PreFilters left.
        var reasonCounts: [String: Int] = [:]
        var rejecting = Set<String>()
        let candidates: [Int]
        if let onlyNodes {
            candidates = onlyNodes.sorted().compactMap { cache.nodeIndex(named: $0) }
            let absent = allNodes.count - candidates.count
            if absent > 0 {
                reasonCounts["node(s) didn't satisfy plugin(s) [\(restrictingPlugins.sorted().joined(separator: " "))]"] = absent
                rejecting.formUnion(restrictingPlugins)
            }
        } else {
            candidates = Array(allNodes.indices)
        }

        // Filter, round-robin from where the last attempt stopped.
        let wanted = feasibleNodesToFind(candidates.count)
        var feasible: [Int] = []
        var processed = 0
        if !candidates.isEmpty {
            for step in 0..<candidates.count {
                let index = candidates[(nextStartNodeIndex + step) % candidates.count]
                processed += 1
                var rejection: PluginStatus?
                for judge in judges {
                    if let status = judge.filter(allNodes[index], in: cache) {
                        rejection = status
                        break
                    }
                }
                if let rejection {
                    if rejection.code == .error {
                        return .failure(SchedulingFailure(numAllNodes: allNodes.count,
                                                          preFilterMessage: "running \"\(rejection.plugin)\" filter plugin: \(rejection.message)",
                                                          rejectingPlugins: [rejection.plugin], isError: true))
                    }
                    for reason in rejection.reasons { reasonCounts[reason, default: 0] += 1 }
                    rejecting.insert(rejection.plugin)
                } else {
                    feasible.append(index)
                    if feasible.count >= wanted { break }
                }
            }
        }
        nextStartNodeIndex = (nextStartNodeIndex + processed) % allNodes.count

        guard !feasible.isEmpty else {
            return .failure(SchedulingFailure(numAllNodes: allNodes.count, reasonCounts: reasonCounts, rejectingPlugins: rejecting))
        }

        // Score.
        var chosen = feasible[0]
        if feasible.count > 1 {
            let nodes = feasible.map { allNodes[$0] }
            var totals = [Int64](repeating: 0, count: nodes.count)
            for plugin in scorers {
                guard let scorer = plugin.preScore(pod, state: state, nodes: nodes, in: cache) else { continue }
                var scores = nodes.map { scorer.score($0, in: cache) }
                scorer.normalize(&scores)
                for offset in totals.indices { totals[offset] += scores[offset] * plugin.weight }
            }
            // The highest total; ties are broken at random (reservoir sampling), as upstream.
            var best = Int64.min
            var ties = 0
            for offset in totals.indices {
                if totals[offset] > best {
                    best = totals[offset]
                    chosen = feasible[offset]
                    ties = 1
                } else if totals[offset] == best {
                    ties += 1
                    if random.next() % UInt64(ties) == 0 { chosen = feasible[offset] }
                }
            }
        }
        let node = allNodes[chosen].name
        let volumes = state.volumeBinding?.decisionsByNode[node] ?? PodVolumeDecisions()
        return .success(SchedulingDecision(node: node, volumes: volumes, evaluatedNodes: processed, feasibleNodes: feasible.count))
    }
}

/// A small, fast, seedable generator for tie-breaking (SplitMix64).
struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
