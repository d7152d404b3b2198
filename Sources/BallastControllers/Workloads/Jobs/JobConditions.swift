import BallastAPI
import Foundation

/// The Job conditions and reasons of 1.32 (batch/v1 types and job_controller.go).
enum JobConditions {
    static let complete = "Complete"
    static let failed = "Failed"
    static let suspended = "Suspended"
    static let failureTarget = "FailureTarget"
    static let successCriteriaMet = "SuccessCriteriaMet"

    enum Reason {
        static let backoffLimitExceeded = "BackoffLimitExceeded"
        static let deadlineExceeded = "DeadlineExceeded"
        static let completionsReached = "CompletionsReached"
    }

    static func make(_ type: String, reason: String, message: String, now: Time) -> JobCondition {
        JobCondition(type: type, status: "True", lastProbeTime: now, lastTransitionTime: now, reason: reason, message: message)
    }

    static func condition(_ job: Job, _ type: String) -> JobCondition? {
        job.status?.conditions?.first { $0.type == type && $0.status == "True" }
    }

    /// Complete or Failed is True (IsJobFinished).
    static func isFinished(_ job: Job) -> Bool { condition(job, complete) != nil || condition(job, failed) != nil }

    /// When the Job finished: its Complete or Failed condition's transition.
    static func finishTime(_ job: Job) -> Date? {
        (condition(job, complete) ?? condition(job, failed))?.lastTransitionTime?.date
    }

    /// ensureJobConditionStatus: sets a condition's status, moving the times only when it
    /// changes; an absent condition is only added when True. Returns whether it changed.
    static func ensure(_ conditions: inout [JobCondition], _ type: String, status: String, reason: String, message: String, now: Time) -> Bool {
        if let index = conditions.firstIndex(where: { $0.type == type }) {
            let current = conditions[index]
            if current.status == status && current.reason == reason && current.message == message { return false }
            var updated = current
            if current.status != status {
                updated.lastTransitionTime = now
            }
            updated.status = status
            updated.reason = reason
            updated.message = message
            updated.lastProbeTime = now
            conditions[index] = updated
            return true
        }
        guard status != "False" else { return false }
        conditions.append(JobCondition(type: type, status: status, lastProbeTime: now, lastTransitionTime: now, reason: reason, message: message))
        return true
    }
}
