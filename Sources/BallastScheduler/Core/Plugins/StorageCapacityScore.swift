import BallastAPI

/// Ballast's storage score: for a pod that provisions volumes on a node with tracked
/// capacity, ranks nodes by the free storage the node would have left. The class parameter
/// `ballast.io/placement` says which way: `spread` (the default) prefers the emptiest
/// node, so volumes spread across nodes; `pack` prefers the fullest node that still fits,
/// so whole nodes stay free.
public struct StorageCapacityScorePlugin: ScorePlugin {
    public let name = "StorageCapacity"
    public let weight: Int64
    /// The StorageClass parameter that chooses spreading or packing.
    public static let placementParameter = "ballast.io/placement"

    /// How a class places provisioned volumes.
    public enum Placement: String, Sendable {
        case spread
        case pack
    }

    public init(weight: Int64 = 2) { self.weight = weight }

    public func preScore(_ pod: PodInfo, state: CycleState, nodes: [NodeInfo], in cache: SchedulerCache) -> (any NodeScorer)? {
        guard let volumeState = state.volumeBinding, !volumeState.storageFitByNode.isEmpty else { return nil }
        guard let storageClass = volumeState.storageFitByNode.values.first?.storageClass else { return nil }
        let parameter = cache.storageClasses[storageClass]?.parameters?[Self.placementParameter]
        let placement = parameter.flatMap { Placement(rawValue: $0) } ?? .spread
        return Scorer(state: volumeState, placement: placement)
    }

    struct Scorer: NodeScorer {
        let state: VolumeBindingState
        let placement: Placement

        func score(_ node: NodeInfo, in cache: SchedulerCache) -> Int64 {
            max(0, state.storageFitByNode[node.name]?.largestFreeAfter ?? 0)
        }

        func normalize(_ scores: inout [Int64]) {
            let highest = scores.max() ?? 0
            guard highest > 0 else { return }
            for index in scores.indices {
                // Scale in floating point: byte counts times 100 could overflow.
                let share = Int64((Double(scores[index]) / Double(highest) * Double(Scores.maxNodeScore)).rounded(.down))
                scores[index] = placement == .spread ? share : Scores.maxNodeScore - share
            }
        }
    }
}
