import BallastAPI
import BallastClient
@testable import BallastNode
import BallastStorage
import BallastTesting
import Foundation
import Glibc
import Testing

/// A control plane and agents with a volume group "ballast" each.
final class LVMCluster: Sendable {
    struct Node {
        let name: String
        let root: String
        let group: LoopVolumeGroup

        /// The logical volumes `lvs` shows in the node's group.
        func logicalVolumes() throws -> [String] {
            let result = try group.lvm(["lvs", "--noheadings", "-o", "lv_name", group.name])
            return result.stdout.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }
    }

    let client: KubeClient
    let kubeconfig: String
    private let registry: RegistryServer
    private let agentEnvironment: [String: String]
    private let joined: Locked<[Node]>
    private let agents: Locked<[String: AgentProcess]>

    private init(client: KubeClient, kubeconfig: String, registry: RegistryServer, agentEnvironment: [String: String]) {
        self.client = client
        self.kubeconfig = kubeconfig
        self.registry = registry
        self.agentEnvironment = agentEnvironment
        joined = Locked([])
        agents = Locked([:])
    }

    /// The nodes, in the order they joined.
    var nodes: [Node] { joined.value }

    /// Runs `body` with a server (started with `serverOptions`), an agent per size (each
    /// started with `environment`), and the classes local-lvm, local-lvm-xfs and
    /// local-lvm-retain; removes all afterwards.
    static func with(sizes: [UInt64], environment: [String: String] = [:], serverOptions: [String] = [],
                     _ body: (LVMCluster) async throws -> Void) async throws {
        let started = Date()
        try await RegistryServer.with { registry in
            print("LVMCluster: registry seeded after \(Self.seconds(since: started))")
            let server = try ServerProcess(options: serverOptions)
            defer { server.kill() }
            let client = KubeClient(transport: try KubeconfigFile.load(path: server.kubeconfig).transport(), fieldManager: "lvm-test")
            let cluster = LVMCluster(client: client, kubeconfig: server.kubeconfig, registry: registry, agentEnvironment: environment)
            do {
                for size in sizes { try cluster.join(size: size) }
                for (name, type, policy) in [("local-lvm", "ext4", "Delete"), ("local-lvm-xfs", "xfs", "Delete"), ("local-lvm-retain", "ext4", "Retain")] {
                    _ = try await client.create(localLVMClass(name, fsType: type, reclaimPolicy: policy))
                }
                let published = await InProcessServer.eventually(timeout: 60) {
                    ((try? await client.list(CSIStorageCapacity.self, namespace: "kube-system").items) ?? []).count == sizes.count * 3
                }
                try #require(published, "every node publishes its capacity for every local-lvm class")
                print("LVMCluster: \(sizes.count) nodes ready after \(Self.seconds(since: started))")
                let began = Date()
                try await body(cluster)
                print("LVMCluster: the test took \(Self.seconds(since: began))")
            } catch {
                await cluster.printDiagnostics(serverLog: server.log)
                await cluster.tearDown()
                throw error
            }
            let stopping = Date()
            await cluster.tearDown()
            print("LVMCluster: torn down in \(Self.seconds(since: stopping))")
        }
    }

    private static func seconds(since start: Date) -> String { String(format: "%.1f s", Date().timeIntervalSince(start)) }

    /// Adds a node with a volume group of `size` bytes and starts its agent.
    @discardableResult
    func join(size: UInt64) throws -> Node {
        let name = "lvm-\(nodes.count)-" + String(UUID().uuidString.prefix(4)).lowercased()
        let root = TemporaryDirectory.make(prefix: "ballast-lvm-node")
        try NodeTest.write(root + "/registries.yaml", registry.mirrorConfiguration)
        let node = Node(name: name, root: root, group: try LoopVolumeGroup.make(size: size, name: LVMProvisioner.defaultVolumeGroup))
        joined.withLock { $0.append(node) }
        try startAgent(node, environment: agentEnvironment)
        return node
    }

    /// Starts `node`'s agent (again).
    func startAgent(_ node: Node, environment: [String: String] = [:]) throws {
        let agent = try AgentProcess(kubeconfig: kubeconfig, name: node.name, root: node.root, options: ["--lvm-device", node.group.device],
                                     environment: environment)
        agents.withLock { $0[node.name] = agent }
    }

    /// `node`'s agent process.
    func agent(_ node: Node) -> AgentProcess? { agents.value[node.name] }

    /// Kills `node`'s agent as a crash or a power cut would; its containers keep running,
    /// as a kubelet's do when it dies.
    func stopAgent(_ node: Node) {
        agents.withLock { $0.removeValue(forKey: node.name) }?.kill()
    }

    private func tearDown() async {
        for agent in agents.value.values { agent.kill() }
        await withTaskGroup(of: Void.self) { group in
            for node in nodes {
                group.addTask {
                    await NodeTeardown.run(root: node.root, nodeName: node.name)
                    node.group.tearDown()
                    try? FileManager.default.removeItem(atPath: node.root)
                }
            }
        }
    }

    private func printDiagnostics(serverLog: String) async {
        for node in nodes {
            print("--- agent log of \(node.name):\n" + String((NodeTest.read(node.root + "/agent.log") ?? "").suffix(3000)))
        }
        let events = (try? await client.list(Event.self, namespace: "default").items) ?? []
        print("--- events:\n" + events.map { "\($0.reason ?? "") \($0.message ?? "")" }.joined(separator: "\n"))
        print("--- server log:\n" + String(serverLog.suffix(4000)))
    }

    func waitForPod(_ name: String, _ condition: @escaping (Pod) -> Bool) async throws -> Pod {
        var last: Pod?
        let met = await InProcessServer.eventually(timeout: 180) {
            last = try? await self.client.get(Pod.self, namespace: "default", name: name)
            return last.map(condition) ?? false
        }
        try #require(met, "pod \(name) never got there; last status: \(String(describing: last?.status))")
        return last ?? Pod()
    }

    static func localLVMClass(_ name: String, fsType: String, reclaimPolicy: String) -> StorageClass {
        StorageClass(metadata: ObjectMeta(name: name), provisioner: LVMProvisioner.name,
                     parameters: ["volumeGroup": LVMProvisioner.defaultVolumeGroup, "fsType": fsType], reclaimPolicy: reclaimPolicy,
                     allowVolumeExpansion: true, volumeBindingMode: "WaitForFirstConsumer")
    }

    static func claim(_ name: String, size: String, storageClass: String = "local-lvm") throws -> PersistentVolumeClaim {
        try JSONDecoder().decode(PersistentVolumeClaim.self, from: Data("""
            {"metadata": {"name": "\(name)", "namespace": "default"},
             "spec": {"storageClassName": "\(storageClass)", "accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "\(size)"}}}}
            """.utf8))
    }

    /// A busybox pod running `command`, with the claim at /data unless `volumes` is false.
    static func pod(_ name: String, claim: String, command: String, volumes: Bool = true) throws -> Pod {
        let volume = volumes ? #"{"name": "data", "persistentVolumeClaim": {"claimName": "\#(claim)"}}"# : ""
        let mount = volumes ? #"{"name": "data", "mountPath": "/data"}"# : ""
        return try JSONDecoder().decode(Pod.self, from: Data("""
            {"metadata": {"name": "\(name)", "namespace": "default"},
             "spec": {"terminationGracePeriodSeconds": 1, "volumes": [\(volume)],
               "containers": [{"name": "main", "image": "busybox", "command": ["sh", "-c", \(String(reflecting: command))],
                               "resources": {"requests": {"cpu": "10m", "memory": "16Mi"}}, "volumeMounts": [\(mount)]}]}}
            """.utf8))
    }
}
