import BallastAPI
public import BallastMetrics
public import BallastStore
import Foundation
import Hummingbird
public import Logging
public import ServiceLifecycle

/// Where and how the API server runs.
public struct ServerConfiguration: Sendable {
    public var dataDir: String
    public var host: String
    public var port: Int
    /// Names and addresses the serving certificate must cover, beyond localhost.
    public var extraSANs: [String]
    /// The tolerationSeconds a Pod gets for the not-ready and unreachable NoExecute taints
    /// when it names none (upstream --default-not-ready-toleration-seconds and
    /// --default-unreachable-toleration-seconds).
    public var defaultTolerationSeconds: (notReady: Int64, unreachable: Int64)

    public init(dataDir: String, host: String = "127.0.0.1", port: Int = 6443, extraSANs: [String] = [],
                defaultTolerationSeconds: (notReady: Int64, unreachable: Int64) = (DefaultTolerationSeconds.defaultSeconds,
                                                                                    DefaultTolerationSeconds.defaultSeconds)) {
        self.dataDir = dataDir
        self.host = host
        self.port = port
        self.extraSANs = extraSANs
        self.defaultTolerationSeconds = defaultTolerationSeconds
    }

    public var storePath: String { dataDir + "/state.db" }
    public var tokensPath: String { dataDir + "/tokens.csv" }
    public var kubeconfigPath: String { dataDir + "/kubeconfig.yaml" }
}

/// The control plane's API server: the store, the handler every request goes through, and
/// the HTTPS listener. Built once; `service()` runs it until shutdown.
public final class APIServer: Sendable {
    public let configuration: ServerConfiguration
    public let store: SQLiteStore
    public let handler: APIHandler
    public let certificates: ClusterCertificates
    /// The process's metrics, served at /metrics: the server's request metrics, and what
    /// the controllers running beside it register here.
    public let metrics: MetricsRegistry
    /// The identity in-process controllers act as.
    public let loopbackUser = UserInfo(name: "system:apiserver", uid: "loopback", groups: ["system:masters"])
    private let logger: Logger

    /// Opens (or initialises) the data directory: store, CA and certificates, tokens and
    /// the admin kubeconfig.
    public init(configuration: ServerConfiguration, admission extraAdmission: [any AdmissionPlugin] = [],
                metrics: MetricsRegistry = MetricsRegistry(), logger: Logger = Logger(label: "ballast.apiserver")) throws {
        self.configuration = configuration
        self.metrics = metrics
        self.logger = logger
        try FileManager.default.createDirectory(atPath: configuration.dataDir, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        // The store holds Secrets and the tokens file admin credentials: whoever made the
        // directory first (`ballast up` makes it for its logs), only root may look inside.
        try FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: configuration.dataDir)
        let registry = ResourceRegistry(BuiltinResources.endpoints)
        store = try SQLiteStore(path: configuration.storePath, indexer: { resource, data in
            registry.index(resource: resource, data: data)
        })
        let hosts = [configuration.host] + configuration.extraSANs + [ProcessInfo.processInfo.hostName]
        certificates = try ClusterCertificates.loadOrCreate(dataDir: configuration.dataDir,
                                                            hosts: hosts.filter { !$0.isEmpty && $0 != "0.0.0.0" && $0 != "::" })
        if TokenAuthenticator.read(configuration.tokensPath).first(where: { $0.user.isAdmin }) == nil {
            try TokenAuthenticator.append(.init(token: TokenAuthenticator.newToken(),
                                                user: UserInfo(name: "admin", uid: "admin", groups: ["system:masters"])),
                                          to: configuration.tokensPath)
        }
        let context = ServerContext(store: store, registry: registry, admission: Self.builtinAdmission(configuration) + extraAdmission,
                                    subresources: NodeProxy.handlers.merging(["pods/eviction": PodEviction()]) { first, _ in first },
                                    logger: logger)
        let address = "\(configuration.host == "0.0.0.0" ? "127.0.0.1" : configuration.host):\(configuration.port)"
        handler = APIHandler(context: context, discovery: Discovery(registry: registry, extraSubresources: Self.extraSubresources),
                             authenticator: TokenAuthenticator(path: configuration.tokensPath), serverAddress: address, metrics: metrics)
    }

    /// kube-apiserver's default admission chain, in its order, reduced to what Ballast serves.
    static func builtinAdmission(_ configuration: ServerConfiguration) -> [any AdmissionPlugin] {
        let tolerations = configuration.defaultTolerationSeconds
        return [
            NamespaceLifecycle(), NodeRestriction(),
            DefaultTolerationSeconds(notReadySeconds: tolerations.notReady, unreachableSeconds: tolerations.unreachable),
            DefaultStorageClass(), StorageObjectInUseProtection(), PersistentVolumeClaimResize(),
        ]
    }

    /// Subresources served outside the generic object lifecycle, as discovery lists them.
    /// `kind` names the subresource's kind when it differs from the resource's, in the group
    /// and version given, if any (kubectl drain looks for pods/eviction as policy/v1 Eviction).
    static let extraSubresources: [Discovery.Subresource] = [
        .init(resource: "namespaces", subresource: "finalize", verbs: ["update"]),
        .init(resource: "pods", subresource: "binding", verbs: ["create"], kind: "Binding"),
        .init(resource: "pods", subresource: "eviction", verbs: ["create"], kind: "Eviction", group: "policy", version: "v1"),
        .init(resource: "pods", subresource: "log", verbs: ["get"]),
        .init(resource: "nodes", subresource: "proxy", verbs: ["get", "delete"]),
    ]

    /// The admin token from the tokens file.
    public var adminToken: String? {
        TokenAuthenticator.read(configuration.tokensPath).first { $0.user.isAdmin }?.token
    }

    /// Writes the admin kubeconfig for the given URL and returns its path.
    @discardableResult
    public func writeKubeconfig(port: Int) throws -> String {
        let host = configuration.host == "0.0.0.0" || configuration.host.isEmpty ? "127.0.0.1" : configuration.host
        let url = host.contains(":") ? "https://[\(host)]:\(port)" : "https://\(host):\(port)"
        let text = Kubeconfig.render(server: url, caPEM: certificates.caCertificatePEM, token: adminToken ?? "")
        try ClusterCertificates.write(text, to: configuration.kubeconfigPath, mode: 0o600)
        return configuration.kubeconfigPath
    }

    /// Creates the namespaces every cluster has, if missing.
    public func bootstrap() async {
        for name in ["default", "kube-system", "kube-public", "kube-node-lease"] {
            let body = Array(#"{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"\#(name)"}}"#.utf8)
            _ = await handler.handle(APIRequest(method: "POST", path: "/api/v1/namespaces", headers: ["content-type": "application/json"],
                                                body: body, user: loopbackUser))
        }
    }

    /// A service that serves HTTPS until shutdown, then closes the store. `onRunning`
    /// receives the bound port (useful with port 0).
    public func service(onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) throws -> any ServiceLifecycle.Service {
        let app = try HTTPSServer.makeApplication(handler: handler, host: configuration.host, port: configuration.port,
                                                  certificates: certificates, onRunning: onRunning)
        return StoreClosingService(app: app, store: store)
    }
}

/// Runs the HTTPS application and closes the store after it stops, so every answered
/// write is already durable and no later one is accepted.
struct StoreClosingService<App: ApplicationProtocol>: ServiceLifecycle.Service {
    let app: App
    let store: SQLiteStore

    func run() async throws {
        defer { store.close() }
        // A watch streams until its client goes: end them all when shutdown begins, or the
        // server would wait on them until it is cancelled.
        try await withGracefulShutdownHandler {
            try await app.run()
        } onGracefulShutdown: {
            store.finishWatches()
        }
    }
}
