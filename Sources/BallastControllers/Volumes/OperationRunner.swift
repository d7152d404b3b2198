import Foundation
import Synchronization

/// Runs long volume operations (provision, delete, recycle) off the sync path, at most one
/// per name at a time, and holds a failed one back with exponential back-off — upstream's
/// goroutinemap with exponentialBackOffOnError.
final class OperationRunner: Sendable {
    private struct State {
        var running: Set<String> = []
        var failures: [String: (count: Int, notBefore: Date)] = [:]
    }

    private let state = Mutex(State())
    private let initialDelay: Double
    private let maxDelay: Double

    init(initialDelay: Double = 0.5, maxDelay: Double = 122) {
        self.initialDelay = initialDelay
        self.maxDelay = maxDelay
    }

    /// Starts `operation` unless one of that name runs or is backing off; returns whether it started.
    @discardableResult
    func schedule(_ name: String, _ operation: @escaping @Sendable () async throws -> Void) -> Bool {
        let now = Date()
        let start = state.withLock { state -> Bool in
            if state.running.contains(name) { return false }
            if let failure = state.failures[name], now < failure.notBefore { return false }
            state.running.insert(name)
            return true
        }
        guard start else { return false }
        Task {
            do {
                try await operation()
                state.withLock { state in
                    state.running.remove(name)
                    state.failures[name] = nil
                }
            } catch {
                state.withLock { state in
                    state.running.remove(name)
                    let count = (state.failures[name]?.count ?? 0) + 1
                    let delay = min(maxDelay, initialDelay * pow(2, Double(count - 1)))
                    state.failures[name] = (count, Date().addingTimeInterval(delay))
                }
            }
        }
        return true
    }

    /// Whether an operation of that name is running (tests).
    func isRunning(_ name: String) -> Bool { state.withLock { $0.running.contains(name) } }

    /// Waits until no operation runs (tests).
    func waitUntilIdle() async {
        while state.withLock({ !$0.running.isEmpty }) { try? await Task.sleep(nanoseconds: 5_000_000) }
    }
}
