import BallastAPI
import BallastClient
@testable import BallastNode
import BallastTesting
import Foundation
import Testing

/// Pod start latency (create → Running, seen through a watch), images already on the node:
/// a pod with no volume, with one emptyDir, and with ten volumes of mixed kinds. A
/// benchmark, not a test: it asserts nothing about speed and runs only with BALLAST_BENCH=1;
/// it prints p50 and p99 per kind.
@Suite(.enabled(if: ProcessInfo.processInfo.environment["BALLAST_BENCH"] == "1" && RegistryServer.missingPrerequisite == nil,
                "set BALLAST_BENCH=1 to run benchmarks"), .serialized)
struct PodStartBenchmark {
    static let rounds = Int(ProcessInfo.processInfo.environment["BALLAST_BENCH_ROUNDS"] ?? "") ?? 20

    @Test func podStartLatency() async throws {
        try await NodeFixture.with { node in
            let (_, agent) = try node.startAgent()
            defer { agent.cancel() }
            _ = try await node.client.create(ConfigMap(metadata: ObjectMeta(name: "bench", namespace: "default"), data: ["k": "v"]))
            try FileManager.default.createDirectory(atPath: node.root + "/host-dir", withIntermediateDirectories: true)
            // Warm-up: the image is pulled once.
            try await node.createPod(Self.pod("warmup", volumes: 0, root: node.root))
            _ = try await node.waitForPod("warmup") { $0.status?.phase == "Running" }
            for (label, volumes) in [("no volume", 0), ("one emptyDir", 1), ("ten mixed volumes", 10)] {
                var samples: [Double] = []
                for round in 0..<Self.rounds {
                    let name = "bench-\(volumes)-\(round)"
                    let list = try await node.client.list(Pod.self, namespace: "default")
                    let stream = try await node.client.watch(Pod.self, namespace: "default", resourceVersion: String(list.resourceVersion),
                                                             fieldSelector: "metadata.name=\(name)")
                    let started = ContinuousClock.now
                    try await node.createPod(Self.pod(name, volumes: volumes, root: node.root))
                    for try await event in stream where event.object?.status?.phase == "Running" { break }
                    let elapsed = ContinuousClock.now - started
                    samples.append(Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
                    try await node.client.delete(Pod.self, namespace: "default", name: name)
                }
                samples.sort()
                let p50 = samples[samples.count / 2]
                let p99 = samples[min(samples.count - 1, Int((Double(samples.count) * 0.99).rounded(.up)) - 1)]
                print("pod start latency, \(label): p50 \(Int(p50 * 1000)) ms, p99 \(Int(p99 * 1000)) ms over \(samples.count) pods")
            }
        }
    }

    /// A sleeping busybox pod with `volumes` volumes: emptyDirs, a ConfigMap and hostPaths.
    static func pod(_ name: String, volumes: Int, root: String) -> String {
        var definitions: [String] = []
        var mounts: [String] = []
        for index in 0..<volumes {
            let source: String = switch index % 5 {
            case 3: #"{"configMap": {"name": "bench"}}"#
            case 4: #"{"hostPath": {"path": "\#(root)/host-dir", "type": "Directory"}}"#
            default: #"{"emptyDir": {}}"#
            }
            definitions.append(#"{"name": "v\#(index)", \#(source.dropFirst())"#)
            mounts.append(#"{"name": "v\#(index)", "mountPath": "/v\#(index)"}"#)
        }
        return """
        {"metadata": {"name": "\(name)"}, "spec": {"terminationGracePeriodSeconds": 0,
          "volumes": [\(definitions.joined(separator: ", "))],
          "containers": [{"name": "main", "image": "busybox", "imagePullPolicy": "IfNotPresent", "command": ["sleep", "3600"],
                          "volumeMounts": [\(mounts.joined(separator: ", "))]}]}}
        """
    }
}
