/// batch/v1 Job: Pods that run to completion.
public struct Job: APIResource, HasSpec, HasStatus {
    public static let gvk = GroupVersionKind(group: "batch", version: "v1", kind: "Job")
    public static let resource = ResourceInfo(
        gvk: gvk, plural: "jobs", singular: "job", namespaced: true, categories: ["all"], hasStatus: true)

    public var apiVersion: String?
    public var kind: String?
    public var metadata: ObjectMeta
    public var spec: JobSpec?
    public var status: JobStatus?

    public init(apiVersion: String? = nil, kind: String? = nil, metadata: ObjectMeta = ObjectMeta(), spec: JobSpec? = nil,
                status: JobStatus? = nil) {
        self.apiVersion = apiVersion
        self.kind = kind
        self.metadata = metadata
        self.spec = spec
        self.status = status
    }
}

/// batch/v1 JobSpec.
public struct JobSpec: Codable, Sendable, Equatable {
    public var parallelism: Int32?
    public var completions: Int32?
    public var activeDeadlineSeconds: Int64?
    /// The pod failure policy, kept as JSON until a controller acts on it.
    public var podFailurePolicy: JSONValue?
    public var successPolicy: JSONValue?
    public var backoffLimit: Int32?
    public var backoffLimitPerIndex: Int32?
    public var maxFailedIndexes: Int32?
    public var selector: LabelSelector?
    public var manualSelector: Bool?
    public var template: PodTemplateSpec?
    public var ttlSecondsAfterFinished: Int32?
    /// "NonIndexed" or "Indexed".
    public var completionMode: String?
    public var suspend: Bool?
    /// "TerminatingOrFailed" or "Failed".
    public var podReplacementPolicy: String?
    public var managedBy: String?

    public init(
        parallelism: Int32? = nil, completions: Int32? = nil, activeDeadlineSeconds: Int64? = nil,
        podFailurePolicy: JSONValue? = nil, successPolicy: JSONValue? = nil, backoffLimit: Int32? = nil,
        backoffLimitPerIndex: Int32? = nil, maxFailedIndexes: Int32? = nil, selector: LabelSelector? = nil,
        manualSelector: Bool? = nil, template: PodTemplateSpec? = nil, ttlSecondsAfterFinished: Int32? = nil,
        completionMode: String? = nil, suspend: Bool? = nil, podReplacementPolicy: String? = nil, managedBy: String? = nil
    ) {
        self.parallelism = parallelism
        self.completions = completions
        self.activeDeadlineSeconds = activeDeadlineSeconds
        self.podFailurePolicy = podFailurePolicy
        self.successPolicy = successPolicy
        self.backoffLimit = backoffLimit
        self.backoffLimitPerIndex = backoffLimitPerIndex
        self.maxFailedIndexes = maxFailedIndexes
        self.selector = selector
        self.manualSelector = manualSelector
        self.template = template
        self.ttlSecondsAfterFinished = ttlSecondsAfterFinished
        self.completionMode = completionMode
        self.suspend = suspend
        self.podReplacementPolicy = podReplacementPolicy
        self.managedBy = managedBy
    }
}

/// batch/v1 JobStatus.
public struct JobStatus: Codable, Sendable, Equatable {
    public var conditions: [JobCondition]?
    public var startTime: Time?
    public var completionTime: Time?
    public var active: Int32?
    public var succeeded: Int32?
    public var failed: Int32?
    public var terminating: Int32?
    public var completedIndexes: String?
    public var failedIndexes: String?
    public var uncountedTerminatedPods: UncountedTerminatedPods?
    public var ready: Int32?

    public init(conditions: [JobCondition]? = nil, startTime: Time? = nil, completionTime: Time? = nil, active: Int32? = nil,
                succeeded: Int32? = nil, failed: Int32? = nil, terminating: Int32? = nil, completedIndexes: String? = nil,
                failedIndexes: String? = nil, uncountedTerminatedPods: UncountedTerminatedPods? = nil, ready: Int32? = nil) {
        self.conditions = conditions
        self.startTime = startTime
        self.completionTime = completionTime
        self.active = active
        self.succeeded = succeeded
        self.failed = failed
        self.terminating = terminating
        self.completedIndexes = completedIndexes
        self.failedIndexes = failedIndexes
        self.uncountedTerminatedPods = uncountedTerminatedPods
        self.ready = ready
    }

    /// Whether the condition of `type` is True.
    public func hasCondition(_ type: String) -> Bool {
        conditions?.contains { $0.type == type && $0.status == "True" } ?? false
    }
}

/// batch/v1 JobCondition ("Complete", "Failed", "Suspended", "FailureTarget", "SuccessCriteriaMet").
public struct JobCondition: Codable, Sendable, Equatable {
    public var type: String
    public var status: String
    public var lastProbeTime: Time?
    public var lastTransitionTime: Time?
    public var reason: String?
    public var message: String?

    public init(type: String, status: String, lastProbeTime: Time? = nil, lastTransitionTime: Time? = nil,
                reason: String? = nil, message: String? = nil) {
        self.type = type
        self.status = status
        self.lastProbeTime = lastProbeTime
        self.lastTransitionTime = lastTransitionTime
        self.reason = reason
        self.message = message
    }
}

/// batch/v1 UncountedTerminatedPods: finished Pods (by UID) not yet counted in the status.
public struct UncountedTerminatedPods: Codable, Sendable, Equatable {
    public var succeeded: [String]?
    public var failed: [String]?

    public init(succeeded: [String]? = nil, failed: [String]? = nil) {
        self.succeeded = succeeded
        self.failed = failed
    }
}
