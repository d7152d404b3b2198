/// batch/v1 CronJob: Jobs created on a schedule.
public struct CronJob: APIResource, HasSpec, HasStatus {
    public static let gvk = GroupVersionKind(group: "batch", version: "v1", kind: "CronJob")
    public static let resource = ResourceInfo(
        gvk: gvk, plural: "cronjobs", singular: "cronjob", shortNames: ["cj"], namespaced: true, categories: ["all"], hasStatus: true)

    public var apiVersion: String?
    public var kind: String?
    public var metadata: ObjectMeta
    public var spec: CronJobSpec?
    public var status: CronJobStatus?

    public init(apiVersion: String? = nil, kind: String? = nil, metadata: ObjectMeta = ObjectMeta(), spec: CronJobSpec? = nil,
                status: CronJobStatus? = nil) {
        self.apiVersion = apiVersion
        self.kind = kind
        self.metadata = metadata
        self.spec = spec
        self.status = status
    }
}

/// batch/v1 CronJobSpec.
public struct CronJobSpec: Codable, Sendable, Equatable {
    /// A five-field cron expression or a descriptor ("@hourly"); see `CronSchedule`.
    public var schedule: String?
    /// An IANA zone name ("Europe/Berlin"); nil means the controller's local zone.
    public var timeZone: String?
    public var startingDeadlineSeconds: Int64?
    /// "Allow", "Forbid" or "Replace".
    public var concurrencyPolicy: String?
    public var suspend: Bool?
    public var jobTemplate: JobTemplateSpec?
    public var successfulJobsHistoryLimit: Int32?
    public var failedJobsHistoryLimit: Int32?

    public init(schedule: String? = nil, timeZone: String? = nil, startingDeadlineSeconds: Int64? = nil,
                concurrencyPolicy: String? = nil, suspend: Bool? = nil, jobTemplate: JobTemplateSpec? = nil,
                successfulJobsHistoryLimit: Int32? = nil, failedJobsHistoryLimit: Int32? = nil) {
        self.schedule = schedule
        self.timeZone = timeZone
        self.startingDeadlineSeconds = startingDeadlineSeconds
        self.concurrencyPolicy = concurrencyPolicy
        self.suspend = suspend
        self.jobTemplate = jobTemplate
        self.successfulJobsHistoryLimit = successfulJobsHistoryLimit
        self.failedJobsHistoryLimit = failedJobsHistoryLimit
    }
}

/// batch/v1 JobTemplateSpec: the Job a CronJob creates.
public struct JobTemplateSpec: Codable, Sendable, Equatable {
    public var metadata: ObjectMeta?
    public var spec: JobSpec?

    public init(metadata: ObjectMeta? = nil, spec: JobSpec? = nil) {
        self.metadata = metadata
        self.spec = spec
    }
}

/// batch/v1 CronJobStatus.
public struct CronJobStatus: Codable, Sendable, Equatable {
    public var active: [ObjectReference]?
    public var lastScheduleTime: Time?
    public var lastSuccessfulTime: Time?

    public init(active: [ObjectReference]? = nil, lastScheduleTime: Time? = nil, lastSuccessfulTime: Time? = nil) {
        self.active = active
        self.lastScheduleTime = lastScheduleTime
        self.lastSuccessfulTime = lastSuccessfulTime
    }
}
