import BallastAPI
import BallastClient
@testable import BallastNode
import BallastStorage
import BallastTesting
import Foundation
import Testing

/// A node agent under test: a real API server (in the process, or a whole `ballast server`
/// with its controllers and scheduler), a real registry, crun and conmon, and a root
/// directory of its own. `NodeFixture.with { node in … }` removes everything afterwards,
/// also when the test fails: every container the agent's runtime knows is killed and
/// deleted, every mount under the root is unmounted, the root removed.
struct NodeFixture {
    let kubeconfig: String
    /// The administrator's client, for what the test does.
    let client: KubeClient
    /// The agent's own: the node's token (`ballast kubeconfig --node`), as `ballast up` gives it.
    let agentClient: KubeClient
    let registry: RegistryServer
    let root: String
    let name: String

    /// Runs `body` with a fresh registry, API server (in this process) and root.
    static func with(_ body: (NodeFixture) async throws -> Void) async throws {
        try await RegistryServer.with { registry in
            try await InProcessServer.with { server in
                try await run(try NodeFixture(kubeconfig: server.kubeconfig, client: server.client, dataDir: server.dataDir, registry: registry), body)
            }
        }
    }

    /// Runs `body` against a `ballast server` process: pods bind and schedule as users see it.
    static func withControlPlane(_ body: (NodeFixture) async throws -> Void) async throws {
        try await RegistryServer.with { registry in
            let server = try ServerProcess()
            // SIGKILL: a graceful stop waits for the agent's watches; nothing needs it here.
            defer { server.kill() }
            let client = KubeClient(transport: try KubeconfigFile.load(path: server.kubeconfig).transport(), fieldManager: "node-test")
            try await run(try NodeFixture(kubeconfig: server.kubeconfig, client: client, dataDir: server.dataDir, registry: registry), body)
        }
    }

    private init(kubeconfig: String, client: KubeClient, dataDir: String, registry: RegistryServer) throws {
        self.kubeconfig = kubeconfig
        self.client = client
        self.registry = registry
        root = TemporaryDirectory.make(prefix: "ballast-node")
        name = "node-" + String(UUID().uuidString.prefix(6)).lowercased()
        let issued = try CommandRunner.run(try BallastBinary.path, ["kubeconfig", "--data-dir", dataDir, "--node", name])
        guard issued.succeeded, let path = issued.stdout.split(separator: "\n").last else {
            throw TestEnvironmentError("ballast kubeconfig --node \(name) failed: \(issued)")
        }
        agentClient = KubeClient(transport: try KubeconfigFile.load(path: String(path)).transport(), fieldManager: "ballast-node")
    }

    private static func run(_ fixture: NodeFixture, _ body: (NodeFixture) async throws -> Void) async throws {
        do {
            try await body(fixture)
            await fixture.destroy()
        } catch {
            await fixture.destroy()
            throw error
        }
    }

    /// The agent's configuration: images through the registry as a docker.io mirror.
    func configuration(runtime: RuntimeKind = .crun) throws -> NodeAgentConfiguration {
        NodeAgentConfiguration(nodeName: name, root: root, runtime: runtime, nfsDaemonCommand: [try BallastBinary.path, "nfs-fuse"],
                               registries: try RegistryConfiguration.parse(yaml: registry.mirrorConfiguration),
                               leaseDurationSeconds: 8, backoffInitialSeconds: 1)
    }

    /// Starts an agent in a task of its own; cancel the task to stop it (its containers
    /// keep running, as when an agent dies).
    func startAgent(runtime: RuntimeKind = .crun) throws -> (NodeAgent, Task<Void, Never>) {
        let agent = try NodeAgent(client: agentClient, configuration: try configuration(runtime: runtime))
        let task = Task { await agent.run() }
        return (agent, task)
    }

    /// Creates a pod from JSON bound to this node.
    @discardableResult
    func createPod(_ json: String) async throws -> Pod {
        var pod = try JSONDecoder().decode(Pod.self, from: Data(json.utf8))
        pod.spec?.nodeName = name
        if pod.metadata.namespace == nil { pod.metadata.namespace = "default" }
        return try await client.create(pod)
    }

    /// Waits (generously: the first pull unpacks an image) until the pod satisfies `condition`.
    func waitForPod(_ name: String, timeout: TimeInterval = 180, _ condition: @escaping (Pod) -> Bool) async throws -> Pod {
        var last: Pod?
        let met = await InProcessServer.eventually(timeout: timeout) {
            last = try? await client.get(Pod.self, namespace: "default", name: name)
            return last.map(condition) ?? false
        }
        if !met {
            Issue.record("pod \(name) never reached the expected state; last status: \(String(describing: last?.status))")
            throw TestEnvironmentError("timed out waiting for pod \(name)")
        }
        return last ?? Pod()
    }

    /// The runtime as the agent configures it, to look at containers directly.
    func runtime(_ kind: RuntimeKind = .crun) throws -> RuntimeCLI {
        let paths = NodePaths(root: root)
        return try RuntimeCLI(kind: kind, stateDirectory: paths.runtimeState, toolDirectory: paths.tools)
    }

    /// The first process of a running container. Its `/proc/PID/root` is what the
    /// container's programs see, also when the agent runs in a chroot, where an exec's
    /// view is not the container's (MountNamespaceRoot).
    func containerProcess(pod: String, container: String, namespace: String = "default") async throws -> Int32 {
        let request = ContainerExecSession.Request(namespace: namespace, pod: pod, container: container, command: ["true"], stdin: false, tty: false)
        let runtime = try runtime()
        let id = try ContainerExecSession(runtime: runtime, paths: NodePaths(root: root)).locate(request).id
        let pid = try await runtime.state(id)?.pid ?? 0
        try #require(pid > 0, "container \(container) of pod \(pod) has no process")
        return pid
    }

    /// The text of a container's current log file.
    func log(_ pod: Pod, container: String, restartCount: Int32 = 0) -> String? {
        let path = NodePaths(root: root).logFile(namespace: pod.metadata.namespace ?? "default", name: pod.metadata.name ?? "",
                                                  uid: pod.metadata.uid ?? "", container: container, restartCount: restartCount)
        return NodeTest.read(path)
    }

    /// Kills every container the runtime knows, unmounts everything under the root and
    /// removes it.
    func destroy() async {
        await NodeTeardown.run(root: root, nodeName: name)
        try? FileManager.default.removeItem(atPath: root)
        try? FileManager.default.removeItem(atPath: ContainerRunner.socketDirectory(root: root))
    }
}
