public import Foundation

/// kubectl off the cooperative pool. An async test that waits for kubectl on its own thread
/// holds one of the few cooperative threads (two on this machine); with an API server or a
/// node agent in the same process, two such waits at once starve the very tasks the
/// commands are waiting for.
extension Kubectl {
    /// `run`, on a thread of its own.
    public func call(_ arguments: [String], input: String? = nil, timeout: TimeInterval = 120) async throws -> CommandResult {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try self.run(arguments, input: input, timeout: timeout) }) }.start()
        }
    }

    /// `ok`, on a thread of its own: stdout, or an error unless kubectl succeeds.
    @discardableResult
    public func callOK(_ arguments: String..., input: String? = nil) async throws -> String {
        let result = try await call(arguments, input: input)
        guard result.succeeded else { throw TestEnvironmentError("kubectl \(arguments.joined(separator: " ")) failed: \(result)") }
        return result.stdout
    }
}
