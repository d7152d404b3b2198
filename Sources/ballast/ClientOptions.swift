import ArgumentParser
import BallastCLI
import BallastClient
import BallastServer
import Foundation

/// What every client subcommand shares: which cluster, and how to print.
struct ClientOptions: ParsableArguments {
    @Option(help: "The kubeconfig to use (default: $KUBECONFIG, else the local cluster's).")
    var kubeconfig: String?

    @OptionGroup var data: DataDirOption

    @Option(name: .shortAndLong, help: "Output format: table, json or yaml.")
    var output: String = CLIOutputFormat.table.rawValue

    func validate() throws {
        guard CLIOutputFormat(rawValue: output) != nil else { throw ValidationError("--output must be table, json or yaml, got \"\(output)\"") }
    }

    var format: CLIOutputFormat { CLIOutputFormat(rawValue: output) ?? .table }

    func client() throws -> KubeClient {
        var path = ServerConfiguration(dataDir: data.absolute).kubeconfigPath
        if let variable = ProcessInfo.processInfo.environment["KUBECONFIG"], !variable.isEmpty { path = variable }
        if let kubeconfig { path = kubeconfig }
        guard FileManager.default.fileExists(atPath: path) else {
            throw ValidationError("no kubeconfig at \(path): start a cluster (ballast up) or pass --kubeconfig")
        }
        return KubeClient(transport: try KubeconfigFile.load(path: path).transport(), fieldManager: "ballast-cli")
    }
}
