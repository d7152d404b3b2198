import Foundation
import Synchronization

/// A queue of keys to reconcile, as client-go's rate-limited work queue: a key waiting is
/// queued once however often it is added; a key being processed that is added again is
/// processed again afterwards; failures come back after an exponential back-off.
public final class WorkQueue: Sendable {
    private struct State {
        /// Keys in order; `head` is the next one (removing from the front of an array of
        /// ten thousand keys at every take would cost quadratic time).
        var queue: [String] = []
        var head = 0
        var queued: Set<String> = []
        var processing: Set<String> = []
        var dirty: Set<String> = []
        var failures: [String: Int] = [:]
        var waiters: [CheckedContinuation<String?, Never>] = []
        var shutDown = false
    }

    private let state = Mutex<State>(State())
    private let baseDelay: Double
    private let maxDelay: Double

    public init(baseDelay: Double = 0.005, maxDelay: Double = 300) {
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
    }

    public func add(_ key: String) {
        let waiter = state.withLock { state -> CheckedContinuation<String?, Never>? in
            if state.shutDown { return nil }
            if state.processing.contains(key) {
                state.dirty.insert(key)
                return nil
            }
            guard !state.queued.contains(key) else { return nil }
            if !state.waiters.isEmpty {
                state.processing.insert(key)
                return state.waiters.removeFirst()
            }
            state.queued.insert(key)
            state.queue.append(key)
            return nil
        }
        waiter?.resume(returning: key)
    }

    /// Adds the key after `delay` seconds.
    public func add(_ key: String, after delay: Double) {
        guard delay > 0 else { return add(key) }
        Task {
            try? await Task.sleep(nanoseconds: UInt64(delay * 1_000_000_000))
            self.add(key)
        }
    }

    /// Re-adds a key that failed, after its back-off.
    public func retry(_ key: String) {
        let failures = state.withLock { state -> Int in
            state.failures[key, default: 0] += 1
            return state.failures[key, default: 1]
        }
        add(key, after: min(maxDelay, baseDelay * pow(2, Double(failures - 1))))
    }

    /// Clears a key's failure count after it succeeded.
    public func forget(_ key: String) {
        state.withLock { _ = $0.failures.removeValue(forKey: key) }
    }

    public func failures(_ key: String) -> Int { state.withLock { $0.failures[key] ?? 0 } }

    /// The next key to process; nil after shutdown.
    public func next() async -> String? {
        await withCheckedContinuation { (continuation: CheckedContinuation<String?, Never>) in
            let ready = state.withLock { state -> String?? in
                if state.shutDown { return .some(nil) }
                if state.head < state.queue.count {
                    let key = state.queue[state.head]
                    state.head += 1
                    if state.head >= 1024, state.head * 2 >= state.queue.count {
                        state.queue.removeFirst(state.head)
                        state.head = 0
                    }
                    state.queued.remove(key)
                    state.processing.insert(key)
                    return .some(key)
                }
                state.waiters.append(continuation)
                return nil
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }

    /// Marks a key processed; re-queues it if it was added meanwhile.
    public func done(_ key: String) {
        let again = state.withLock { state -> Bool in
            state.processing.remove(key)
            return state.dirty.remove(key) != nil
        }
        if again { add(key) }
    }

    public func shutDown() {
        let waiters = state.withLock { state -> [CheckedContinuation<String?, Never>] in
            state.shutDown = true
            let waiters = state.waiters
            state.waiters = []
            return waiters
        }
        for waiter in waiters { waiter.resume(returning: nil) }
    }

    public var count: Int { state.withLock { $0.queue.count - $0.head } }
}

/// Runs reconcilers over a work queue with a number of workers.
public enum Workers {
    /// What a reconcile asks for next.
    public enum Outcome: Sendable {
        case done
        /// Check again after this many seconds (polling something outside the API).
        case requeue(after: Double)
    }

    /// Processes keys until the queue shuts down or the task is cancelled. A reconcile that
    /// throws is retried with back-off.
    public static func run(_ queue: WorkQueue, count: Int, reconcile: @escaping @Sendable (String) async throws -> Outcome) async {
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<max(1, count) {
                group.addTask {
                    while !Task.isCancelled, let key = await queue.next() {
                        do {
                            switch try await reconcile(key) {
                            case .done: queue.forget(key)
                            case .requeue(let delay):
                                queue.forget(key)
                                queue.add(key, after: delay)
                            }
                        } catch {
                            queue.retry(key)
                        }
                        queue.done(key)
                    }
                }
            }
            await withTaskCancellationHandler {
                await group.waitForAll()
            } onCancel: {
                queue.shutDown()
            }
        }
    }
}
