import BallastAPI
public import BallastClient
import Foundation

/// Creates Jobs on CronJob schedules, as Kubernetes' CronJob controller (v2) does: the
/// most recent missed start runs (unless it is older than startingDeadlineSeconds, or more
/// than 100 were missed, which is reported instead), Jobs are named
/// `<cronjob>-<scheduled minutes since the epoch>` so a retry never makes two,
/// concurrencyPolicy Allow/Forbid/Replace, suspend, spec.timeZone, the history limits for
/// finished Jobs, and status.active/lastScheduleTime/lastSuccessfulTime.
///
/// Time comes from the injected clock, and so does the wait until the next start, so a
/// test can run minutes in seconds.
///
/// `run()` holds the informers and the queue; `sync(_:)` is one reconcile of one key.
public final class CronJobController: Sendable {
    static let scheduledTimestampAnnotation = "batch.kubernetes.io/cronjob-scheduled-timestamp"

    let client: KubeClient
    let clock: ControllerClock
    let cronJobs: Informer<CronJob>
    let jobs: Informer<Job>
    private let queue = WorkQueue()

    /// - Parameters:
    ///   - client: the API client the controller reads and writes with.
    ///   - clock: the time schedules are evaluated at, and how fast it runs.
    public init(client: KubeClient, clock: ControllerClock = .system) {
        self.client = client
        self.clock = clock
        cronJobs = Informer<CronJob>(client: client)
        jobs = Informer<Job>(client: client)
    }

    /// Watches CronJobs and Jobs and reconciles until cancelled.
    public func run() async {
        cronJobs.addHandler { [queue] event in
            switch event {
            case .added(let cronJob), .updated(_, let cronJob), .deleted(let cronJob): queue.add(cronJob.queueKey)
            }
        }
        jobs.addHandler { [weak self] event in
            guard let self else { return }
            let job: Job
            switch event {
            case .added(let added): job = added
            case .updated(_, let new): job = new
            case .deleted(let deleted): job = deleted
            }
            if let reference = job.metadata.controllerReference, reference.kind == CronJob.gvk.kind, reference.apiVersion == CronJob.gvk.apiVersion {
                self.queue.add(reference.key(in: job.namespace))
            }
        }
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.cronJobs.run() }
            group.addTask { await self.jobs.run() }
            group.addTask {
                guard await ControllerSupport.waitForSync([{ self.cronJobs.hasSynced }, { self.jobs.hasSynced }]) else { return }
                await Workers.run(self.queue, count: 2) { key in try await self.sync(key) }
            }
        }
    }

    /// One reconcile of the CronJob `key` ("namespace/name").
    public func sync(_ key: String) async throws -> Workers.Outcome {
        guard var cronJob = cronJobs.get(key: key) else { return .done }
        let owned = jobs.list().filter { $0.namespace == cronJob.namespace && $0.isControlled(by: cronJob.uid) }
        let listed = Set((cronJob.status?.active ?? []).compactMap(\.uid))
        if owned.contains(where: { !listed.contains($0.uid) && !JobConditions.isFinished($0) }) {
            // An unfinished Job of ours that status.active lacks: the cached CronJob may be
            // older than the Job cache (its status write not seen yet). Read it again, as
            // upstream does, so Forbid and Replace see that Job.
            guard let fresh = try await client.getIfPresent(CronJob.self, namespace: cronJob.namespace, name: cronJob.name),
                fresh.uid == cronJob.uid
            else { return .done }
            cronJob = fresh
        }
        var status = cronJob.status ?? CronJobStatus()
        try await reconcileActive(cronJob, owned: owned, status: &status)
        var outcome = Workers.Outcome.done
        if !cronJob.metadata.isDeleting {
            outcome = try await schedule(cronJob, owned: owned, status: &status)
            try await cleanUpFinished(cronJob, owned: owned, status: &status)
        }
        if status != cronJob.status {
            var updated = cronJob
            updated.status = status
            _ = try await client.updateStatus(updated)
        }
        return outcome
    }

    /// Drops finished and vanished Jobs from status.active and records the latest success.
    private func reconcileActive(_ cronJob: CronJob, owned: [Job], status: inout CronJobStatus) async throws {
        var active = status.active ?? []
        for job in owned {
            let listed = active.contains { $0.uid == job.uid }
            if listed, JobConditions.isFinished(job) { active.removeAll { $0.uid == job.uid } }
            if JobConditions.condition(job, JobConditions.complete) != nil, let completed = job.status?.completionTime {
                if status.lastSuccessfulTime.map({ completed > $0 }) ?? true { status.lastSuccessfulTime = completed }
            }
        }
        let ownedUIDs = Set(owned.map(\.uid))
        for reference in active where !ownedUIDs.contains(reference.uid ?? "") {
            // Not in the cache: ask before forgetting it, the cache may lag.
            let found = try await client.getIfPresent(Job.self, namespace: cronJob.namespace, name: reference.name ?? "")
            if found?.uid != reference.uid { active.removeAll { $0.uid == reference.uid } }
        }
        status.active = active.isEmpty ? nil : active
    }

    /// Starts the Job of the most recent due time, if one is due; returns when to look again.
    private func schedule(_ cronJob: CronJob, owned: [Job], status: inout CronJobStatus) async throws -> Workers.Outcome {
        guard cronJob.spec?.suspend != true else { return .done }
        var zone = TimeZone.current
        if let name = cronJob.spec?.timeZone {
            guard let found = CronSchedule.zone(named: name) else { return .done }
            zone = found
        }
        guard let expression = cronJob.spec?.schedule, let schedule = try? CronSchedule(parsing: expression) else { return .done }
        let now = clock.now()
        var current = cronJob
        current.status = status
        let next: Workers.Outcome = CronJobTimes.untilNext(current, now: now, schedule: schedule, zone: zone)
            .map { .requeue(after: clock.realDelay($0)) } ?? .done
        // More than CronJobTimes.manyMissed missed starts are counted roughly, not listed;
        // the most recent one still runs, as upstream.
        guard let recent = CronJobTimes.mostRecent(current, now: now, schedule: schedule, zone: zone, includeDeadline: true),
            let scheduled = recent.mostRecent
        else { return next }
        if let deadline = cronJob.spec?.startingDeadlineSeconds, scheduled.addingTimeInterval(Double(deadline)) < now { return next }
        let name = CronJobTimes.jobName(cronJob, scheduled: scheduled)
        if (status.active ?? []).contains(where: { $0.name == name }) || status.lastScheduleTime?.date == scheduled { return next }
        switch cronJob.spec?.concurrencyPolicy ?? "Allow" {
        case "Forbid" where !(status.active ?? []).isEmpty:
            return next
        case "Replace":
            for reference in status.active ?? [] {
                do {
                    try await client.delete(Job.self, namespace: cronJob.namespace, name: reference.name ?? "",
                                            options: DeleteOptions(propagationPolicy: "Background", preconditions: .init(uid: reference.uid)))
                } catch {
                    guard error.isGoneOrChanged else { throw error }
                }
            }
            status.active = nil
        default:
            break
        }
        let job: Job
        do {
            job = try await client.create(Self.job(for: cronJob, name: name, scheduled: scheduled, zone: zone))
        } catch {
            guard error.isAlreadyExists else { throw error }
            // Made by an earlier pass whose status write was lost: adopt that start.
            guard let existing = try await client.getIfPresent(Job.self, namespace: cronJob.namespace, name: name),
                existing.isControlled(by: cronJob.uid)
            else { throw error }
            job = existing
        }
        if !JobConditions.isFinished(job), !(status.active ?? []).contains(where: { $0.uid == job.uid }) {
            status.active = (status.active ?? []) + [ObjectReference(kind: Job.gvk.kind, namespace: job.namespace, name: job.name, uid: job.uid,
                                                                     apiVersion: Job.gvk.apiVersion, resourceVersion: job.metadata.resourceVersion)]
        }
        status.lastScheduleTime = Time(scheduled)
        return next
    }

    /// The Job for one start (getJobFromTemplate2): the template's labels, annotations and
    /// spec, the scheduled time as an annotation, controlled by the CronJob.
    static func job(for cronJob: CronJob, name: String, scheduled: Date, zone: TimeZone) -> Job {
        let template = cronJob.spec?.jobTemplate
        var metadata = ObjectMeta(name: name, namespace: cronJob.namespace, labels: template?.metadata?.labels,
                                  annotations: template?.metadata?.annotations,
                                  ownerReferences: [cronJob.ownerReference(controller: true, blockOwnerDeletion: true)])
        metadata.setAnnotation(scheduledTimestampAnnotation, CronJobTimes.timestamp(scheduled, zone: zone))
        return Job(metadata: metadata, spec: template?.spec)
    }

    /// Deletes the oldest finished Jobs beyond the history limits (cleanupFinishedJobs).
    private func cleanUpFinished(_ cronJob: CronJob, owned: [Job], status: inout CronJobStatus) async throws {
        let finished = owned.filter { JobConditions.isFinished($0) && !$0.metadata.isDeleting }
        let succeeded = finished.filter { JobConditions.condition($0, JobConditions.complete) != nil }
        let failed = finished.filter { JobConditions.condition($0, JobConditions.complete) == nil }
        for (jobs, limit) in [(succeeded, cronJob.spec?.successfulJobsHistoryLimit), (failed, cronJob.spec?.failedJobsHistoryLimit)] {
            guard let limit, jobs.count > Int(limit) else { continue }
            for job in jobs.sorted(by: Self.byStartTime).prefix(jobs.count - Int(limit)) {
                do {
                    try await client.delete(Job.self, namespace: job.namespace, name: job.name,
                                            options: DeleteOptions(propagationPolicy: "Background", preconditions: .init(uid: job.uid)))
                } catch {
                    guard error.isGoneOrChanged else { throw error }
                }
                let rest = (status.active ?? []).filter { $0.uid != job.uid }
                status.active = rest.isEmpty ? nil : rest
            }
        }
    }

    /// Earlier start first, Jobs not started last, names breaking ties (byJobStartTime).
    static func byStartTime(_ a: Job, _ b: Job) -> Bool {
        switch (a.status?.startTime, b.status?.startTime) {
        case (nil, .some): return false
        case (.some, nil): return true
        case let (x, y) where x == y: return a.name < b.name
        case let (.some(x), .some(y)): return x < y
        default: return a.name < b.name
        }
    }
}
