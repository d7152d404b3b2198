import ArgumentParser
import BallastServer
import Foundation

extension Ballast {
    /// Prints where the admin kubeconfig is.
    struct Kubeconfig: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the path of the cluster's admin kubeconfig (last line of output).")

        @OptionGroup var data: DataDirOption

        func run() throws {
            let path = ServerConfiguration(dataDir: data.absolute).kubeconfigPath
            guard FileManager.default.fileExists(atPath: path) else {
                throw ValidationError("no kubeconfig at \(path): start the server first (ballast server --data-dir \(data.dataDir), or ballast up)")
            }
            print(path)
        }
    }
}
