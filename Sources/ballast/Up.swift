import ArgumentParser
import BallastClient
import BallastServer
import BallastStorage
import Foundation

extension Ballast {
    /// Brings up a whole local cluster in the background.
    struct Up: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Start a local cluster in the background and print its kubeconfig path (last line).",
            discussion: """
                Starts the API server (with its controllers and scheduler), an NFS export, the \
                StorageClasses, the local image registry and --nodes node agents, each with an LVM \
                volume group on a sparse file under DATA-DIR/volume-groups. Running it again \
                while the cluster runs changes nothing. Stop it with `ballast down`.
                """)

        @OptionGroup var data: DataDirOption

        @Option(help: "Address the API server listens on, HOST:PORT.")
        var listen: String = "127.0.0.1:6443"

        @Option(help: "How many node agents to start.")
        var nodes: Int = 1

        @Flag(help: "Do not start the NFS server or apply the nfs StorageClasses.")
        var noNFS = false

        @Option(help: "The size of each node's LVM volume group (a sparse file): one size, or one per node such as 2Gi,4Gi,8Gi (the last repeats). A larger size on a later run grows the group.")
        var vgSize: String = "20Gi"

        func validate() throws {
            guard ListenAddress(listen) != nil else { throw ValidationError("--listen must be HOST:PORT, got \"\(listen)\"") }
            guard (0...16).contains(nodes) else { throw ValidationError("--nodes must be between 0 and 16, got \(nodes)") }
            do { _ = try LocalVolumeGroups.sizes(vgSize) } catch { throw ValidationError("\(error)") }
        }

        func run() async throws {
            let cluster = LocalCluster(dataDir: data.absolute)
            let started = Date()
            let kubeconfig = ServerConfiguration(dataDir: data.absolute).kubeconfigPath
            if cluster.runningPID("server") == nil {
                step("starting the API server (log: \(cluster.logFile("server")))")
                try? FileManager.default.removeItem(atPath: kubeconfig)
                _ = try await cluster.start("server", arguments: ["server", "--data-dir", data.absolute, "--listen", listen])
            } else {
                step("the API server is already running")
            }
            try await waitForServer(kubeconfig: kubeconfig, cluster: cluster)
            try await setUpStorage(kubeconfig: kubeconfig)
            try await startNodes(kubeconfig: kubeconfig, cluster: cluster)
            step(String(format: "cluster ready in %.1fs", Date().timeIntervalSince(started)))
            print("")
            print("Use it with:  export KUBECONFIG=\(kubeconfig)  (then: kubectl get nodes)")
            print(kubeconfig)
        }

        /// Starts the NFS export and applies the StorageClasses that use what this cluster runs.
        private func setUpStorage(kubeconfig: String) async throws {
            let root = try ProjectFiles.requireRoot()
            let export = LocalNFSExport(dataDir: data.absolute)
            if !noNFS {
                let began = Date()
                try await export.start(projectRoot: root)
                step(String(format: "NFS export %@ on 127.0.0.1:2049 (%.1fs)", export.exportPath, Date().timeIntervalSince(began)))
            }
            let client = KubeClient(transport: try KubeconfigFile.load(path: kubeconfig).transport(), fieldManager: "ballast-up")
            let installer = StorageClassInstaller(client: client, nfsExport: export.exportPath)
            let applied = try await installer.apply(directory: root + "/StorageClasses", skip: noNFS ? { $0.hasPrefix("nfs") } : { _ in false })
            step("StorageClasses: \(applied.joined(separator: ", "))")
        }

        /// The image registry and the node agents, then waits for the nodes to be Ready.
        private func startNodes(kubeconfig: String, cluster: LocalCluster) async throws {
            guard nodes > 0 else { return }
            let local = LocalNodes(cluster: cluster)
            var began = Date()
            step("seeding the image registry (the first run builds the stand-in images, about 2 minutes)")
            let registry = try await local.startRegistry(projectRoot: try ProjectFiles.requireRoot())
            step(String(format: "image registry on %@ (%.1fs)", registry, Date().timeIntervalSince(began)))
            began = Date()
            try await local.start(count: nodes, registry: registry, volumeGroupSizes: try LocalVolumeGroups.sizes(vgSize))
            let client = KubeClient(transport: try KubeconfigFile.load(path: kubeconfig).transport(), fieldManager: "ballast-up")
            try await local.waitUntilReady(count: nodes, client: client)
            step(String(format: "%d node agent%@ Ready (logs: %@/agent-*.log) (%.1fs)", nodes, nodes == 1 ? "" : "s", cluster.logDir,
                        Date().timeIntervalSince(began)))
        }

        private func step(_ text: String) {
            print("==> \(text)")
            fflush(nil)
        }

        /// Waits until the kubeconfig exists and the API answers through it.
        private func waitForServer(kubeconfig: String, cluster: LocalCluster) async throws {
            let deadline = Date().addingTimeInterval(60)
            while Date() < deadline {
                guard cluster.runningPID("server") != nil else {
                    throw ValidationError("the API server exited; see \(cluster.logFile("server"))")
                }
                if FileManager.default.fileExists(atPath: kubeconfig), let config = try? KubeconfigFile.load(path: kubeconfig),
                    let transport = try? config.transport(),
                    let response = try? await transport.send(ClientRequest(method: "GET", path: "/api")), response.status == 200
                {
                    return
                }
                try await Task.sleep(nanoseconds: 200_000_000)
            }
            throw ValidationError("the API server did not answer within 60 s; see \(cluster.logFile("server"))")
        }
    }

    /// Stops the local cluster.
    struct Down: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Stop the local cluster. Volumes and state are kept unless --purge is given.")

        @OptionGroup var data: DataDirOption

        @Flag(help: "Also delete the data directory: every object and every volume's data.")
        var purge = false

        func run() async throws {
            let cluster = LocalCluster(dataDir: data.absolute)
            let nodes = await LocalNodes(cluster: cluster).stopAll()
            if !nodes.isEmpty { print("==> stopped the node agents \(nodes.joined(separator: ", ")), their containers and mounts") }
            let stopped = cluster.stop("server")
            print(stopped ? "==> stopped the API server" : "==> the API server was not running")
            if let root = ProjectFiles.root {
                if !nodes.isEmpty, (try? await Subprocess(root + "/Scripts/registry", ["stop"]).run())?.succeeded == true {
                    print("==> stopped the image registry")
                }
                try await LocalNFSExport(dataDir: data.absolute).stop(projectRoot: root)
                print("==> stopped the NFS export (its data stays in \(LocalNFSExport(dataDir: data.absolute).exportPath))")
            }
            if purge {
                try LocalVolumeGroups(dataDir: data.absolute).detachAll()
                try FileManager.default.removeItem(atPath: data.absolute)
                print("==> removed \(data.absolute)")
            }
        }
    }
}
