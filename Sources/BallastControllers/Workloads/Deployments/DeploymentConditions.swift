import BallastAPI
import Foundation

/// The Deployment conditions and their reasons (deploymentutil upstream), which
/// `kubectl rollout status` and `describe` read.
enum DeploymentConditions {
    static let available = "Available"
    static let progressing = "Progressing"
    static let replicaFailure = "ReplicaFailure"

    enum Reason {
        static let replicaSetUpdated = "ReplicaSetUpdated"
        static let failedCreate = "FailedRSCreate"
        static let newReplicaSetCreated = "NewReplicaSetCreated"
        static let foundNewReplicaSet = "FoundNewReplicaSet"
        static let newReplicaSetAvailable = "NewReplicaSetAvailable"
        static let timedOut = "ProgressDeadlineExceeded"
        static let paused = "DeploymentPaused"
        static let resumed = "DeploymentResumed"
        static let minimumReplicasAvailable = "MinimumReplicasAvailable"
        static let minimumReplicasUnavailable = "MinimumReplicasUnavailable"
    }

    static func condition(_ status: DeploymentStatus?, _ type: String) -> DeploymentCondition? {
        status?.conditions?.first { $0.type == type }
    }

    static func make(_ type: String, _ status: String, _ reason: String, _ message: String, now: Time) -> DeploymentCondition {
        DeploymentCondition(type: type, status: status, lastUpdateTime: now, lastTransitionTime: now, reason: reason, message: message)
    }

    /// SetDeploymentCondition: nothing changes when status and reason are the same; the
    /// transition time is kept when only the reason changes.
    static func set(_ status: inout DeploymentStatus, _ condition: DeploymentCondition) {
        var conditions = status.conditions ?? []
        var condition = condition
        if let current = conditions.first(where: { $0.type == condition.type }) {
            if current.status == condition.status && current.reason == condition.reason { return }
            if current.status == condition.status { condition.lastTransitionTime = current.lastTransitionTime }
        }
        conditions.removeAll { $0.type == condition.type }
        conditions.append(condition)
        status.conditions = conditions
    }

    static func remove(_ status: inout DeploymentStatus, _ type: String) {
        let rest = (status.conditions ?? []).filter { $0.type != type }
        status.conditions = rest.isEmpty ? nil : rest
    }

    /// Whether spec.progressDeadlineSeconds is set to something other than "never".
    static func hasProgressDeadline(_ deployment: Deployment) -> Bool {
        guard let seconds = deployment.spec?.progressDeadlineSeconds else { return false }
        return seconds != Int32.max
    }

    /// DeploymentTimedOut: the Progressing condition has not moved for longer than the deadline.
    static func timedOut(_ deployment: Deployment, _ status: DeploymentStatus, now: Time) -> Bool {
        guard hasProgressDeadline(deployment), let condition = condition(status, progressing) else { return false }
        if condition.reason == Reason.newReplicaSetAvailable { return false }
        if condition.reason == Reason.timedOut { return true }
        guard let from = condition.lastUpdateTime?.date, let seconds = deployment.spec?.progressDeadlineSeconds else { return false }
        return from.addingTimeInterval(Double(seconds)) < now.date
    }
}
