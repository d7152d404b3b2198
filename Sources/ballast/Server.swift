import ArgumentParser
import BallastServer
import Foundation
import Logging
import ServiceLifecycle
import UnixSignals

extension Ballast {
    /// Runs the control plane: API server, controllers and scheduler.
    struct Server: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run the control plane (API server, controllers, scheduler) in the foreground.",
            discussion: "SIGTERM or SIGINT shuts it down cleanly: requests in flight finish, the store closes.")

        @OptionGroup var data: DataDirOption

        @Option(help: "Address to listen on, HOST:PORT (port 0 picks a free port).")
        var listen: String = "127.0.0.1:6443"

        func validate() throws {
            guard ListenAddress(listen) != nil else {
                throw ValidationError("--listen must be HOST:PORT with a port from 0 to 65535, got \"\(listen)\"")
            }
        }

        func run() async throws {
            guard let address = ListenAddress(listen) else { throw ValidationError("invalid --listen \(listen)") }
            LoggingSystem.bootstrap { label in
                var handler = StreamLogHandler.standardError(label: label)
                handler.logLevel = .info
                return handler
            }
            let logger = Logger(label: "ballast.server")
            let drivers = StorageDrivers()
            let server = try APIServer(configuration: ServerConfiguration(dataDir: data.absolute, host: address.host, port: address.port),
                                       admission: [ReclaimPolicySupport(catalog: drivers)], logger: logger)
            await server.bootstrap()
            let controlPlane = ControlPlane(server: server, drivers: drivers, logger: logger)
            let api = try server.service { port in
                do {
                    let path = try server.writeKubeconfig(port: port)
                    logger.info("serving", metadata: ["address": "\(address.host):\(port)", "kubeconfig": "\(path)"])
                    // Unbuffered, so a parent reading our stdout sees it at once.
                    FileHandle.standardOutput.write(Data((path + "\n").utf8))
                } catch {
                    logger.error("cannot write the kubeconfig: \(error)")
                }
            }
            var configuration = ServiceGroupConfiguration(services: [.init(service: api), .init(service: controlPlane)],
                                                          gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
            // Open watches and controller loops must not keep a stopping server alive:
            // requests get this long to finish, then everything is cancelled.
            configuration.maximumGracefulShutdownDuration = .seconds(10)
            configuration.maximumCancellationDuration = .seconds(5)
            let group = ServiceGroup(configuration: configuration)
            try await group.run()
        }
    }
}

/// HOST:PORT, with IPv6 hosts in brackets.
struct ListenAddress {
    var host: String
    var port: Int

    init?(_ text: String) {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (0...65535).contains(port) else { return nil }
        var host = String(text[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty else { return nil }
        self.host = host
        self.port = port
    }
}
