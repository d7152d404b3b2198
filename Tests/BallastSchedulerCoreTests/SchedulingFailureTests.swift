import Testing

#if canImport(SchedulerCore)
@testable import SchedulerCore
#else
@testable import BallastScheduler
#endif

/// The FailedScheduling message, as kube-scheduler's FitError words it.
@Suite struct SchedulingFailureTests {
    @Test func reasonsAreCountedAndSortedAsStrings() {
        let failure = SchedulingFailure(numAllNodes: 3, reasonCounts: [
            "node(s) did not have enough free storage": 2, "node(s) had volume node affinity conflict": 1,
        ])
        #expect(failure.message == "0/3 nodes are available: 1 node(s) had volume node affinity conflict, 2 node(s) did not have enough free storage.")
    }

    /// Upstream sorts the "count reason" strings, so 10 sorts before 2.
    @Test func sortingIsLexicographicLikeUpstream() {
        let failure = SchedulingFailure(numAllNodes: 12, reasonCounts: ["Insufficient cpu": 2, "node(s) were unschedulable": 10])
        #expect(failure.message == "0/12 nodes are available: 10 node(s) were unschedulable, 2 Insufficient cpu.")
    }

    @Test func preFilterRejectionReplacesTheNodeReasons() {
        let failure = SchedulingFailure(numAllNodes: 3, preFilterMessage: "pod has unbound immediate PersistentVolumeClaims")
        #expect(failure.message == "0/3 nodes are available: pod has unbound immediate PersistentVolumeClaims.")
    }

    @Test func anEmptyClusterSaysSo() {
        #expect(SchedulingFailure(numAllNodes: 0).message == "no nodes available to schedule pods")
    }
}
