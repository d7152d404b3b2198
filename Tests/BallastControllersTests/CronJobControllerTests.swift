import BallastAPI
import BallastClient
import BallastControllers
import BallastTesting
import Foundation
import Testing

/// The CronJob controller with a fast clock (a minute in three seconds), the Job controller and a
/// pod status driver, against a real API server.
@Suite struct CronJobControllerTests {
    /// Starts half way through a minute and runs a minute in three seconds, so a start
    /// comes every three real seconds: slack enough that a busy machine does not miss one.
    private static func fastClock() -> ControllerClock {
        let now = Date().timeIntervalSince1970
        return .accelerated(from: Date(timeIntervalSince1970: (now / 60).rounded(.down) * 60 + 30), rate: 20)
    }

    private func cronJob(_ name: String, policy: String? = nil, succeeded: Int32? = nil, failed: Int32? = nil) -> CronJob {
        CronJob(metadata: ObjectMeta(name: name, namespace: "default"), spec: CronJobSpec(
            schedule: "*/1 * * * *", timeZone: "UTC", concurrencyPolicy: policy,
            jobTemplate: JobTemplateSpec(spec: JobSpec(template: podTemplate(["cron": name], image: "busybox", restartPolicy: "OnFailure"))),
            successfulJobsHistoryLimit: succeeded, failedJobsHistoryLimit: failed))
    }

    private func jobs(_ client: KubeClient, _ owner: CronJob) async throws -> [Job] {
        try await client.list(Job.self, namespace: "default").items.filter { $0.metadata.controllerReference?.uid == owner.uid }
    }

    @Test func createsOneJobPerMinuteAndKeepsTheHistoryLimits() async throws {
        let clock = Self.fastClock()
        let created = Locked<Set<String>>([])
        try await InProcessServer.withWorkloads(driver: { _ in .succeed }, { client in
            [{ await CronJobController(client: client, clock: clock).run() }, { await JobController(client: client).run() }]
        }) { cluster in
            let client = cluster.client
            let owner = try await client.create(cronJob("hello", succeeded: 2))
            let watcher = Task {
                while !Task.isCancelled {
                    if let names = try? await jobs(client, owner).map(\.name) { created.withLock { $0.formUnion(names) } }
                    try? await Task.sleep(nanoseconds: 50_000_000)
                }
            }
            #expect(await InProcessServer.soon { created.value.count >= 5 })
            watcher.cancel()
            // Each Job is named after its minute: <cronjob>-<minutes since the epoch>.
            let minutes = created.value.compactMap { Int64($0.dropFirst("hello-".count)) }.sorted()
            #expect(minutes.count == created.value.count)
            // Never two for one minute. (A controller that runs late skips to the most recent
            // missed minute, as upstream does, so on a busy machine a minute may be missing.)
            #expect(zip(minutes, minutes.dropFirst()).allSatisfy { $1 > $0 })
            #expect(minutes.count >= 5)
            // Only the two newest successful Jobs are kept.
            #expect(try await InProcessServer.soon {
                try await jobs(client, owner).filter { $0.status?.conditions?.contains { $0.type == "Complete" } == true }.count <= 2
            })
            let status = try await client.get(CronJob.self, namespace: "default", name: "hello").status
            #expect(status?.lastScheduleTime != nil && status?.lastSuccessfulTime != nil)
            let job = try #require(try await jobs(client, owner).first)
            #expect(job.metadata.annotations?["batch.kubernetes.io/cronjob-scheduled-timestamp"]?.hasSuffix("Z") == true)
        }
    }

    @Test func forbidWaitsForTheRunningJob() async throws {
        let clock = Self.fastClock()
        try await InProcessServer.withWorkloads(driver: { _ in .runReady }, { client in
            [{ await CronJobController(client: client, clock: clock).run() }, { await JobController(client: client).run() }]
        }) { cluster in
            let client = cluster.client
            let owner = try await client.create(cronJob("single", policy: "Forbid"))
            #expect(try await InProcessServer.soon {
                try await client.get(CronJob.self, namespace: "default", name: "single").status?.active?.count == 1
            })
            let first = try await client.get(CronJob.self, namespace: "default", name: "single").status?.lastScheduleTime
            // Several scheduled minutes pass; the one Job never finishes, so no other starts.
            let passed = clock.now().addingTimeInterval(180)
            while clock.now() < passed { try await Task.sleep(nanoseconds: 100_000_000) }
            #expect(try await jobs(client, owner).count == 1)
            #expect(try await client.get(CronJob.self, namespace: "default", name: "single").status?.lastScheduleTime == first)
        }
    }

    @Test func replaceStopsTheRunningJobForTheNextStart() async throws {
        let clock = Self.fastClock()
        try await InProcessServer.withWorkloads(driver: { _ in .runReady }, { client in
            [{ await CronJobController(client: client, clock: clock).run() }, { await JobController(client: client).run() }]
        }) { cluster in
            let client = cluster.client
            let owner = try await client.create(cronJob("latest", policy: "Replace"))
            // Kept from the same list that saw it: with a minute every three seconds, the next
            // start may already have deleted it and not yet made its successor.
            let seen = Locked<Job?>(nil)
            #expect(try await InProcessServer.soon {
                let current = try await jobs(client, owner)
                seen.withLock { $0 = current.first }
                return current.count == 1
            })
            let first = try #require(seen.value)
            #expect(try await InProcessServer.soon {
                let current = try await jobs(client, owner)
                return !current.contains { $0.uid == first.uid } && current.count == 1
            })
            let active = try await client.get(CronJob.self, namespace: "default", name: "latest").status?.active ?? []
            #expect(active.count <= 1)
        }
    }
}
