import BallastAPI
import BallastClient
import Foundation

/// The Deployment's status and conditions (sync.go's calculateStatus and progress.go
/// upstream).
extension DeploymentController {
    /// The counts `kubectl rollout status` reads, and the Available condition.
    func calculateStatus(_ deployment: Deployment, all: [ReplicaSet], new: ReplicaSet?) -> DeploymentStatus {
        let available = DeploymentMath.availableReplicaCount(all)
        let total = DeploymentMath.replicaCount(all)
        var status = DeploymentStatus(
            observedGeneration: deployment.metadata.generation,
            replicas: DeploymentMath.actualReplicaCount(all),
            updatedReplicas: DeploymentMath.actualReplicaCount([new].compactMap { $0 }),
            readyReplicas: DeploymentMath.readyReplicaCount(all),
            availableReplicas: available,
            unavailableReplicas: max(0, total - available),
            conditions: deployment.status?.conditions,
            collisionCount: deployment.status?.collisionCount)
        let now = clock.time()
        if available >= DeploymentMath.replicas(deployment) - DeploymentMath.maxUnavailable(deployment) {
            DeploymentConditions.set(&status, DeploymentConditions.make(
                DeploymentConditions.available, "True", DeploymentConditions.Reason.minimumReplicasAvailable,
                "Deployment has minimum availability.", now: now))
        } else {
            DeploymentConditions.set(&status, DeploymentConditions.make(
                DeploymentConditions.available, "False", DeploymentConditions.Reason.minimumReplicasUnavailable,
                "Deployment does not have minimum availability.", now: now))
        }
        return status
    }

    /// syncDeploymentStatus: writes the counts when they changed.
    func syncStatus(_ deployment: inout Deployment, all: [ReplicaSet], new: ReplicaSet?) async throws {
        let status = calculateStatus(deployment, all: all, new: new)
        guard status != deployment.status else { return }
        deployment.status = status
        deployment = try await client.updateStatus(deployment)
    }

    /// syncRolloutStatus: the counts plus the Progressing condition (complete, progressing
    /// or past its deadline) and any ReplicaFailure of the sets; asks to be looked at again
    /// when the deadline could pass without any event.
    func syncRolloutStatus(_ deployment: inout Deployment, all: [ReplicaSet], new: ReplicaSet?) async throws -> Workers.Outcome {
        var status = calculateStatus(deployment, all: all, new: new)
        let now = clock.time()
        if !DeploymentConditions.hasProgressDeadline(deployment) { DeploymentConditions.remove(&status, DeploymentConditions.progressing) }
        let current = DeploymentConditions.condition(deployment.status, DeploymentConditions.progressing)
        let complete = status.replicas == status.updatedReplicas && current?.reason == DeploymentConditions.Reason.newReplicaSetAvailable
        if DeploymentConditions.hasProgressDeadline(deployment), !complete {
            let subject = new.map { "ReplicaSet \"\($0.name)\"" } ?? "Deployment \"\(deployment.name)\""
            if DeploymentMath.isComplete(deployment, status) {
                DeploymentConditions.set(&status, DeploymentConditions.make(
                    DeploymentConditions.progressing, "True", DeploymentConditions.Reason.newReplicaSetAvailable,
                    "\(subject) has successfully progressed.", now: now))
            } else if DeploymentMath.isProgressing(deployment, status) {
                var condition = DeploymentConditions.make(DeploymentConditions.progressing, "True",
                                                          DeploymentConditions.Reason.replicaSetUpdated, "\(subject) is progressing.", now: now)
                // Progress moves lastUpdateTime even when the reason stays the same.
                if let current {
                    if current.status == "True" { condition.lastTransitionTime = current.lastTransitionTime }
                    DeploymentConditions.remove(&status, DeploymentConditions.progressing)
                }
                DeploymentConditions.set(&status, condition)
            } else if DeploymentConditions.timedOut(deployment, status, now: now) {
                DeploymentConditions.set(&status, DeploymentConditions.make(
                    DeploymentConditions.progressing, "False", DeploymentConditions.Reason.timedOut,
                    "\(subject) has timed out progressing.", now: now))
            }
        }
        if let failure = replicaFailure(all: all, new: new) {
            DeploymentConditions.set(&status, failure)
        } else {
            DeploymentConditions.remove(&status, DeploymentConditions.replicaFailure)
        }
        if status == deployment.status { return requeueIfStuck(deployment, status) }
        deployment.status = status
        deployment = try await client.updateStatus(deployment)
        return requeueIfStuck(deployment, status)
    }

    /// The first ReplicaFailure among the sets, the new one first (getReplicaFailures).
    private func replicaFailure(all: [ReplicaSet], new: ReplicaSet?) -> DeploymentCondition? {
        let ordered = [new].compactMap { $0 } + all.filter { $0.uid != new?.uid }
        for set in ordered {
            if let condition = set.status?.conditions?.first(where: { $0.type == ReplicaSetStatusCalculator.replicaFailure && $0.status == "True" }) {
                return DeploymentCondition(type: DeploymentConditions.replicaFailure, status: condition.status,
                                           lastUpdateTime: condition.lastTransitionTime, lastTransitionTime: condition.lastTransitionTime,
                                           reason: condition.reason, message: condition.message)
            }
        }
        return nil
    }

    /// requeueStuckDeployment: a rollout that is neither complete nor timed out is checked
    /// again just after its deadline, since nothing else may happen until then.
    private func requeueIfStuck(_ deployment: Deployment, _ status: DeploymentStatus) -> Workers.Outcome {
        guard DeploymentConditions.hasProgressDeadline(deployment),
            let condition = DeploymentConditions.condition(deployment.status, DeploymentConditions.progressing),
            let seconds = deployment.spec?.progressDeadlineSeconds
        else { return .done }
        if DeploymentMath.isComplete(deployment, status) || condition.reason == DeploymentConditions.Reason.timedOut { return .done }
        let deadline = (condition.lastUpdateTime?.date ?? clock.now()).addingTimeInterval(Double(seconds))
        return .requeue(after: clock.realDelay(until: deadline) + 1 / clock.rate)
    }
}
