import BallastAPI
import Testing

#if canImport(SchedulerCore)
@testable import SchedulerCore
#else
@testable import BallastScheduler
#endif

/// The scheduling queue: priority order, back-off, and retry when the cluster changes.
@Suite struct SchedulingQueueTests {
    typealias F = Fixture

    @Test func higherPriorityFirstThenOldest() throws {
        var queue = SchedulingQueue()
        var urgent = F.pod("urgent")
        urgent.spec?.priority = 1000
        queue.add(F.pod("old"), now: 0)
        queue.add(F.pod("young"), now: 1)
        queue.add(urgent, now: 2)
        #expect(queue.pop()?.pod.name == "urgent")
        #expect(queue.pop()?.pod.name == "old")
        #expect(queue.pop()?.pod.name == "young")
        #expect(queue.pop() == nil)
    }

    /// An unschedulable pod waits for a change; then it is tried again after its back-off.
    @Test func unschedulablePodsComeBackWhenSomethingChanges() throws {
        var queue = SchedulingQueue()
        queue.add(F.pod("p"), now: 0)
        let popped = queue.pop()
        let entry = try #require(popped)
        queue.addUnschedulable(entry.key, rejectingPlugins: ["VolumeBinding"], now: 0)
        #expect(queue.place(of: entry.key) == .unschedulable)
        queue.flush(now: 100)
        #expect(queue.place(of: entry.key) == .unschedulable)
        queue.moveAllToActiveOrBackoff(now: 100.5)
        #expect(queue.place(of: entry.key) == .active)
        #expect(queue.pop()?.attempts == 2)
    }

    /// A change that arrived while the pod was being scheduled is not missed.
    @Test func aChangeDuringTheAttemptSendsThePodToBackoff() throws {
        var queue = SchedulingQueue()
        queue.add(F.pod("p"), now: 0)
        let popped = queue.pop()
        let entry = try #require(popped)
        queue.moveAllToActiveOrBackoff(now: 0.1)
        queue.addUnschedulable(entry.key, rejectingPlugins: [], now: 0.2)
        #expect(queue.place(of: entry.key) == .backoff)
        queue.flush(now: 0.5)
        #expect(queue.place(of: entry.key) == .backoff)
        queue.flush(now: 1.3)
        #expect(queue.place(of: entry.key) == .active)
    }

    @Test func backoffDoublesUpToTheCap() {
        let queue = SchedulingQueue()
        #expect((1...6).map { queue.backoffDuration(attempts: $0) } == [1, 2, 4, 8, 10, 10])
    }

    /// Pods wait in unschedulable at most five minutes, then are tried anyway.
    @Test func unschedulablePodsAreRetriedAfterFiveMinutes() throws {
        var queue = SchedulingQueue()
        queue.add(F.pod("p"), now: 0)
        let popped = queue.pop()
        let entry = try #require(popped)
        queue.addUnschedulable(entry.key, rejectingPlugins: [], now: 0)
        queue.flush(now: 301)
        #expect(queue.place(of: entry.key) == .active)
    }

    @Test func removedPodsAreNotPopped() throws {
        var queue = SchedulingQueue()
        queue.add(F.pod("p"), now: 0)
        queue.remove("default/p")
        #expect(queue.pop() == nil)
        #expect(queue.count == 0)
    }
}
