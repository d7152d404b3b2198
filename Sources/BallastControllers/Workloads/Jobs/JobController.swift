import BallastAPI
public import BallastClient
import Foundation
import Synchronization

/// Runs Jobs to completion, as Kubernetes' Job controller (and its TTL-after-finished
/// controller) do: up to `parallelism` Pods at a time until `completions` succeed; failed
/// Pods are replaced after an exponential back-off until more than `backoffLimit` have
/// failed (container restarts count when restartPolicy is OnFailure);
/// `activeDeadlineSeconds` ends the Job; Pods are counted through the
/// `batch.kubernetes.io/job-tracking` finalizer and `status.uncountedTerminatedPods`, so
/// none is counted twice or lost; the Job ends with SuccessCriteriaMet then Complete, or
/// FailureTarget then Failed (reason BackoffLimitExceeded or DeadlineExceeded), as 1.32
/// does; `ttlSecondsAfterFinished` deletes it afterwards.
///
/// NonIndexed Jobs only; an Indexed Job is left alone (see the report of issue 6).
///
/// `run()` holds the informers and the queue; `sync(_:)` is one reconcile of one key.
public final class JobController: Sendable {
    /// The pod failure back-off: the first delay and the longest.
    public struct Backoff: Sendable {
        public var base: Double
        public var cap: Double

        /// - Parameters:
        ///   - base: seconds after the first failure (upstream: 10).
        ///   - cap: the longest delay in seconds (upstream: 360).
        public init(base: Double = 10, cap: Double = 360) {
            self.base = base
            self.cap = cap
        }
    }

    static let orphanPrefix = "pod:"

    let client: KubeClient
    let clock: ControllerClock
    let backoff: Backoff
    let jobs: Informer<Job>
    let pods: Informer<Pod>
    let queue = WorkQueue()
    let expectations = Expectations()
    /// Pods (by uid, per Job key) whose finalizer this controller removed and the cache
    /// may still show: they are already counted (finalizerExpectations upstream).
    private let finalizerRemovals = Mutex<[String: Set<String>]>([:])
    /// The last status each Job got from this controller, newer than the cache for a moment.
    private let written = Mutex<[String: Job]>([:])

    /// - Parameters:
    ///   - client: the API client the controller reads and writes with.
    ///   - clock: the time deadlines, back-off and TTLs are measured with.
    ///   - backoff: the delays between replacements of failed Pods.
    public init(client: KubeClient, clock: ControllerClock = .system, backoff: Backoff = Backoff()) {
        self.client = client
        self.clock = clock
        self.backoff = backoff
        jobs = Informer<Job>(client: client)
        pods = Informer<Pod>(client: client)
    }

    /// Watches Jobs and Pods and reconciles until cancelled.
    public func run() async {
        jobs.addHandler { [queue, expectations] event in
            switch event {
            case .added(let job), .updated(_, let job): queue.add(job.queueKey)
            case .deleted(let job):
                expectations.forget(job.queueKey)
                queue.add(job.queueKey)
            }
        }
        pods.addHandler { [weak self] event in self?.podChanged(event) }
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.jobs.run() }
            group.addTask { await self.pods.run() }
            group.addTask {
                guard await ControllerSupport.waitForSync([{ self.jobs.hasSynced }, { self.pods.hasSynced }]) else { return }
                await Workers.run(self.queue, count: 2) { key in
                    if key.hasPrefix(Self.orphanPrefix) { return try await self.releaseOrphan(String(key.dropFirst(Self.orphanPrefix.count))) }
                    return try await self.sync(key)
                }
            }
        }
    }

    private func podChanged(_ event: InformerEvent<Pod>) {
        let pod: Pod
        switch event {
        case .added(let added):
            pod = added
            if let owner = controllingJob(of: pod) {
                if pod.metadata.isDeleting { expectations.deletionObserved(owner, name: pod.name) } else { expectations.creationObserved(owner, name: pod.name) }
            }
        case .updated(let old, let new):
            pod = new
            if let owner = controllingJob(of: old), owner != controllingJob(of: new) { queue.add(owner) }
            if let owner = controllingJob(of: new), new.metadata.isDeleting { expectations.deletionObserved(owner, name: new.name) }
        case .deleted(let deleted):
            pod = deleted
            if let owner = controllingJob(of: pod) { expectations.deletionObserved(owner, name: pod.name) }
        }
        if let owner = controllingJob(of: pod) {
            queue.add(owner)
        } else if JobPods.hasTrackingFinalizer(pod) {
            queue.add(Self.orphanPrefix + pod.queueKey)
        } else if case .deleted = event {
            return
        } else {
            for job in jobs.list() where job.namespace == pod.namespace && LabelSelector.matches(job.spec?.selector, pod.metadata.labels) {
                queue.add(job.queueKey)
            }
        }
    }

    private func controllingJob(of pod: Pod) -> String? {
        guard let reference = pod.metadata.controllerReference, reference.kind == Job.gvk.kind, reference.apiVersion == Job.gvk.apiVersion else {
            return nil
        }
        let key = reference.key(in: pod.namespace)
        return jobs.get(key: key)?.uid == reference.uid ? key : nil
    }

    /// Removes the tracking finalizer from a Pod whose Job is gone or finished
    /// (syncOrphanPod), so deleting a Job never leaves its Pods stuck.
    func releaseOrphan(_ podKey: String) async throws -> Workers.Outcome {
        guard let pod = pods.get(key: podKey), JobPods.hasTrackingFinalizer(pod) else { return .done }
        if let reference = pod.metadata.controllerReference {
            guard reference.kind == Job.gvk.kind, reference.apiVersion == Job.gvk.apiVersion else { return .done }
            if let job = try await client.getIfPresent(Job.self, namespace: pod.namespace, name: reference.name), job.uid == reference.uid,
                !JobConditions.isFinished(job) {
                return .done
            }
        }
        try await removeTrackingFinalizer(pod)
        return .done
    }

    /// The Job as last written by this controller if the cache has not caught up yet.
    func newest(_ cached: Job) -> Job {
        written.withLock { all in
            guard let mine = all[cached.queueKey], mine.uid == cached.uid,
                let ours = Int64(mine.metadata.resourceVersion ?? ""), let theirs = Int64(cached.metadata.resourceVersion ?? ""), ours > theirs
            else {
                all[cached.queueKey] = nil
                return cached
            }
            return mine
        }
    }

    /// Writes a Job's status and remembers the result.
    func writeStatus(_ job: Job) async throws(ClientError) -> Job {
        let updated = try await client.updateStatus(job)
        written.withLock { $0[updated.queueKey] = updated }
        return updated
    }

    func expectFinalizerRemoval(_ key: String, _ pod: Pod) {
        finalizerRemovals.withLock { _ = $0[key, default: []].insert(pod.uid) }
    }

    func finalizerRemovalObserved(_ key: String, uid: String) {
        finalizerRemovals.withLock { _ = $0[key]?.remove(uid) }
    }

    /// Whether the cache still shows a finalizer this controller already removed.
    func finalizerRemovalPending(_ key: String, _ pod: Pod) -> Bool {
        finalizerRemovals.withLock { $0[key]?.contains(pod.uid) ?? false }
    }

    /// Drops removals the cache now shows (the Pod lost its finalizer or is gone).
    func pruneFinalizerRemovals(_ key: String, namespace: String) {
        let stillHeld = Set(pods.list().filter { $0.namespace == namespace && JobPods.hasTrackingFinalizer($0) }.map(\.uid))
        finalizerRemovals.withLock { all in
            guard let pending = all[key] else { return }
            let rest = pending.intersection(stillHeld)
            all[key] = rest.isEmpty ? nil : rest
        }
    }

    /// A merge patch of the finalizers without the tracking one, conditional on the Pod.
    func removeTrackingFinalizer(_ pod: Pod) async throws(ClientError) {
        let rest = (pod.metadata.finalizers ?? []).filter { $0 != JobPods.trackingFinalizer }
        let patch: JSONValue = ["metadata": .object([
            "finalizers": rest.isEmpty ? .null : .array(rest.map { .string($0) }),
            "uid": .string(pod.uid),
        ])]
        do {
            _ = try await client.patch(Pod.self, namespace: pod.namespace, name: pod.name, patch: patch, as: .merge)
        } catch {
            guard error.isNotFound else { throw error }
        }
    }
}
