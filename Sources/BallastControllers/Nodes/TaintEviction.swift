import BallastAPI
import Foundation

/// When a Pod on a node with NoExecute taints must go (the taint eviction controller
/// upstream): at once if a taint is not tolerated, after the smallest tolerationSeconds of
/// the tolerations used, or never if they tolerate forever. Pure.
enum TaintEviction {
    enum Decision: Equatable {
        case keep
        case evictNow
        case evict(at: Date)
    }

    /// GetMatchingTolerations: the first toleration of each taint, or nil when a taint has
    /// none.
    static func usedTolerations(_ taints: [Taint], _ tolerations: [Toleration]) -> [Toleration]? {
        var used: [Toleration] = []
        for taint in taints {
            guard let toleration = tolerations.first(where: { $0.tolerates(taint) }) else { return nil }
            used.append(toleration)
        }
        return used
    }

    /// The decision for a Pod with `tolerations` on a node with `taints`. The countdown
    /// starts when the earliest NoExecute taint was added (or `now` if it has no time).
    static func decide(taints: [Taint], tolerations: [Toleration], now: Date) -> Decision {
        let noExecute = taints.filter { $0.effect == "NoExecute" }
        guard !noExecute.isEmpty else { return .keep }
        guard let used = usedTolerations(noExecute, tolerations) else { return .evictNow }
        // getMinTolerationTime: nil seconds tolerate forever; zero or less evicts at once.
        var minimum: Int64?
        for toleration in used {
            guard let seconds = toleration.tolerationSeconds else { continue }
            if seconds <= 0 { return .evictNow }
            minimum = min(minimum ?? seconds, seconds)
        }
        guard let minimum else { return .keep }
        let since = noExecute.compactMap { $0.timeAdded?.date }.min() ?? now
        let due = since.addingTimeInterval(Double(minimum))
        return due <= now ? .evictNow : .evict(at: due)
    }
}
