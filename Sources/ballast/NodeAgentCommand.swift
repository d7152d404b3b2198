import ArgumentParser
import BallastClient
import BallastNode
import Foundation
import Logging
import ServiceLifecycle
import UnixSignals

extension Ballast {
    /// Runs a node agent: registers the Node, runs the pods bound to it.
    struct NodeAgentCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "node",
            abstract: "Run a node agent: register a Node and run the pods bound to it through crun or runc.",
            discussion: """
            The agent keeps its images, pods, logs and runtime state under --root. Killed at any \
            moment (even with SIGKILL) and started again with the same --root, it finds its running \
            containers and mounts again. SIGTERM or SIGINT stops the agent but leaves the pods' \
            containers running. Registry mirrors and credentials are read from ROOT/registries.yaml \
            (the format of k3s's registries.yaml).
            """)

        @Option(help: "The kubeconfig the agent talks to the API server with.")
        var kubeconfig: String

        @Option(help: "The Node's name.")
        var name: String

        @Option(help: "Where the agent keeps its state.")
        var root: String

        @Option(help: "The OCI runtime: crun or runc.")
        var runtime: String = "crun"

        @Option(name: .customLong("lvm-device"), help: "A device of the node's LVM volume group (repeatable); none means no LVM volumes here.")
        var lvmDevices: [String] = []

        @Option(help: "Make this volume group on the --lvm-device devices when it does not exist (a device holding a filesystem is refused).")
        var volumeGroup: String?

        @Option(help: "Where local-path volumes are made (default: ROOT/local-path).")
        var localPathBase: String?

        func validate() throws {
            guard RuntimeKind(rawValue: runtime) != nil else { throw ValidationError("--runtime must be crun or runc, got \"\(runtime)\"") }
            guard !name.isEmpty, name.count <= 253, name == name.lowercased() else {
                throw ValidationError("--name must be a lowercase DNS name, got \"\(name)\"")
            }
        }

        func run() async throws {
            LoggingSystem.bootstrap { label in
                var handler = StreamLogHandler.standardError(label: label)
                handler.logLevel = .info
                return handler
            }
            let logger = Logger(label: "ballast.node")
            let absoluteRoot = root.hasPrefix("/") ? root : FileManager.default.currentDirectoryPath + "/" + root
            let client = KubeClient(transport: try KubeconfigFile.load(path: kubeconfig).transport(), fieldManager: "ballast-node")
            let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
            let agent = try NodeAgent(
                client: client,
                configuration: NodeAgentConfiguration(nodeName: name, root: absoluteRoot, runtime: RuntimeKind(rawValue: runtime) ?? .crun,
                                                      nfsDaemonCommand: [executable, "nfs-fuse"],
                                                      storage: NodeStorageConfiguration(lvmDevices: lvmDevices, volumeGroup: volumeGroup,
                                                                                        localPathBase: localPathBase)),
                logger: logger)
            let group = ServiceGroup(
                configuration: .init(services: [.init(service: NodeAgentService(agent: agent))],
                                     gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
            try await group.run()
        }
    }
}

/// The agent as a service: it stops (leaving containers running) on graceful shutdown.
struct NodeAgentService: Service {
    let agent: NodeAgent

    func run() async {
        await cancelWhenGracefulShutdown {
            await agent.run()
        }
    }
}
