public import BallastClient
public import BallastServer
public import Foundation
import BallastStore
import ServiceLifecycle

/// A real API server inside the test process (HTTPS on a free loopback port, SQLite in a
/// temporary directory), for tests of controllers and agents that talk to it with a real
/// client. Stopped and removed by `shutdown()`.
public final class InProcessServer: Sendable {
    public let server: APIServer
    public let kubeconfig: String
    public let client: KubeClient
    private let task: Task<Void, Never>
    public let dataDir: String

    /// Starts a server and waits until it serves.
    public static func start() async throws -> InProcessServer {
        let dataDir = TemporaryDirectory.make(prefix: "ballast-inprocess")
        let server = try APIServer(configuration: ServerConfiguration(dataDir: dataDir, host: "127.0.0.1", port: 0))
        await server.bootstrap()
        let port = Locked<Int?>(nil)
        let service = try server.service { bound in port.withLock { $0 = bound } }
        let task = Task<Void, Never> {
            do { try await service.run() } catch {}
        }
        let deadline = Date().addingTimeInterval(30)
        while port.value == nil, Date() < deadline { try await Task.sleep(nanoseconds: 20_000_000) }
        guard let bound = port.value else { throw TestEnvironmentError("the in-process API server did not start") }
        let kubeconfig = try server.writeKubeconfig(port: bound)
        let client = KubeClient(transport: try KubeconfigFile.load(path: kubeconfig).transport(), fieldManager: "test")
        return InProcessServer(server: server, kubeconfig: kubeconfig, client: client, task: task, dataDir: dataDir)
    }

    private init(server: APIServer, kubeconfig: String, client: KubeClient, task: Task<Void, Never>, dataDir: String) {
        self.server = server
        self.kubeconfig = kubeconfig
        self.client = client
        self.task = task
        self.dataDir = dataDir
    }

    /// Stops serving and removes the data directory.
    public func shutdown() async {
        task.cancel()
        _ = await task.value
        server.store.close()
        try? FileManager.default.removeItem(atPath: dataDir)
    }

    /// Runs `body` against a fresh server, shutting it down afterwards even when it throws.
    public static func with<Result: Sendable>(_ body: (InProcessServer) async throws -> Result) async throws -> Result {
        let server = try await start()
        do {
            let result = try await body(server)
            await server.shutdown()
            return result
        } catch {
            await server.shutdown()
            throw error
        }
    }

    /// Polls `condition` until it holds or `timeout` passes.
    public static func eventually(timeout: TimeInterval = 20, _ condition: () async throws -> Bool) async rethrows -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if try await condition() { return true }
            try? await Task.sleep(nanoseconds: 50_000_000)
        }
        return try await condition()
    }
}
