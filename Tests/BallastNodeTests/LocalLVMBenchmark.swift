import BallastAPI
import BallastClient
import BallastStorage
import BallastTesting
import Foundation
import Testing

/// Claim to running pod on real LVM: a WaitForFirstConsumer claim of class local-lvm and a
/// pod using it are created together; the clock stops when a watch sees the pod Running,
/// which is after scheduling, lvcreate, the PV, binding, mkfs and the mount. One node with
/// an 8 GiB group, the image already pulled. A benchmark, not a test: it runs only with
/// BALLAST_BENCH=1 and prints p50 and p99.
@Suite(.enabled(if: ProcessInfo.processInfo.environment["BALLAST_BENCH"] == "1" && RegistryServer.missingPrerequisite == nil,
                "set BALLAST_BENCH=1 to run benchmarks"), .serialized)
struct LocalLVMBenchmark {
    static let rounds = Int(ProcessInfo.processInfo.environment["BALLAST_BENCH_ROUNDS"] ?? "") ?? 20

    @Test func claimToRunningPod() async throws {
        try await LVMCluster.with(sizes: [8 << 30]) { cluster in
            let client = cluster.client
            _ = try await client.create(try LVMCluster.pod("warmup", claim: "none", command: "sleep 3600", volumes: false))
            _ = try await cluster.waitForPod("warmup") { $0.status?.phase == "Running" }
            var samples: [Double] = []
            for round in 0..<Self.rounds {
                let name = "bench-\(round)"
                let list = try await client.list(Pod.self, namespace: "default")
                let stream = try await client.watch(Pod.self, namespace: "default", resourceVersion: String(list.resourceVersion),
                                                    fieldSelector: "metadata.name=\(name)")
                let started = ContinuousClock.now
                _ = try await client.create(LVMCluster.claim(name, size: "256Mi"))
                _ = try await client.create(LVMCluster.pod(name, claim: name, command: "sleep 3600"))
                for try await event in stream where event.object?.status?.phase == "Running" { break }
                let elapsed = ContinuousClock.now - started
                samples.append(Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
                var options = DeleteOptions()
                options.gracePeriodSeconds = 0
                try await client.delete(Pod.self, namespace: "default", name: name, options: options)
                try await client.delete(PersistentVolumeClaim.self, namespace: "default", name: name)
            }
            samples.sort()
            let p50 = samples[samples.count / 2]
            let p99 = samples[min(samples.count - 1, Int((Double(samples.count) * 0.99).rounded(.up)) - 1)]
            print("local-lvm claim to running pod: p50 \(Int(p50 * 1000)) ms, p99 \(Int(p99 * 1000)) ms over \(samples.count) claims")
        }
    }
}
