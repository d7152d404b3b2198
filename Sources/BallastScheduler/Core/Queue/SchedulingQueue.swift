public import BallastAPI

/// kube-scheduler's PriorityQueue: pods waiting to be scheduled, in three places.
///
/// - **active**: ready to try now, highest priority first, then oldest.
/// - **backoff**: failed recently; each comes back after 1 s × 2^(attempts−1), at most 10 s.
/// - **unschedulable**: fit no node last time; they wait for a change in the cluster that
///   could help (`moveAllToActiveOrBackoff`), or at most 5 minutes.
///
/// A pod that failed while a cluster change arrived during its attempt goes to backoff
/// rather than unschedulable, so the change is not missed. Time is passed in (seconds), so
/// the queue is pure and testable.
public struct SchedulingQueue: Sendable {
    /// A pod in the queue, with its scheduling history.
    public struct QueuedPod: Sendable {
        public var pod: Pod
        public var key: String
        /// Attempts made so far.
        public var attempts: Int
        /// When the pod first entered the queue.
        public var firstSeen: Double
        /// When it last entered a sub-queue (orders pods of equal priority).
        public var timestamp: Double
        /// The plugins that rejected it last time.
        public var rejectingPlugins: Set<String> = []
        /// The scheduling cycle in which it was popped.
        var cycle: Int = 0
        /// The heap entry that stands for it while active (older entries are stale).
        var heapSequence: Int = 0
    }

    /// Where a pod currently is.
    public enum Place: Sendable, Equatable {
        case active, backoff, unschedulable, inFlight
    }

    public var initialBackoff: Double = 1
    public var maxBackoff: Double = 10
    /// How long a pod waits in unschedulable before it is retried anyway.
    public var maxInUnschedulable: Double = 300

    private var entries: [String: QueuedPod] = [:]
    private var places: [String: Place] = [:]
    private var heap: [HeapItem] = []
    private var sequence = 0
    private var schedulingCycle = 0
    /// The cycle at the last cluster change that may help unschedulable pods.
    private var moveRequestCycle = -1

    private struct HeapItem: Sendable {
        var priority: Int32
        var timestamp: Double
        var sequence: Int
        var key: String

        func before(_ other: HeapItem) -> Bool {
            if priority != other.priority { return priority > other.priority }
            if timestamp != other.timestamp { return timestamp < other.timestamp }
            return sequence < other.sequence
        }
    }

    public init() {}

    public static func key(_ pod: Pod) -> String { SchedulerCache.key(namespace: pod.namespace, name: pod.name) }

    public func place(of key: String) -> Place? { places[key] }

    public func queued(_ key: String) -> QueuedPod? { entries[key] }

    public var activeCount: Int { places.values.filter { $0 == .active }.count }

    public var count: Int { entries.count }

    public func keys(in place: Place) -> [String] { places.filter { $0.value == place }.map(\.key).sorted() }

    // MARK: Adding and removing

    /// A new pod to schedule; a pod already queued just gets its new object.
    public mutating func add(_ pod: Pod, now: Double) {
        let key = Self.key(pod)
        if entries[key] != nil {
            update(pod, now: now)
            return
        }
        entries[key] = QueuedPod(pod: pod, key: key, attempts: 0, firstSeen: now, timestamp: now)
        activate(key, now: now)
    }

    /// A queued pod changed. An unschedulable pod whose spec changed may fit now, so it is
    /// tried again (after its back-off).
    public mutating func update(_ pod: Pod, now: Double) {
        let key = Self.key(pod)
        guard var entry = entries[key] else { return add(pod, now: now) }
        let specChanged = entry.pod.spec != pod.spec || entry.pod.metadata.labels != pod.metadata.labels
        entry.pod = pod
        entries[key] = entry
        if places[key] == .unschedulable && specChanged { moveOut(key, now: now) }
    }

    /// The pod is gone, or no longer needs scheduling.
    public mutating func remove(_ key: String) {
        entries[key] = nil
        places[key] = nil
    }

    // MARK: Popping and returning

    /// The next pod to try, now in flight; nil when nothing is active.
    public mutating func pop() -> QueuedPod? {
        while let item = popHeap() {
            guard places[item.key] == .active, var entry = entries[item.key], entry.heapSequence == item.sequence else { continue }
            schedulingCycle += 1
            entry.attempts += 1
            entry.cycle = schedulingCycle
            entries[item.key] = entry
            places[item.key] = .inFlight
            return entry
        }
        return nil
    }

    /// The attempt succeeded (the pod is assumed and binding): it leaves the queue.
    public mutating func done(_ key: String) {
        if places[key] == .inFlight { remove(key) }
    }

    /// The attempt found no node: the pod waits for a helpful change, or backs off if one
    /// arrived while it was being scheduled.
    public mutating func addUnschedulable(_ key: String, rejectingPlugins: Set<String>, now: Double) {
        guard var entry = entries[key], places[key] == .inFlight else { return }
        entry.rejectingPlugins = rejectingPlugins
        entry.timestamp = now
        entries[key] = entry
        if moveRequestCycle >= entry.cycle {
            places[key] = .backoff
        } else {
            places[key] = .unschedulable
        }
    }

    /// The attempt or its binding failed for another reason: retry after the back-off.
    public mutating func addBackoff(_ key: String, now: Double) {
        guard var entry = entries[key] else { return }
        entry.timestamp = now
        entries[key] = entry
        places[key] = .backoff
    }

    /// A pod whose binding failed after it left the queue comes back (after its back-off).
    public mutating func readd(_ pod: Pod, attempts: Int, now: Double) {
        let key = Self.key(pod)
        entries[key] = QueuedPod(pod: pod, key: key, attempts: attempts, firstSeen: entries[key]?.firstSeen ?? now, timestamp: now)
        places[key] = .backoff
    }

    // MARK: Moving on cluster changes and time

    /// Something changed that may let unschedulable pods fit: they go to active, or to
    /// backoff while their back-off lasts.
    public mutating func moveAllToActiveOrBackoff(now: Double) {
        for (key, place) in places where place == .unschedulable { moveOut(key, now: now) }
        moveRequestCycle = schedulingCycle
    }

    /// Moves backed-off pods whose back-off is over to active, and pods that waited too long
    /// in unschedulable out of it.
    public mutating func flush(now: Double) {
        for (key, place) in places {
            switch place {
            case .backoff:
                if let entry = entries[key], backoffExpiry(entry) <= now { activate(key, now: now) }
            case .unschedulable:
                if let entry = entries[key], now - entry.timestamp >= maxInUnschedulable { moveOut(key, now: now) }
            case .active, .inFlight:
                break
            }
        }
    }

    /// When the earliest back-off ends (to know how long to sleep), if any pod backs off.
    public func nextBackoffExpiry() -> Double? {
        places.compactMap { $0.value == .backoff ? entries[$0.key].map(backoffExpiry) : nil }.min()
    }

    /// When a pod's back-off ends: its last failure plus 1 s × 2^(attempts−1), capped.
    public func backoffExpiry(_ entry: QueuedPod) -> Double { entry.timestamp + backoffDuration(attempts: entry.attempts) }

    public func backoffDuration(attempts: Int) -> Double {
        guard attempts > 0 else { return 0 }
        var duration = initialBackoff
        for _ in 1..<attempts {
            duration *= 2
            if duration >= maxBackoff { return maxBackoff }
        }
        return min(duration, maxBackoff)
    }

    private mutating func moveOut(_ key: String, now: Double) {
        guard let entry = entries[key] else { return }
        if backoffExpiry(entry) > now {
            places[key] = .backoff
        } else {
            activate(key, now: now)
        }
    }

    private mutating func activate(_ key: String, now: Double) {
        guard var entry = entries[key] else { return }
        sequence += 1
        entry.timestamp = now
        entry.heapSequence = sequence
        entries[key] = entry
        places[key] = .active
        pushHeap(HeapItem(priority: entry.pod.spec?.priority ?? 0, timestamp: now, sequence: sequence, key: key))
    }

    // MARK: Heap

    private mutating func pushHeap(_ item: HeapItem) {
        heap.append(item)
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard heap[child].before(heap[parent]) else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    private mutating func popHeap() -> HeapItem? {
        guard !heap.isEmpty else { return nil }
        heap.swapAt(0, heap.count - 1)
        let top = heap.removeLast()
        var parent = 0
        while true {
            let left = 2 * parent + 1
            let right = left + 1
            var first = parent
            if left < heap.count, heap[left].before(heap[first]) { first = left }
            if right < heap.count, heap[right].before(heap[first]) { first = right }
            if first == parent { break }
            heap.swapAt(parent, first)
            parent = first
        }
        return top
    }
}
