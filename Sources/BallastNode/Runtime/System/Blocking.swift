import Foundation

/// Runs blocking work (unpacking a layer, waiting on a pipe) on a thread of its own, so the
/// cooperative pool never loses a thread to it.
enum Blocking {
    /// Runs `body` on a new thread and returns its result.
    static func run<Value: Sendable>(_ body: @escaping @Sendable () throws -> Value) async throws -> Value {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Value, any Error>) in
            let thread = Thread { continuation.resume(with: Result { try body() }) }
            thread.start()
        }
    }

    /// Runs `body` on a new thread; for work that cannot fail.
    static func run<Value: Sendable>(_ body: @escaping @Sendable () -> Value) async -> Value {
        await withCheckedContinuation { (continuation: CheckedContinuation<Value, Never>) in
            let thread = Thread { continuation.resume(returning: body()) }
            thread.start()
        }
    }
}
