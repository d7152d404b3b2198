/// k8s.io/api/batch/v1/generated.proto: Job and CronJob. Pod failure and success
/// policies are not in the table (refused by number).
extension ProtobufSchema {
    static let batch: [ProtobufMessage] = [
        ProtobufMessage("Job", [
            1: .message("metadata", "ObjectMeta"),
            2: .message("spec", "JobSpec"),
            3: .message("status", "JobStatus"),
        ]),
        ProtobufMessage("JobSpec", [
            1: .int32("parallelism", pointer: true),
            2: .int32("completions", pointer: true),
            3: .int64("activeDeadlineSeconds", pointer: true),
            7: .int32("backoffLimit", pointer: true),
            12: .int32("backoffLimitPerIndex", pointer: true),
            13: .int32("maxFailedIndexes", pointer: true),
            4: .message("selector", "LabelSelector", pointer: true),
            5: .bool("manualSelector", pointer: true),
            6: .message("template", "PodTemplateSpec"),
            8: .int32("ttlSecondsAfterFinished", pointer: true),
            9: .string("completionMode", pointer: true),
            10: .bool("suspend", pointer: true),
            14: .string("podReplacementPolicy", pointer: true),
            15: .string("managedBy", pointer: true),
        ]),
        ProtobufMessage("JobStatus", [
            1: .messages("conditions", "JobCondition"),
            2: .time("startTime"),
            3: .time("completionTime"),
            4: .int32("active"),
            5: .int32("succeeded"),
            6: .int32("failed"),
            11: .int32("terminating", pointer: true),
            7: .string("completedIndexes"),
            10: .string("failedIndexes", pointer: true),
            8: .message("uncountedTerminatedPods", "UncountedTerminatedPods", pointer: true),
            9: .int32("ready", pointer: true),
        ]),
        ProtobufMessage("JobCondition", [
            1: .string("type"),
            2: .string("status"),
            3: .time("lastProbeTime"),
            4: .time("lastTransitionTime"),
            5: .string("reason"),
            6: .string("message"),
        ]),
        ProtobufMessage("UncountedTerminatedPods", [1: .strings("succeeded"), 2: .strings("failed")]),
        ProtobufMessage("CronJob", [
            1: .message("metadata", "ObjectMeta"),
            2: .message("spec", "CronJobSpec"),
            3: .message("status", "CronJobStatus"),
        ]),
        ProtobufMessage("CronJobSpec", [
            1: .string("schedule"),
            8: .string("timeZone", pointer: true),
            2: .int64("startingDeadlineSeconds", pointer: true),
            3: .string("concurrencyPolicy"),
            4: .bool("suspend", pointer: true),
            5: .message("jobTemplate", "JobTemplateSpec"),
            6: .int32("successfulJobsHistoryLimit", pointer: true),
            7: .int32("failedJobsHistoryLimit", pointer: true),
        ]),
        ProtobufMessage("JobTemplateSpec", [
            1: .message("metadata", "ObjectMeta"),
            2: .message("spec", "JobSpec"),
        ]),
        ProtobufMessage("CronJobStatus", [
            1: .messages("active", "ObjectReference"),
            4: .time("lastScheduleTime"),
            5: .time("lastSuccessfulTime"),
        ]),
    ]
}
