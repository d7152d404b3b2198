import BallastAPI
public import BallastClient
import Foundation

/// One reconcile of one Job (syncJob, manageJob and trackJobStatusAndRemoveFinalizers
/// upstream).
extension JobController {
    /// What one pass learned and decided.
    struct Pass {
        /// The status as the pass found it.
        var base: JobStatus?
        var job: Job
        var pods: [Pod]
        var active: [Pod]
        var succeeded: Int32
        var failed: Int32
        /// The condition the Job is heading for (FailureTarget/SuccessCriteriaMet first).
        var finished: JobCondition?
        var terminating: Int32
        var ready: Int32
        var requeue: [Double] = []
    }

    /// One reconcile of the Job `key` ("namespace/name").
    public func sync(_ key: String) async throws -> Workers.Outcome {
        guard let cached = jobs.get(key: key) else {
            expectations.forget(key)
            return .done
        }
        let job = newest(cached)
        pruneFinalizerRemovals(key, namespace: job.namespace)
        if let manager = job.spec?.managedBy, manager != "kubernetes.io/job-controller" { return .done }
        if JobConditions.isFinished(job) { return try await finishedJob(job) }
        if job.spec?.completionMode == "Indexed" { return .done }

        let now = clock.now()
        let time = clock.time()
        let satisfied = expectations.satisfied(key) { name in
            let pod = pods.get(namespace: job.namespace, name: name)
            return (pod != nil, pod?.metadata.isDeleting ?? false)
        }
        let selector = job.spec?.selector
        let candidates = pods.list().filter { $0.namespace == job.namespace }
        let owned = try await ControllerRefManager<Job, Pod>(client: client, owner: job) {
            LabelSelector.matches(selector, $0.metadata.labels)
        }.claim(candidates)

        var status = job.status ?? JobStatus()
        let uncounted = status.uncountedTerminatedPods ?? UncountedTerminatedPods()
        let uncountedSucceeded = Set(uncounted.succeeded ?? [])
        let uncountedFailed = Set(uncounted.failed ?? [])
        let fresh = owned.filter { JobPods.hasTrackingFinalizer($0) && !finalizerRemovalPending(key, $0) }
        let newSucceeded = fresh.filter { $0.status?.phase == Pod.Phase.succeeded && !uncountedSucceeded.contains($0.uid) }
        let newFailed = fresh.filter { JobPods.isFailed($0, job: job) && !uncountedFailed.contains($0.uid) && !uncountedSucceeded.contains($0.uid) }
        let active = owned.filter(\.isActive)
        if status.startTime == nil, job.spec?.suspend != true { status.startTime = time }
        var working = job
        working.status = status
        var pass = Pass(base: job.status, job: working, pods: owned, active: active,
                        succeeded: (status.succeeded ?? 0) + Int32(newSucceeded.count + uncountedSucceeded.count),
                        failed: (status.failed ?? 0) + Int32(newFailed.count + uncountedFailed.count),
                        finished: JobConditions.condition(job, JobConditions.successCriteriaMet),
                        terminating: Int32(owned.filter(JobPods.isTerminating).count),
                        ready: Int32(active.filter(\.isReady).count))

        if pass.finished == nil, let target = JobConditions.condition(job, JobConditions.failureTarget) {
            pass.finished = JobConditions.make(JobConditions.failed, reason: target.reason ?? "", message: target.message ?? "", now: time)
        }
        if pass.finished == nil {
            let limit = job.spec?.backoffLimit ?? 6
            if pass.failed > limit || JobPods.pastBackoffLimitOnFailure(job, pods: owned) {
                pass.finished = JobConditions.make(JobConditions.failureTarget, reason: JobConditions.Reason.backoffLimitExceeded,
                                                   message: "Job has reached the specified backoff limit", now: time)
            } else if let deadline = activeDeadline(working) {
                if now >= deadline {
                    pass.finished = JobConditions.make(JobConditions.failureTarget, reason: JobConditions.Reason.deadlineExceeded,
                                                       message: "Job was active longer than specified deadline", now: time)
                } else {
                    pass.requeue.append(clock.realDelay(until: deadline))
                }
            }
        }

        var manageError: ClientError?
        var activeCount = Int32(active.count)
        if pass.finished != nil {
            // A failing Job stops its remaining Pods; it finishes once they are gone.
            let deleted = await deletePods(active, key: key, job: job)
            if Int32(deleted.count) != activeCount || !satisfied { pass.finished = nil }
            activeCount -= Int32(deleted.count)
            pass.terminating += Int32(deleted.count)
            pass.ready -= deleted.readyCount
            manageError = deleted.error
        } else {
            if satisfied, !job.metadata.isDeleting {
                (activeCount, manageError) = await manageJob(&pass, key: key, now: now)
            }
            let complete = job.spec?.completions.map { pass.succeeded >= $0 && activeCount == 0 } ?? (pass.succeeded > 0 && activeCount == 0)
            if complete {
                pass.finished = JobConditions.make(JobConditions.successCriteriaMet, reason: JobConditions.Reason.completionsReached,
                                                   message: "Reached expected number of succeeded pods", now: time)
            } else if satisfied, !job.metadata.isDeleting {
                var conditions = pass.job.status?.conditions ?? []
                let suspended = job.spec?.suspend == true
                let changed = JobConditions.ensure(&conditions, JobConditions.suspended, status: suspended ? "True" : "False",
                                                   reason: suspended ? "JobSuspended" : "JobResumed",
                                                   message: suspended ? "Job suspended" : "Job resumed", now: time)
                if changed {
                    pass.job.status?.conditions = conditions
                    // A resumed Job's deadline counts from the resumption.
                    if !suspended { pass.job.status?.startTime = time }
                }
            }
        }
        pass.job.status?.active = activeCount
        pass.job.status?.ready = max(0, pass.ready)
        pass.job.status?.terminating = pass.terminating
        try await trackStatusAndRemoveFinalizers(&pass, time: time)
        if let manageError { throw manageError }
        if let delay = pass.requeue.min() { return .requeue(after: delay) }
        return .done
    }

    /// When activeDeadlineSeconds runs out, counted from status.startTime; nil while suspended.
    private func activeDeadline(_ job: Job) -> Date? {
        guard let seconds = job.spec?.activeDeadlineSeconds, job.spec?.suspend != true, let start = job.status?.startTime?.date else {
            return nil
        }
        return start.addingTimeInterval(Double(seconds))
    }

    /// manageJob: creates Pods up to what is wanted (after the failure back-off) or
    /// deletes the surplus. Returns the active count and the error that stopped it.
    private func manageJob(_ pass: inout Pass, key: String, now: Date) async -> (Int32, ClientError?) {
        let job = pass.job
        var active = Int32(pass.active.count)
        if job.spec?.suspend == true {
            let deleted = await deletePods(pass.active, key: key, job: job)
            pass.terminating += Int32(deleted.count)
            pass.ready -= deleted.readyCount
            return (active - Int32(deleted.count), deleted.error)
        }
        let parallelism = job.spec?.parallelism ?? 1
        let wanted: Int32
        if let completions = job.spec?.completions {
            wanted = max(0, min(completions - pass.succeeded, parallelism))
        } else {
            wanted = pass.succeeded > 0 ? active : parallelism
        }
        if active > wanted {
            let victims = Array(JobPods.removalOrder(pass.active, now: now).prefix(Int(min(active - wanted, Int32(ControllerSupport.burst)))))
            let deleted = await deletePods(victims, key: key, job: job)
            pass.terminating += Int32(deleted.count)
            pass.ready -= deleted.readyCount
            return (active - Int32(deleted.count), deleted.error)
        }
        let waiting = JobPods.onlyReplaceFailed(job) ? pass.terminating : 0
        let missing = wanted - waiting - active
        guard missing > 0 else { return (active, nil) }
        let remaining = JobPods.backoffRemaining(pass.pods, job: job, base: backoff.base, cap: backoff.cap, now: now)
        if remaining > 0 {
            pass.requeue.append(clock.realDelay(remaining))
            return (active, nil)
        }
        let names = (0..<Int(min(missing, Int32(ControllerSupport.burst)))).map { _ in PodFactory.randomName(prefix: job.name) }
        expectations.expectCreations(key, names: names)
        let (client, expectations, template, namespace) = (self.client, self.expectations, job.spec?.template, job.namespace)
        let reference = job.ownerReference(controller: true, blockOwnerDeletion: true)
        let result = await ControllerSupport.slowStart(names, skipped: { expectations.creationObserved(key, name: $0) }) { name throws(ClientError) in
            var pod = PodFactory.pod(from: template, name: name, namespace: namespace, owner: reference)
            pod.metadata.addFinalizer(JobPods.trackingFinalizer)
            do throws(ClientError) {
                _ = try await client.create(pod)
            } catch {
                expectations.creationObserved(key, name: name)
                if !error.isAlreadyExists { throw error }
            }
        }
        active += Int32(result.succeeded)
        return (active, result.error)
    }

    /// The Pods a deletion removed and the first error it met.
    struct Deletion {
        var pods: [Pod] = []
        var error: ClientError?
        var count: Int { pods.count }
        var readyCount: Int32 { Int32(pods.filter(\.isReady).count) }
    }

    /// Deletes Pods (deleteJobPods); a Pod deleted here counts as failed unless it succeeded.
    private func deletePods(_ victims: [Pod], key: String, job: Job) async -> Deletion {
        guard !victims.isEmpty else { return Deletion() }
        expectations.expectDeletions(key, names: victims.map(\.name))
        var deleted: [Pod] = []
        var firstError: ClientError?
        for pod in victims {
            do {
                try await client.delete(Pod.self, namespace: pod.namespace, name: pod.name, options: DeleteOptions(preconditions: .init(uid: pod.uid)))
                deleted.append(pod)
            } catch {
                if error.isNotFound {
                    deleted.append(pod)
                } else {
                    expectations.deletionObserved(key, name: pod.name)
                    if firstError == nil { firstError = error }
                }
            }
        }
        return Deletion(pods: deleted, error: firstError)
    }
}
