import BallastAPI
import BallastClient
import BallastControllers
import BallastTesting
import Foundation
import Testing

/// The Job controller against a real API server; a pod status driver plays the node agent
/// and decides how each Pod ends.
@Suite struct JobControllerTests {
    /// Short back-off so failure tests take seconds, not minutes.
    private static let controllers: @Sendable (KubeClient) -> [@Sendable () async -> Void] = { client in
        [{ await JobController(client: client, backoff: JobController.Backoff(base: 0.2, cap: 1)).run() }]
    }

    private func job(_ name: String, completions: Int32? = 1, parallelism: Int32? = 1, backoffLimit: Int32? = nil) -> Job {
        Job(metadata: ObjectMeta(name: name, namespace: "default"),
            spec: JobSpec(parallelism: parallelism, completions: completions, backoffLimit: backoffLimit,
                          template: podTemplate([:], image: "perl", restartPolicy: "Never")))
    }

    private func get(_ client: KubeClient, _ name: String) async throws -> Job {
        try await client.get(Job.self, namespace: "default", name: name)
    }

    private func condition(_ job: Job, _ type: String) -> JobCondition? {
        job.status?.conditions?.first { $0.type == type && $0.status == "True" }
    }

    @Test func completesFiveWithAtMostTwoAtOnce() async throws {
        let most = Locked(0)
        try await InProcessServer.withWorkloads(driver: { pod in
            // Each Pod runs for a moment, then exits 0.
            pod.status?.phase == Pod.Phase.running ? .succeed : .runReady
        }, Self.controllers) { cluster in
            let client = cluster.client
            let created = try await client.create(job("pi", completions: 5, parallelism: 2))
            let watcher = Task {
                while !Task.isCancelled {
                    if let active = try? await client.activePods("job-name=pi") { most.withLock { $0 = max($0, active.count) } }
                    try? await Task.sleep(nanoseconds: 10_000_000)
                }
            }
            #expect(try await InProcessServer.soon { condition(try await get(client, "pi"), "Complete") != nil })
            watcher.cancel()
            let finished = try await get(client, "pi")
            #expect(finished.status?.succeeded == 5 && finished.status?.failed ?? 0 == 0 && finished.status?.active == 0)
            #expect(finished.status?.completionTime != nil && finished.status?.startTime != nil)
            #expect(finished.status?.uncountedTerminatedPods?.succeeded ?? [] == [])
            // 1.32 records SuccessCriteriaMet before Complete.
            #expect(condition(finished, "SuccessCriteriaMet")?.reason == "CompletionsReached")
            #expect(condition(finished, "Complete")?.reason == "CompletionsReached")
            let pods = try await client.pods("batch.kubernetes.io/controller-uid=\(created.uid)")
            #expect(pods.count == 5)
            for pod in pods {
                #expect(pod.metadata.labels?["job-name"] == "pi" && pod.metadata.labels?["controller-uid"] == created.uid)
                #expect(pod.status?.phase == Pod.Phase.succeeded)
                // Counted, so the tracking finalizer is gone.
                #expect(pod.metadata.finalizers == nil)
            }
        }
        #expect(most.value <= 2)
    }

    @Test func aFailingJobStopsAfterItsBackoffLimit() async throws {
        try await InProcessServer.withWorkloads(driver: { _ in .fail(exitCode: 1) }, Self.controllers) { cluster in
            let client = cluster.client
            let created = try await client.create(job("doomed", backoffLimit: 2))
            #expect(try await InProcessServer.soon { condition(try await get(client, "doomed"), "Failed") != nil })
            let failed = try await get(client, "doomed")
            #expect(condition(failed, "Failed")?.reason == "BackoffLimitExceeded")
            #expect(condition(failed, "Failed")?.message == "Job has reached the specified backoff limit")
            #expect(condition(failed, "FailureTarget")?.reason == "BackoffLimitExceeded")
            // backoffLimit 2 allows two retries: three Pods fail, and no fourth is made.
            #expect(failed.status?.failed == 3 && failed.status?.active == 0 && failed.status?.succeeded ?? 0 == 0)
            #expect(try await client.pods("batch.kubernetes.io/controller-uid=\(created.uid)").count == 3)
        }
    }

    @Test func activeDeadlineSecondsEndsTheJob() async throws {
        try await InProcessServer.withWorkloads(driver: { _ in .runReady }, Self.controllers) { cluster in
            let client = cluster.client
            var spec = job("slow")
            spec.spec?.activeDeadlineSeconds = 2
            let created = try await client.create(spec)
            #expect(try await InProcessServer.soon { condition(try await get(client, "slow"), "Failed") != nil })
            let failed = try await get(client, "slow")
            #expect(condition(failed, "Failed")?.reason == "DeadlineExceeded")
            #expect(try await client.activePods("batch.kubernetes.io/controller-uid=\(created.uid)").isEmpty)
            #expect(failed.status?.failed == 1 && failed.status?.active == 0)
        }
    }

    @Test func ttlSecondsAfterFinishedDeletesTheJob() async throws {
        try await InProcessServer.withWorkloads(driver: { _ in .succeed }, Self.controllers) { cluster in
            let client = cluster.client
            var spec = job("short-lived")
            spec.spec?.ttlSecondsAfterFinished = 1
            _ = try await client.create(spec)
            #expect(try await InProcessServer.soon {
                try await client.getIfPresent(Job.self, namespace: "default", name: "short-lived") == nil
            })
        }
    }

    @Test func deletingAJobReleasesItsTrackedPods() async throws {
        try await InProcessServer.withWorkloads(driver: { _ in .runReady }, Self.controllers) { cluster in
            let client = cluster.client
            let created = try await client.create(job("gone", completions: 2, parallelism: 2))
            #expect(try await InProcessServer.soon {
                try await client.activePods("batch.kubernetes.io/controller-uid=\(created.uid)").count == 2
            })
            try await client.delete(Job.self, namespace: "default", name: "gone", options: DeleteOptions(propagationPolicy: "Background"))
            // The finalizer would keep the Pods forever if nobody removed it.
            #expect(try await InProcessServer.soon {
                try await client.pods("batch.kubernetes.io/controller-uid=\(created.uid)").isEmpty
            })
        }
    }
}
