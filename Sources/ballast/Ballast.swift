import ArgumentParser
import Foundation

/// The one binary, many roles (STYLE rule 9): the control plane, the node agent, the
/// local-cluster commands and the client subcommands are all subcommands of `ballast`.
@main
struct Ballast: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ballast",
        abstract: "A storage-first container orchestrator that speaks the Kubernetes API.",
        version: "0.1.0",
        subcommands: [Up.self, Down.self, Server.self, NodeAgentCommand.self, PV.self, PVC.self, Storage.self, Image.self, Kubeconfig.self,
                      NFSFuse.self, Bench.self])
}

/// The flag every local-cluster command shares.
struct DataDirOption: ParsableArguments {
    @Option(name: .customLong("data-dir"), help: "Where the cluster keeps its state.")
    var dataDir: String = DataDirOption.defaultDataDir

    static var defaultDataDir: String {
        if getuid() == 0 { return "/var/lib/ballast" }
        let home = ProcessInfo.processInfo.environment["HOME"] ?? "."
        return home + "/.local/share/ballast"
    }

    /// The data directory as an absolute path.
    var absolute: String {
        dataDir.hasPrefix("/") ? dataDir : FileManager.default.currentDirectoryPath + "/" + dataDir
    }
}
