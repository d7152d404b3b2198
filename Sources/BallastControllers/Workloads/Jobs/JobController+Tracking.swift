import BallastAPI
import BallastClient
import Foundation

/// Counting finished Pods exactly once, and what happens after a Job finishes
/// (trackJobStatusAndRemoveFinalizers and the TTL-after-finished controller upstream).
///
/// A finished Pod is first recorded by uid in status.uncountedTerminatedPods, then its
/// tracking finalizer is removed, then it moves into status.succeeded or status.failed.
/// A crash between any two steps leaves a state the next pass completes without counting
/// the Pod twice.
extension JobController {
    func trackStatusAndRemoveFinalizers(_ pass: inout Pass, time: Time) async throws {
        let key = pass.job.queueKey
        var job = pass.job
        var status = job.status ?? JobStatus()
        var uncounted = status.uncountedTerminatedPods ?? UncountedTerminatedPods()
        let tracked = pass.pods.filter { JobPods.hasTrackingFinalizer($0) && !finalizerRemovalPending(key, $0) }
        var withFinalizer = Set(tracked.map(\.uid))
        Self.countUncounted(&status, &uncounted, withFinalizer: withFinalizer)

        var release: [Pod] = []
        for pod in tracked {
            let failed = JobPods.isFailed(pod, job: job)
            let succeeded = pod.status?.phase == Pod.Phase.succeeded
            guard job.metadata.isDeleting || pass.finished != nil || succeeded || failed else { continue }
            release.append(pod)
            if succeeded && !(uncounted.failed ?? []).contains(pod.uid) {
                if !(uncounted.succeeded ?? []).contains(pod.uid) { uncounted.succeeded = (uncounted.succeeded ?? []) + [pod.uid] }
            } else if failed || (pass.finished.map { $0.type != JobConditions.successCriteriaMet } ?? false) {
                // A Job that fails counts its unfinished Pods as failed.
                if !(uncounted.failed ?? []).contains(pod.uid) { uncounted.failed = (uncounted.failed ?? []) + [pod.uid] }
            }
        }
        status.uncountedTerminatedPods = uncounted
        var conditions = status.conditions ?? []
        if let finished = pass.finished, finished.type == JobConditions.failureTarget {
            if !conditions.contains(where: { $0.type == JobConditions.failureTarget }) { conditions.append(finished) }
            pass.finished = JobConditions.make(JobConditions.failed, reason: finished.reason ?? "", message: finished.message ?? "", now: time)
        }
        if let finished = pass.finished, finished.type == JobConditions.successCriteriaMet {
            if !conditions.contains(where: { $0.type == JobConditions.successCriteriaMet }) { conditions.append(finished) }
            pass.finished = JobConditions.make(JobConditions.complete, reason: finished.reason ?? "", message: finished.message ?? "", now: time)
        }
        status.conditions = conditions.isEmpty ? nil : conditions
        job.status = status
        // Record the uids before the finalizers go, so a crash cannot lose a Pod.
        if job.status != pass.base { job = try await writeStatus(job) }

        var firstError: ClientError?
        for pod in release {
            expectFinalizerRemoval(key, pod)
            do {
                try await removeTrackingFinalizer(pod)
                withFinalizer.remove(pod.uid)
            } catch {
                finalizerRemovalObserved(key, uid: pod.uid)
                if firstError == nil { firstError = error }
            }
        }
        status = job.status ?? JobStatus()
        uncounted = status.uncountedTerminatedPods ?? UncountedTerminatedPods()
        Self.countUncounted(&status, &uncounted, withFinalizer: withFinalizer)
        status.uncountedTerminatedPods = uncounted
        if let finished = pass.finished, (uncounted.succeeded ?? []).isEmpty, (uncounted.failed ?? []).isEmpty, pass.terminating == 0 {
            var conditions = status.conditions ?? []
            _ = JobConditions.ensure(&conditions, finished.type, status: "True", reason: finished.reason ?? "", message: finished.message ?? "",
                                     now: time)
            status.conditions = conditions
            if finished.type == JobConditions.complete { status.completionTime = time }
            if let ttl = job.spec?.ttlSecondsAfterFinished { pass.requeue.append(clock.realDelay(Double(ttl))) }
        }
        if status != job.status {
            job.status = status
            job = try await writeStatus(job)
        }
        pass.job = job
        if let firstError { throw firstError }
    }

    /// cleanUncountedPodsWithoutFinalizers: uids whose Pod no longer holds the finalizer
    /// (or is gone) move from the uncounted lists into the counters.
    static func countUncounted(_ status: inout JobStatus, _ uncounted: inout UncountedTerminatedPods, withFinalizer: Set<String>) {
        let succeeded = uncounted.succeeded ?? []
        let keptSucceeded = succeeded.filter { withFinalizer.contains($0) }
        status.succeeded = (status.succeeded ?? 0) + Int32(succeeded.count - keptSucceeded.count)
        uncounted.succeeded = keptSucceeded.isEmpty ? nil : keptSucceeded
        let failed = uncounted.failed ?? []
        let keptFailed = failed.filter { withFinalizer.contains($0) }
        status.failed = (status.failed ?? 0) + Int32(failed.count - keptFailed.count)
        uncounted.failed = keptFailed.isEmpty ? nil : keptFailed
    }

    /// A finished Job: release any Pod still holding the tracking finalizer, then delete the
    /// Job once ttlSecondsAfterFinished has passed (with foreground propagation, as the
    /// TTL-after-finished controller does).
    func finishedJob(_ job: Job) async throws -> Workers.Outcome {
        for pod in pods.list() where pod.namespace == job.namespace && pod.isControlled(by: job.uid) && JobPods.hasTrackingFinalizer(pod) {
            try await removeTrackingFinalizer(pod)
        }
        guard let ttl = job.spec?.ttlSecondsAfterFinished, let finished = JobConditions.finishTime(job), !job.metadata.isDeleting else {
            return .done
        }
        let due = finished.addingTimeInterval(Double(ttl))
        if clock.now() < due { return .requeue(after: clock.realDelay(until: due) + 0.05) }
        do {
            try await client.delete(Job.self, namespace: job.namespace, name: job.name,
                                    options: DeleteOptions(propagationPolicy: "Foreground", preconditions: .init(uid: job.uid)))
        } catch {
            guard error.isGoneOrChanged else { throw error }
        }
        return .done
    }
}
