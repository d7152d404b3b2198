import BallastClient
import BallastServer
import Logging
import ServiceLifecycle

/// The controllers that run beside the API server, talking to it through the loopback
/// transport. Stops when the service group shuts down.
struct ControlPlane: Service {
    let server: APIServer
    let logger: Logger

    func run() async throws {
        let client = KubeClient(transport: LoopbackTransport(handler: server.handler, user: server.loopbackUser),
                                fieldManager: "ballast-controller-manager")
        _ = client
        try await gracefulShutdown()
    }
}
