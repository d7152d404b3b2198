import BallastAPI
import BallastClient
import BallastControllers
import BallastTesting
import Foundation

/// Controllers running against a test's API server; cancelled by `stop()`.
final class RunningControllers: Sendable {
    private let tasks: [Task<Void, Never>]

    init(_ runs: [@Sendable () async -> Void]) {
        tasks = runs.map { run in Task { await run() } }
    }

    func stop() {
        for task in tasks { task.cancel() }
    }
}

extension InProcessServer {
    /// Runs `body` against a fresh server with `controllers` and the garbage collector
    /// running, and a pod status driver for `nodes` (fake Nodes created first). Everything
    /// stops, and the server goes, when the body returns or throws.
    static func withWorkloads<Result: Sendable>(
        nodes: [String] = ["node-a"],
        driver decide: @escaping @Sendable (Pod) -> PodStatusDriver.Outcome = { _ in .runReady },
        _ controllers: @escaping @Sendable (KubeClient) -> [@Sendable () async -> Void],
        _ body: (InProcessServer) async throws -> Result
    ) async throws -> Result {
        try await with { cluster in
            let client = cluster.client
            for name in nodes { _ = try await client.create(FakeNodes.node(name)) }
            let driver = PodStatusDriver(client: client, nodes: Set(nodes), decide: decide)
            var runs = controllers(client)
            runs.append { await GarbageCollector(client: client, kinds: BuiltinKinds.all).run() }
            runs.append { await driver.run() }
            let running = RunningControllers(runs)
            do {
                let result = try await body(cluster)
                running.stop()
                return result
            } catch {
                running.stop()
                throw error
            }
        }
    }

    /// `eventually` with the longer patience controller chains need when every suite of
    /// the target runs at once on a shared two-core machine (it returns as soon as the
    /// condition holds, so the bound costs nothing when things go right).
    static func soon(_ condition: () async throws -> Bool) async rethrows -> Bool {
        try await eventually(timeout: 120, condition)
    }
}

/// Nodes that exist only as API objects: Ready, heartbeating once, never running anything
/// but what `PodStatusDriver` pretends.
enum FakeNodes {
    static func node(_ name: String, labels: [String: String] = [:], taints: [Taint]? = nil, ready: Bool = true) -> Node {
        var nodeLabels = labels
        nodeLabels["kubernetes.io/hostname"] = name
        let now = Time.now()
        return Node(metadata: ObjectMeta(name: name, labels: nodeLabels), spec: NodeSpec(taints: taints),
                    status: NodeStatus(conditions: [
                        NodeCondition(type: NodeCondition.ready, status: ready ? "True" : "False", lastHeartbeatTime: now,
                                      lastTransitionTime: now, reason: "KubeletReady", message: "kubelet is posting ready status"),
                    ]))
    }
}

extension KubeClient {
    /// The Pods in "default" that `selector` selects.
    func pods(_ selector: String, namespace: String = "default") async throws -> [Pod] {
        try await list(Pod.self, namespace: namespace, labelSelector: selector).items
    }

    /// The Pods in "default" that `selector` selects and that are not finished or going.
    func activePods(_ selector: String, namespace: String = "default") async throws -> [Pod] {
        try await pods(selector, namespace: namespace).filter { !$0.isTerminal && !$0.metadata.isDeleting }
    }
}

/// A Pod template with one container, labelled `labels`, bound to `node`.
func podTemplate(_ labels: [String: String], image: String = "nginx:latest", node: String? = "node-a",
                 restartPolicy: String? = nil) -> PodTemplateSpec {
    PodTemplateSpec(metadata: ObjectMeta(labels: labels),
                    spec: PodSpec(containers: [Container(name: "main", image: image)], restartPolicy: restartPolicy, nodeName: node))
}

/// Whether every condition holds; lets one `try await` cover several async checks, which
/// `&&` (an autoclosure) cannot.
func all(_ conditions: Bool...) -> Bool { conditions.allSatisfy { $0 } }
