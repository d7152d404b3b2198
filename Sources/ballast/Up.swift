import ArgumentParser
import BallastClient
import BallastServer
import Foundation

extension Ballast {
    /// Brings up a whole local cluster in the background.
    struct Up: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Start a local cluster in the background and print its kubeconfig path (last line).",
            discussion: "Running it again while the cluster runs changes nothing. Stop it with `ballast down`.")

        @OptionGroup var data: DataDirOption

        @Option(help: "Address the API server listens on, HOST:PORT.")
        var listen: String = "127.0.0.1:6443"

        @Option(help: "How many node agents to start.")
        var nodes: Int = 1

        func validate() throws {
            guard ListenAddress(listen) != nil else { throw ValidationError("--listen must be HOST:PORT, got \"\(listen)\"") }
            guard (0...16).contains(nodes) else { throw ValidationError("--nodes must be between 0 and 16, got \(nodes)") }
        }

        func run() async throws {
            let cluster = LocalCluster(dataDir: data.absolute)
            let started = Date()
            let kubeconfig = ServerConfiguration(dataDir: data.absolute).kubeconfigPath
            if cluster.runningPID("server") == nil {
                step("starting the API server (log: \(cluster.logFile("server")))")
                try? FileManager.default.removeItem(atPath: kubeconfig)
                _ = try cluster.start("server", arguments: ["server", "--data-dir", data.absolute, "--listen", listen])
            } else {
                step("the API server is already running")
            }
            try await waitForServer(kubeconfig: kubeconfig, cluster: cluster)
            step(String(format: "cluster ready in %.1fs", Date().timeIntervalSince(started)))
            print("")
            print("Use it with:  export KUBECONFIG=\(kubeconfig)  (then: kubectl get nodes)")
            print(kubeconfig)
        }

        private func step(_ text: String) {
            print("==> \(text)")
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
    struct Down: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Stop the local cluster. Volumes and state are kept unless --purge is given.")

        @OptionGroup var data: DataDirOption

        @Flag(help: "Also delete the data directory: every object and every volume's data.")
        var purge = false

        func run() throws {
            let cluster = LocalCluster(dataDir: data.absolute)
            let stopped = cluster.stop("server")
            print(stopped ? "==> stopped the API server" : "==> the API server was not running")
            if purge {
                try FileManager.default.removeItem(atPath: data.absolute)
                print("==> removed \(data.absolute)")
            }
        }
    }
}
