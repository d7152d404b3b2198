import BallastAPI
import Foundation

/// Which Pods a scale-down removes first (controller.ActivePodsWithRanks and the
/// ReplicaSet controller's getPodsToDelete upstream). Earlier in the order goes first:
/// 1. unscheduled before scheduled;
/// 2. Pending before Unknown before Running;
/// 3. not Ready before Ready;
/// 4. lower controller.kubernetes.io/pod-deletion-cost first;
/// 5. Pods doubled up on a node with more of their relatives first;
/// 6. Ready for a shorter time first (on a log2 scale, so near-equals fall to the uid);
/// 7. more container restarts first;
/// 8. newer first (again on a log2 scale of age).
enum PodDeletionOrder {
    static let deletionCostAnnotation = "controller.kubernetes.io/pod-deletion-cost"

    /// The `count` Pods of `pods` to delete; `related` are the Pods whose placement counts
    /// toward "doubled up" (the Pods of every ReplicaSet of the same Deployment).
    static func podsToDelete(_ pods: [Pod], related: [Pod], count: Int, now: Date) -> [Pod] {
        guard count < pods.count else { return pods }
        var perNode: [String: Int] = [:]
        for pod in related where pod.isActive { perNode[pod.nodeName, default: 0] += 1 }
        let ranked = pods.map { (pod: $0, rank: perNode[$0.nodeName] ?? 0) }
            .sorted { deletesFirst($0.pod, rank: $0.rank, before: $1.pod, rank: $1.rank, now: now) }
        return Array(ranked.prefix(count).map(\.pod))
    }

    private static func phaseOrdinal(_ pod: Pod) -> Int {
        switch pod.status?.phase {
        case Pod.Phase.pending: return 0
        case Pod.Phase.unknown: return 1
        case Pod.Phase.running: return 2
        default: return 3
        }
    }

    private static func deletionCost(_ pod: Pod) -> Int64 {
        pod.metadata.annotation(deletionCostAnnotation).flatMap { Int64($0) } ?? 0
    }

    private static func maxRestarts(_ pod: Pod) -> Int32 {
        ((pod.status?.initContainerStatuses ?? []) + (pod.status?.containerStatuses ?? [])).map { $0.restartCount ?? 0 }.max() ?? 0
    }

    /// Log2 of the age in nanoseconds, -1 for no age (upstream's logarithmic scale-down).
    private static func logRank(_ time: Date, now: Date) -> Int {
        let nanoseconds = now.timeIntervalSince(time) * 1e9
        return nanoseconds > 0 ? Int(log2(nanoseconds)) : -1
    }

    static func deletesFirst(_ a: Pod, rank rankA: Int, before b: Pod, rank rankB: Int, now: Date) -> Bool {
        if a.nodeName != b.nodeName, a.nodeName.isEmpty || b.nodeName.isEmpty { return a.nodeName.isEmpty }
        if phaseOrdinal(a) != phaseOrdinal(b) { return phaseOrdinal(a) < phaseOrdinal(b) }
        if a.isReady != b.isReady { return !a.isReady }
        if deletionCost(a) != deletionCost(b) { return deletionCost(a) < deletionCost(b) }
        if rankA != rankB { return rankA > rankB }
        if a.isReady, b.isReady, let readyA = a.readySince, let readyB = b.readySince, readyA != readyB {
            let difference = logRank(readyA, now: now) - logRank(readyB, now: now)
            if difference != 0 { return difference < 0 }
            return a.uid < b.uid
        }
        if maxRestarts(a) != maxRestarts(b) { return maxRestarts(a) > maxRestarts(b) }
        if a.metadata.creationTimestamp != b.metadata.creationTimestamp {
            guard let createdA = a.metadata.creationTimestamp?.date else { return true }
            guard let createdB = b.metadata.creationTimestamp?.date else { return false }
            let difference = logRank(createdA, now: now) - logRank(createdB, now: now)
            if difference != 0 { return difference < 0 }
            return a.uid < b.uid
        }
        return false
    }
}
