import ArgumentParser
import BallastAPI
import BallastControllers
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

        @Option(help: "Silence after which a node is marked Unknown and tainted unreachable (a Go duration: 40s, 1m).")
        var nodeMonitorGracePeriod: String = "40s"

        @Option(help: "tolerationSeconds given to pods that do not tolerate node.kubernetes.io/not-ready themselves.")
        var defaultNotReadyTolerationSeconds: Int64 = DefaultTolerationSeconds.defaultSeconds

        @Option(help: "tolerationSeconds given to pods that do not tolerate node.kubernetes.io/unreachable themselves.")
        var defaultUnreachableTolerationSeconds: Int64 = DefaultTolerationSeconds.defaultSeconds

        @Option(help: "How long `ballast pv history` keeps a volume's history after the volume is deleted (a Go duration).")
        var volumeHistoryRetention: String = "720h"

        // For tests: CronJob schedules run this many times faster than the wall clock.
        @Option(help: .hidden) var cronClockRate: Double = 1

        func validate() throws {
            guard ListenAddress(listen) != nil else {
                throw ValidationError("--listen must be HOST:PORT with a port from 0 to 65535, got \"\(listen)\"")
            }
            guard let grace = GoDuration.seconds(nodeMonitorGracePeriod), grace > 0 else {
                throw ValidationError("--node-monitor-grace-period must be a positive duration such as 40s or 1m, got \"\(nodeMonitorGracePeriod)\"")
            }
            guard let retention = GoDuration.seconds(volumeHistoryRetention), retention >= 0 else {
                throw ValidationError("--volume-history-retention must be a duration such as 720h, got \"\(volumeHistoryRetention)\"")
            }
            guard cronClockRate > 0 else { throw ValidationError("--cron-clock-rate must be positive") }
            guard defaultNotReadyTolerationSeconds >= 0, defaultUnreachableTolerationSeconds >= 0 else {
                throw ValidationError("--default-not-ready-toleration-seconds and --default-unreachable-toleration-seconds must be 0 or more")
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
            let configuration = ServerConfiguration(dataDir: data.absolute, host: address.host, port: address.port,
                                                    defaultTolerationSeconds: (defaultNotReadyTolerationSeconds, defaultUnreachableTolerationSeconds))
            let server = try APIServer(configuration: configuration, admission: [ReclaimPolicySupport(catalog: drivers)], logger: logger)
            await server.bootstrap()
            var nodeLifecycle = NodeLifecycleController.Configuration()
            nodeLifecycle.gracePeriod = GoDuration.seconds(nodeMonitorGracePeriod) ?? nodeLifecycle.gracePeriod
            let cronClock = cronClockRate == 1 ? ControllerClock.system : .accelerated(from: Date(), rate: cronClockRate)
            let controlPlane = ControlPlane(server: server, drivers: drivers, nodeLifecycle: nodeLifecycle, cronClock: cronClock,
                                            volumeHistoryRetention: GoDuration.seconds(volumeHistoryRetention) ?? 2_592_000, logger: logger)
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
            var services = ServiceGroupConfiguration(services: [.init(service: api), .init(service: controlPlane)],
                                                     gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
            // Open watches and controller loops must not keep a stopping server alive:
            // requests get this long to finish, then everything is cancelled.
            services.maximumGracefulShutdownDuration = .seconds(10)
            services.maximumCancellationDuration = .seconds(5)
            let group = ServiceGroup(configuration: services)
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
