import BallastAPI
import Foundation

/// How the Job controller reads its Pods (job_controller.go and backoff_utils.go upstream).
enum JobPods {
    /// The finalizer that keeps a finished Pod until the Job has counted it.
    static let trackingFinalizer = "batch.kubernetes.io/job-tracking"

    static func hasTrackingFinalizer(_ pod: Pod) -> Bool { pod.metadata.hasFinalizer(trackingFinalizer) }

    /// Whether the Job should replace only Failed Pods, waiting for terminating ones.
    static func onlyReplaceFailed(_ job: Job) -> Bool { job.spec?.podReplacementPolicy == "Failed" }

    /// isPodFailed: Failed, or (unless only Failed Pods count) deleted before succeeding, so
    /// Pods that vanish with their node still count as failures.
    static func isFailed(_ pod: Pod, job: Job) -> Bool {
        if pod.status?.phase == Pod.Phase.failed { return true }
        if onlyReplaceFailed(job) { return false }
        return pod.metadata.isDeleting && pod.status?.phase != Pod.Phase.succeeded
    }

    /// Deleted but not finished.
    static func isTerminating(_ pod: Pod) -> Bool { pod.metadata.isDeleting && !pod.isTerminal }

    /// When a Pod finished: its containers' last finish, else when it stopped being Ready,
    /// else its deletion; nil when none is known (getFinishedTime).
    static func finishTime(_ pod: Pod) -> Date? {
        let containers = (pod.status?.initContainerStatuses ?? []) + (pod.status?.containerStatuses ?? [])
        if let last = containers.compactMap({ $0.state?.terminated?.finishedAt?.date }).max() { return last }
        if let ready = pod.status?.condition("Ready"), ready.status == "False", let time = ready.lastTransitionTime?.date { return time }
        return pod.metadata.deletionTimestamp?.date
    }

    /// The restarts of the containers of running and pending Pods (pastBackoffLimitOnFailure):
    /// with restartPolicy OnFailure the node restarts containers instead of failing Pods, and
    /// these restarts count toward backoffLimit.
    static func pastBackoffLimitOnFailure(_ job: Job, pods: [Pod]) -> Bool {
        guard job.spec?.template?.spec?.restartPolicy == "OnFailure" else { return false }
        let restarts = pods.filter { $0.status?.phase == Pod.Phase.running || $0.status?.phase == Pod.Phase.pending }
            .reduce(Int32(0)) { $0 + $1.totalRestarts }
        let limit = job.spec?.backoffLimit ?? 6
        return limit == 0 ? restarts > 0 : restarts >= limit
    }

    /// The delay before the next Pod may be created after failures (the pod failure
    /// back-off): `base × 2^(failures since the last success − 1)`, capped, counted from
    /// the last failure. Read from the Pods, so it survives restarts of the controller.
    static func backoffRemaining(_ pods: [Pod], job: Job, base: Double, cap: Double, now: Date) -> Double {
        let lastSuccess = pods.filter { $0.status?.phase == Pod.Phase.succeeded }.compactMap(finishTime).max()
        let failures = pods.filter { isFailed($0, job: job) }.map { finishTime($0) ?? now }
            .filter { failure in lastSuccess.map { failure > $0 } ?? true }
        guard let lastFailure = failures.max(), !failures.isEmpty else { return 0 }
        let delay = min(cap, base * pow(2, Double(failures.count - 1)))
        return max(0, delay - now.timeIntervalSince(lastFailure))
    }

    /// The order in which surplus active Pods go: not-ready and newer first
    /// (activePodsForRemoval sorts with controller.ActivePods).
    static func removalOrder(_ pods: [Pod], now: Date) -> [Pod] {
        pods.sorted { PodDeletionOrder.deletesFirst($0, rank: 0, before: $1, rank: 0, now: now) }
    }
}
