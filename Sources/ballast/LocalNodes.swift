import BallastAPI
import BallastClient
import BallastNode
import BallastStorage
import Foundation

/// The node agents of a local cluster: `node-1` … `node-N`, each with its own root under
/// `<data-dir>/nodes/`, pulling images through the local registry (Scripts/registry, a
/// docker.io mirror seeded with the stand-in images) as k3s's registries.yaml says, and each
/// with a loop-backed LVM volume group of its own (`LocalVolumeGroups`).
struct LocalNodes {
    let cluster: LocalCluster

    var rootDirectory: String { cluster.dataDir + "/nodes" }
    /// The agents' roots, in an image when the data directory is on overlayfs (a
    /// container's writable layer cannot be an overlay there).
    var rootStorage: ImageBackedDirectory {
        ImageBackedDirectory(path: rootDirectory, imagePath: cluster.dataDir + "/nodes.img", label: "ballast-nodes")
    }

    static func name(_ index: Int) -> String { "node-\(index)" }
    func root(_ name: String) -> String { rootDirectory + "/" + name }
    /// The pid-file role of a node's agent.
    static func role(_ name: String) -> String { "agent-" + name }

    /// The nodes that have a root here (started now or before); an image-backed directory
    /// also holds ext4's lost+found, which is no node.
    var names: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: rootDirectory)) ?? []).filter { $0.hasPrefix("node-") }.sorted()
    }

    /// Seeds and starts the registry; returns its HOST:PORT.
    func startRegistry(projectRoot: String) async throws -> String {
        let script = projectRoot + "/Scripts/registry"
        let seeded = try await Subprocess(script, ["seed"], timeout: .seconds(1800)).run()
        guard seeded.succeeded else { throw CommandFailure("Scripts/registry seed failed:\n\(seeded.standardError.suffix(2000))") }
        let started = try await Subprocess(script, ["start"], timeout: .seconds(120)).check()
        return started.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Starts the agents that do not run yet, each with its node's own credentials.
    func start(count: Int, registry: String, volumeGroupSizes: [Int64]) async throws {
        guard count > 0 else { return }
        try await rootStorage.prepare(cannotServe: ImageBackedDirectory.isOnOverlay)
        for index in 1...count {
            let name = Self.name(index)
            guard cluster.runningPID(Self.role(name)) == nil else { continue }
            let root = root(name)
            try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
            let mirrors = "mirrors:\n  docker.io:\n    endpoint:\n      - \"http://\(registry)\"\n"
            try mirrors.write(toFile: root + "/registries.yaml", atomically: true, encoding: .utf8)
            let kubeconfig = try NodeCredentials.kubeconfig(node: name, dataDir: cluster.dataDir)
            let size = volumeGroupSizes[min(index, volumeGroupSizes.count) - 1]
            let device = try LocalVolumeGroups(dataDir: cluster.dataDir).device(for: name, size: size)
            _ = try await cluster.start(Self.role(name), arguments: [
                "node", "--kubeconfig", kubeconfig, "--name", name, "--root", root,
                "--lvm-device", device, "--volume-group", LocalVolumeGroups.name,
            ])
        }
    }

    /// Waits until the first `count` nodes report Ready.
    func waitUntilReady(count: Int, client: KubeClient) async throws {
        guard count > 0 else { return }
        let wanted = Set((1...count).map(Self.name))
        let deadline = Date().addingTimeInterval(120)
        while Date() < deadline {
            let nodes = (try? await client.list(Node.self).items) ?? []
            if wanted.isSubset(of: Set(nodes.filter(\.isReady).map(\.name))) { return }
            for name in wanted where cluster.runningPID(Self.role(name)) == nil {
                throw CommandFailure("the agent of \(name) exited; see \(cluster.logFile(Self.role(name)))")
            }
            try await Task.sleep(nanoseconds: 250_000_000)
        }
        throw CommandFailure("the nodes did not become Ready within 120 s; see \(cluster.logDir)/agent-*.log")
    }

    /// Stops every agent and what it left running (containers, mounts); volumes' data stays.
    func stopAll() async -> [String] {
        var stopped: [String] = []
        for name in names {
            if cluster.stop(Self.role(name)) { stopped.append(name) }
            await NodeTeardown.run(root: root(name), nodeName: name)
        }
        do {
            try rootStorage.release()
        } catch {
            print("==> could not unmount \(rootDirectory): \(error)")
        }
        return stopped
    }
}
