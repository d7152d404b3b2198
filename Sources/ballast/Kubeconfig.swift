import ArgumentParser
import BallastServer
import Foundation

extension Ballast {
    /// Prints where the admin kubeconfig is, or makes and prints a node agent's.
    struct Kubeconfig: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the path of the cluster's admin kubeconfig, or of a node's (last line of output).",
            discussion: """
            With --node NAME the kubeconfig holds that node's own token (made on first use): \
            an agent started with it may write only its Node, its Lease and the pods bound to it.
            """)

        @OptionGroup var data: DataDirOption
        @Option(help: "Make (if needed) and print the kubeconfig of this node's agent.") var node: String?

        func run() throws {
            let path = ServerConfiguration(dataDir: data.absolute).kubeconfigPath
            guard FileManager.default.fileExists(atPath: path) else {
                throw ValidationError("no kubeconfig at \(path): start the server first (ballast server --data-dir \(data.dataDir), or ballast up)")
            }
            if let node {
                print(try NodeCredentials.kubeconfig(node: node, dataDir: data.absolute))
            } else {
                print(path)
            }
        }
    }
}
