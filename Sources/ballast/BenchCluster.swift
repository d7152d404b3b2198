import ArgumentParser
import BallastAPI
import BallastClient
import Foundation

/// Latency figures from a set of samples, in milliseconds.
struct LatencySummary: CustomStringConvertible {
    let p50: Double
    let p99: Double

    init(_ seconds: [Double]) {
        let sorted = seconds.sorted()
        func at(_ fraction: Double) -> Double {
            guard !sorted.isEmpty else { return 0 }
            return sorted[min(sorted.count - 1, Int(Double(sorted.count - 1) * fraction + 0.5))] * 1000
        }
        p50 = at(0.5)
        p99 = at(0.99)
    }

    var description: String { String(format: "p50 %.2f ms, p99 %.2f ms", p50, p99) }
}

/// API throughput against a running cluster: creates per second from concurrent
/// clients, single-write latency, and the time to list every created claim.
struct BenchAPI: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "api", abstract: "Measure API write throughput and list time.")

    @Option(help: "The cluster's kubeconfig.") var kubeconfig: String
    @Option(help: "Concurrent clients.") var clients = 8
    @Option(help: "Claims created in all.") var objects = 10000

    func run() async throws {
        let transport = try KubeconfigFile.load(path: kubeconfig).transport()
        let client = KubeClient(transport: transport, fieldManager: "ballast-bench")
        let namespace = "bench-api-\(UInt32.random(in: 0...UInt32.max))"
        _ = try await client.create(Namespace(metadata: ObjectMeta(name: namespace)))
        let perClient = objects / clients
        let started = Date()
        let latencies = try await withThrowingTaskGroup(of: [Double].self) { group in
            for worker in 0..<clients {
                group.addTask {
                    var samples: [Double] = []
                    for index in 0..<perClient {
                        var claim = PersistentVolumeClaim(metadata: ObjectMeta(name: "c-\(worker)-\(index)", namespace: namespace))
                        claim.spec = PersistentVolumeClaimSpec(accessModes: [.readWriteOnce], resources: VolumeResourceRequirements(requests: [ResourceName.storage: Quantity(1 << 30)]),
                                                               storageClassName: "")
                        let begin = Date()
                        _ = try await client.create(claim)
                        samples.append(Date().timeIntervalSince(begin))
                    }
                    return samples
                }
            }
            return try await group.reduce(into: [Double]()) { $0 += $1 }
        }
        let elapsed = Date().timeIntervalSince(started)
        // The list as the server answers it (status and every byte received), then as this
        // client decodes it into typed objects: the second is Foundation's JSONDecoder.
        let listStart = Date()
        let response = try await transport.send(ClientRequest(method: "GET", path: "/api/v1/namespaces/\(namespace)/persistentvolumeclaims"))
        let listTime = Date().timeIntervalSince(listStart)
        let decodeStart = Date()
        let listed = try await client.list(PersistentVolumeClaim.self, namespace: namespace)
        let decodeTime = Date().timeIntervalSince(decodeStart)
        print(String(format: "creates: %d in %.2f s = %.0f/s with %d clients; single write %@", latencies.count, elapsed,
                     Double(latencies.count) / elapsed, clients, LatencySummary(latencies).description))
        print(String(format: "list of %d claims: %.0f ms for the HTTPS response (%d, %.1f MB); %.0f ms listed and decoded by the client",
                     listed.items.count, listTime * 1000, response.status, Double(response.body.count) / 1e6, decodeTime * 1000))
        try await client.delete(Namespace.self, name: namespace)
    }
}
