/// Volumes of a pod that could not be set up, each with its own error.
public struct PodVolumeError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The failed volumes in spec order, by name, with why.
    public var failures: [(volume: String, error: VolumeError)]

    /// Makes an error.
    public init(failures: [(volume: String, error: VolumeError)]) {
        self.failures = failures
    }

    /// Whether retrying later may help for every failure (nothing `.invalid` or `.unsafe`).
    public var isRetryable: Bool {
        failures.allSatisfy { $0.error.kind == .unavailable || $0.error.kind == .failed }
    }

    /// One FailedMount event message per failed volume, as the kubelet emits them.
    public var eventMessages: [String] {
        failures.map { $0.error.failedMountMessage(volume: $0.volume) }
    }

    /// The summary upstream puts in the pod's FailedMount event after the per-volume ones:
    /// `Unable to attach or mount volumes: unmounted volumes=[data], ...`.
    public var description: String {
        "Unable to attach or mount volumes: unmounted volumes=[\(failures.map(\.volume).joined(separator: " "))]: "
            + failures.map { "\($0.volume): \($0.error.message)" }.joined(separator: "; ")
    }

    public static func == (lhs: PodVolumeError, rhs: PodVolumeError) -> Bool {
        lhs.failures.map(\.volume) == rhs.failures.map(\.volume) && lhs.failures.map(\.error) == rhs.failures.map(\.error)
    }
}
