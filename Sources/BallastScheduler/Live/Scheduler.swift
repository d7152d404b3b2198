import BallastAPI
public import BallastClient
public import Logging
import Foundation
import Synchronization

/// The live scheduler (kube-scheduler's scheduleOne loop): informers keep a
/// `SchedulerCache` and a `SchedulingQueue` current; one loop pops a pod, runs the
/// `SchedulingAlgorithm` over the cache and assumes the result at once, so the next pod
/// already sees it; the binding cycle then runs concurrently (volume writes, waiting for
/// the claims to bind, then the pod's binding).
///
/// Binding: POST pods/{name}/binding, as kube-scheduler does; the server sets
/// spec.nodeName and PodScheduled=True.
public final class Scheduler: Sendable {
    /// The knobs of one scheduler.
    public struct Configuration: Sendable {
        /// The spec.schedulerName this scheduler serves (pods with none are the default's).
        public var schedulerName: String
        /// How long the binding cycle waits for a pod's claims to be bound (kube-scheduler's
        /// bindTimeoutSeconds, 600 by default).
        public var bindTimeout: Duration
        /// How often the claims of a pod being bound are checked.
        public var bindPollInterval: Duration
        /// percentageOfNodesToScore; nil adapts to the cluster size.
        public var percentageOfNodesToScore: Int?

        public init(schedulerName: String = SchedulerName.default, bindTimeout: Duration = .seconds(600),
                    bindPollInterval: Duration = .milliseconds(50), percentageOfNodesToScore: Int? = nil) {
            self.schedulerName = schedulerName
            self.bindTimeout = bindTimeout
            self.bindPollInterval = bindPollInterval
            self.percentageOfNodesToScore = percentageOfNodesToScore
        }
    }

    /// The event reasons the scheduler records on pods.
    public enum EventReason {
        public static let scheduled = "Scheduled"
        public static let failedScheduling = "FailedScheduling"
    }

    let client: KubeClient
    let configuration: Configuration
    let logger: Logger
    let state: Mutex<SchedulerState>
    let informers: SchedulerInformers
    let clock = ContinuousClock()
    let start: ContinuousClock.Instant
    private let wakeStream: AsyncStream<Void>
    private let wakeContinuation: AsyncStream<Void>.Continuation
    /// Pods that name their node and may need their delayed claims provisioned there.
    let presetQueue = WorkQueue()

    /// - Parameters:
    ///   - client: the API client; the scheduler reads pods, nodes and storage objects and
    ///     writes pods, claims, volumes and events.
    public init(client: KubeClient, configuration: Configuration = Configuration(), logger: Logger = Logger(label: "ballast.scheduler")) {
        self.client = client
        self.configuration = configuration
        self.logger = logger
        state = Mutex(SchedulerState(algorithm: SchedulingAlgorithm(percentageOfNodesToScore: configuration.percentageOfNodesToScore)))
        informers = SchedulerInformers(client: client)
        start = clock.now
        (wakeStream, wakeContinuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// Seconds since the scheduler started (the queue's clock).
    var now: Double {
        let elapsed = clock.now - start
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }

    /// Tells the scheduling loop there may be work.
    func wake() { wakeContinuation.yield() }

    /// Schedules pods until the task is cancelled.
    public func run() async {
        let events = EventRecorder(client: client, component: configuration.schedulerName)
        registerHandlers()
        await withDiscardingTaskGroup { group in
            for runner in informers.runners { group.addTask { await runner() } }
            group.addTask { [presetQueue] in
                await Workers.run(presetQueue, count: 2) { key in try await self.syncPresetPod(key) }
            }
            // The queue's back-off and five-minute timers need a tick.
            group.addTask {
                while !Task.isCancelled {
                    try? await Task.sleep(for: .milliseconds(250))
                    self.wake()
                }
            }
            await informers.waitForSync()
            logger.info("scheduler started", metadata: ["schedulerName": "\(configuration.schedulerName)"])
            var wakeups = wakeStream.makeAsyncIterator()
            while !Task.isCancelled {
                guard let entry = nextPod() else {
                    if await wakeups.next() == nil { break }
                    continue
                }
                scheduleOne(entry, events: events, group: &group)
            }
            group.cancelAll()
        }
        wakeContinuation.finish()
    }

    /// Pops the next pod to try, after moving the pods whose back-off is over. The flush
    /// walks every queued pod, so it runs at most every 100 ms while pods are active.
    private func nextPod() -> SchedulingQueue.QueuedPod? {
        let now = self.now
        return state.withLock { state in
            if now - state.lastFlush >= 0.1 {
                state.queue.flush(now: now)
                state.lastFlush = now
            }
            if let entry = state.queue.pop() { return entry }
            guard state.lastFlush != now else { return nil }
            state.queue.flush(now: now)
            state.lastFlush = now
            return state.queue.pop()
        }
    }

    /// One scheduling cycle: decide and assume under the lock, then start the binding cycle
    /// or report the failure.
    private func scheduleOne(_ entry: SchedulingQueue.QueuedPod, events: EventRecorder, group: inout DiscardingTaskGroup) {
        // The informer has the newest version of the pod; the queue may hold an older one.
        guard let pod = informers.pods.get(key: entry.key), pod.uid == entry.pod.uid, needsScheduling(pod) else {
            state.withLock { $0.queue.remove(entry.key) }
            return
        }
        let info = PodInfo(pod)
        let now = self.now
        let result = state.withLock { state -> Result<SchedulingDecision, SchedulingFailure> in
            let result = state.algorithm.schedule(info, in: state.cache)
            switch result {
            case .success(let decision):
                state.cache.assume(info, on: decision.node, volumes: decision.volumes)
                state.queue.done(entry.key)
            case .failure(let failure):
                if failure.isError {
                    state.queue.addBackoff(entry.key, now: now)
                } else {
                    state.queue.addUnschedulable(entry.key, rejectingPlugins: failure.rejectingPlugins, now: now)
                }
            }
            return result
        }
        switch result {
        case .success(let decision):
            group.addTask { await self.bindingCycle(pod, decision: decision, attempts: entry.attempts, events: events) }
        case .failure(let failure):
            logger.debug("pod does not fit", metadata: ["pod": "\(entry.key)", "reason": "\(failure.message)"])
            events.record(pod, type: EventRecorder.warning, reason: EventReason.failedScheduling, message: failure.message)
            group.addTask { await self.markUnschedulable(pod, message: failure.message) }
        }
    }

    /// Whether the pod is this scheduler's to place now: unbound, not finished or being
    /// deleted, not gated.
    func needsScheduling(_ pod: Pod) -> Bool {
        let wanted = pod.spec?.schedulerName.flatMap { $0.isEmpty ? nil : $0 } ?? SchedulerName.default
        return wanted == configuration.schedulerName && (pod.spec?.nodeName ?? "").isEmpty && !pod.isTerminal
            && !pod.metadata.isDeleting && (pod.spec?.schedulingGates ?? []).isEmpty
    }

    /// Sets PodScheduled=False (reason Unschedulable) with the failure message, as upstream,
    /// so `kubectl describe` and `kubectl get -o yaml` show why. Best-effort.
    private func markUnschedulable(_ pod: Pod, message: String) async {
        let current = pod.status?.conditions?.first { $0.type == "PodScheduled" }
        if current?.status == "False", current?.message == message { return }
        var updated = pod
        var status = updated.status ?? PodStatus()
        status.setCondition(PodCondition(type: "PodScheduled", status: "False", reason: "Unschedulable", message: message), now: Time(.now))
        if status.phase == nil { status.phase = Pod.Phase.pending }
        updated.status = status
        _ = try? await client.updateStatus(updated)
    }
}

/// What the scheduling loop and the informer handlers share, behind one lock.
struct SchedulerState: Sendable {
    var cache = SchedulerCache()
    var queue = SchedulingQueue()
    var algorithm: SchedulingAlgorithm
    /// When the queue was last flushed (scheduler seconds).
    var lastFlush = -Double.infinity
}
