import BallastAPI
import BallastClient

/// Plumbing the workload controllers share.
enum ControllerSupport {
    /// Waits until every informer has listed once; false if the task was cancelled first.
    /// (Polls rather than awaiting `Informer.waitForSync`, which cannot be cancelled.)
    static func waitForSync(_ synced: [@Sendable () -> Bool]) async -> Bool {
        while !Task.isCancelled {
            if synced.allSatisfy({ $0() }) { return true }
            try? await Task.sleep(nanoseconds: 20_000_000)
        }
        return false
    }

    /// The most pods one sync creates or deletes (upstream's burstReplicas).
    static let burst = 500

    /// Runs `operation` for every element in batches of 1, 2, 4 … (slowStartBatch), so a
    /// request that is refused (a quota, an invalid template) is refused once, not 500
    /// times. Returns how many succeeded and the first error, after which nothing else is
    /// tried; `skipped` is told about every element that was never tried.
    static func slowStart<Element: Sendable>(_ elements: [Element], skipped: (Element) -> Void,
                                              _ operation: @escaping @Sendable (Element) async throws(ClientError) -> Void) async
        -> (succeeded: Int, error: ClientError?)
    {
        var succeeded = 0
        var index = 0
        var batch = 1
        while index < elements.count {
            let slice = Array(elements[index..<min(index + batch, elements.count)])
            let errors = await withTaskGroup(of: ClientError?.self) { group -> [ClientError] in
                for element in slice {
                    group.addTask {
                        do throws(ClientError) {
                            try await operation(element)
                            return nil
                        } catch {
                            return error
                        }
                    }
                }
                var errors: [ClientError] = []
                for await error in group { if let error { errors.append(error) } }
                return errors
            }
            succeeded += slice.count - errors.count
            index += slice.count
            if let first = errors.first {
                for element in elements[index...] { skipped(element) }
                return (succeeded, first)
            }
            batch *= 2
        }
        return (succeeded, nil)
    }
}

extension ClientError {
    /// The server's message (what upstream puts in a condition), or the description.
    var message: String {
        if case .status(let status) = self, let message = status.message, !message.isEmpty { return message }
        return description
    }

    /// The object is gone, or changed since it was read (a failed precondition): the
    /// next sync looks again.
    ///
    /// Callers write `catch { guard error.isGoneOrChanged else { throw error } }`, not
    /// `catch where`: a `catch where` on a typed `ClientError` inside an untyped `throws`
    /// function crashes Swift 6.3's SILGen ("Found outside of lifetime use").
    var isGoneOrChanged: Bool {
        if isNotFound { return true }
        return isConflict
    }
}

extension LabelSelector {
    /// Whether the selector matches; a nil selector matches nothing (as for workloads).
    static func matches(_ selector: LabelSelector?, _ labels: [String: String]?) -> Bool {
        guard let selector else { return false }
        return selector.matches(labels)
    }
}
