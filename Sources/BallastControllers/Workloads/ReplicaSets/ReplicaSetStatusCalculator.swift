import BallastAPI
import BallastClient
import Foundation

/// The status a ReplicaSet reports for the Pods it owns (calculateStatus upstream).
enum ReplicaSetStatusCalculator {
    static let replicaFailure = "ReplicaFailure"

    /// - Parameters:
    ///   - pods: the active Pods the set controls.
    ///   - failure: the error that stopped the last create or delete, if any; it becomes a
    ///     ReplicaFailure condition (FailedCreate/FailedDelete), removed once a pass succeeds.
    static func status(of set: ReplicaSet, pods: [Pod], failure: ClientError?, now: Date, time: Time) -> ReplicaSetStatus {
        var status = set.status ?? ReplicaSetStatus()
        let templateLabels = set.spec?.template?.metadata?.labels ?? [:]
        let minReady = set.spec?.minReadySeconds ?? 0
        var fullyLabeled: Int32 = 0
        var ready: Int32 = 0
        var available: Int32 = 0
        for pod in pods {
            let labels = pod.metadata.labels ?? [:]
            if templateLabels.allSatisfy({ labels[$0.key] == $0.value }) { fullyLabeled += 1 }
            if pod.isReady {
                ready += 1
                if pod.isAvailable(minReadySeconds: minReady, now: now) { available += 1 }
            }
        }
        var conditions = status.conditions ?? []
        let hasFailure = conditions.contains { $0.type == replicaFailure }
        if let failure, !hasFailure {
            let difference = pods.count - Int(set.spec?.replicas ?? 1)
            let reason = difference < 0 ? "FailedCreate" : (difference > 0 ? "FailedDelete" : "")
            conditions.append(ReplicaSetCondition(type: replicaFailure, status: "True", lastTransitionTime: time, reason: reason,
                                                  message: failure.message))
        } else if failure == nil, hasFailure {
            conditions.removeAll { $0.type == replicaFailure }
        }
        status.conditions = conditions.isEmpty ? nil : conditions
        status.replicas = Int32(pods.count)
        status.fullyLabeledReplicas = fullyLabeled
        status.readyReplicas = ready
        status.availableReplicas = available
        status.observedGeneration = set.metadata.generation
        return status
    }
}
