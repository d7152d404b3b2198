import ArgumentParser
import BallastAPI
import BallastClient
import BallastScheduler
import BallastServer
import BallastStore
import Foundation
import Logging
import Synchronization

extension Ballast {
    /// Benchmarks (hidden): `ballast bench scheduler`.
    struct Bench: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run a benchmark.", shouldDisplay: false, subcommands: [BenchScheduler.self, BenchAPI.self, BenchBinding.self])
    }
}

/// scheduler_perf-style throughput: simulated nodes and pods, reported in pods per second.
/// Without --live it times the scheduling cycle alone (the algorithm over the cache, each
/// decision assumed); with --live it runs the whole scheduler against an API server with a
/// fresh SQLite store, from the scheduler's start to the last pod bound.
struct BenchScheduler: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "scheduler", abstract: "Measure scheduler throughput.")

    @Option(help: "Simulated nodes.") var nodes = 5000
    @Option(help: "Plain pods.") var pods = 10000
    @Option(help: "Pods with a WaitForFirstConsumer claim each (cycle only).") var claimPods = 5000
    @Flag(help: "Also run the live scheduler against an in-process API server (plain pods).") var live = false

    func run() async throws {
        let clock = { Date().timeIntervalSinceReferenceDate }
        let plain = SchedulerBenchmark.run(.init(name: "plain pods", nodes: nodes, pods: pods), clock: clock)
        print(Self.line("cycle", plain))
        let claims = SchedulerBenchmark.run(.init(name: "pods with a WaitForFirstConsumer claim", nodes: nodes, pods: claimPods, withClaims: true),
                                            clock: clock)
        print(Self.line("cycle", claims))
        if live { try await runLive() }
    }

    static func line(_ mode: String, _ measurement: SchedulerBenchmark.Measurement) -> String {
        let rate = String(format: "%.0f", measurement.podsPerSecond)
        let seconds = String(format: "%.2f", measurement.seconds)
        return "\(mode): \(measurement.workload.nodes) nodes, \(measurement.workload.pods) \(measurement.workload.name): "
            + "\(measurement.scheduled) scheduled, \(measurement.unschedulable) unschedulable in \(seconds) s = \(rate) pods/s"
    }

    /// The live run: nodes and pods are created first, then the scheduler starts.
    private func runLive() async throws {
        LoggingSystem.bootstrap { _ in SwiftLogNoOpLogHandler() }
        let dataDir = FileManager.default.temporaryDirectory.appendingPathComponent("ballast-bench-\(getpid())").path
        defer { try? FileManager.default.removeItem(atPath: dataDir) }
        let server = try APIServer(configuration: ServerConfiguration(dataDir: dataDir, port: 0))
        await server.bootstrap()
        let client = KubeClient(transport: LoopbackTransport(handler: server.handler, user: server.loopbackUser), fieldManager: "bench")
        _ = try await client.create(Namespace(metadata: ObjectMeta(name: "bench")))
        let setupStart = Date()
        try await Self.concurrently(nodes) { index in
            let node = SchedulerBenchmark.node(index)
            var created = try await client.create(Node(metadata: node.metadata, spec: node.spec))
            created.status = node.status
            _ = try await client.updateStatus(created)
        }
        try await Self.concurrently(pods) { index in
            var pod = SchedulerBenchmark.pod(index)
            pod.metadata.uid = nil
            _ = try await client.create(pod)
        }
        print(String(format: "live: created %d nodes and %d pods in %.1f s", nodes, pods, Date().timeIntervalSince(setupStart)))

        let bound = Mutex(Set<String>())
        let watcher = Informer<Pod>(client: client, namespace: "bench", resyncInterval: .infinity)
        watcher.addHandler { event in
            if case .updated(_, let pod) = event, !(pod.spec?.nodeName ?? "").isEmpty { _ = bound.withLock { $0.insert(pod.name) } }
        }
        let watching = Task { await watcher.run() }
        await watcher.waitForSync()
        let start = Date()
        let scheduler = Task { await Scheduler(client: client).run() }
        while bound.withLock({ $0.count }) < pods {
            try await Task.sleep(for: .milliseconds(20))
            if Date().timeIntervalSince(start) > 3600 { break }
        }
        let seconds = Date().timeIntervalSince(start)
        scheduler.cancel()
        watching.cancel()
        _ = await scheduler.value
        _ = await watching.value
        server.store.close()
        let count = bound.withLock { $0.count }
        print(String(format: "live: %d nodes, %d plain pods: %d bound in %.2f s = %.0f pods/s (from the scheduler's start, informer sync included)",
                     nodes, pods, count, seconds, Double(count) / seconds))
    }

    /// Runs `body` for 0..<count, sixteen at a time.
    private static func concurrently(_ count: Int, _ body: @escaping @Sendable (Int) async throws -> Void) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            var next = 0
            while next < min(16, count) {
                let index = next
                group.addTask { try await body(index) }
                next += 1
            }
            while try await group.next() != nil {
                if next < count {
                    let index = next
                    group.addTask { try await body(index) }
                    next += 1
                }
            }
        }
    }
}
