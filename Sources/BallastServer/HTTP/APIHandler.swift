import BallastAPI
import BallastMetrics
import BallastStore
import Foundation
internal import Logging

/// The whole API in one function: authentication, authorization, discovery and every
/// resource path. HTTPS and the in-process loopback client both call `handle`.
public final class APIHandler: Sendable {
    let context: ServerContext
    let discovery: Discovery
    let openAPI: OpenAPI
    let authenticator: TokenAuthenticator
    let authorizer = Authorizer()
    let serverAddress: String
    /// What /metrics serves: the request metrics below and whatever else the process
    /// registered (its controllers'); nil serves no /metrics.
    let metrics: MetricsRegistry?
    private let requestMetrics: APIRequestMetrics?

    init(context: ServerContext, discovery: Discovery, authenticator: TokenAuthenticator, serverAddress: String,
         metrics: MetricsRegistry?) {
        self.context = context
        self.discovery = discovery
        self.openAPI = OpenAPI(registry: context.registry)
        self.authenticator = authenticator
        self.serverAddress = serverAddress
        self.metrics = metrics
        self.requestMetrics = metrics.map(APIRequestMetrics.init(registry:))
    }

    /// Answers one request and counts it in `apiserver_request_total` (and its latency in
    /// `apiserver_request_duration_seconds`).
    public func handle(_ incoming: APIRequest) async -> APIResponse {
        let target = RequestTarget(path: incoming.path)
        guard let requestMetrics else { return await serve(incoming, target: target) }
        let clock = ContinuousClock()
        let start = clock.now
        let response = await serve(incoming, target: target)
        requestMetrics.record(incoming, target: target, status: response.status, elapsed: start.duration(to: clock.now))
        return response
    }

    private func serve(_ incoming: APIRequest, target: RequestTarget) async -> APIResponse {
        var request = incoming
        if request.user == nil {
            request.user = authenticator.authenticate(request.headers["authorization"])
        }
        switch target {
        case .version:
            return .json(200, value: ServerVersion.document())
        case .health:
            return APIResponse(status: 200, contentType: "text/plain", body: .bytes(Array("ok".utf8)))
        default:
            break
        }
        guard let user = request.user else { return .error(APIError.unauthorized) }
        guard authorizer.allows(user, method: request.method, target: target) else {
            return .error(APIError.forbidden("User \"\(user.name)\" cannot \(request.method.lowercased()) \(request.path)"))
        }
        do {
            return try await route(request, target: target)
        } catch {
            return .error(error)
        }
    }

    private func route(_ request: APIRequest, target: RequestTarget) async throws(APIError) -> APIResponse {
        switch target {
        case .coreDiscovery:
            return .json(200, value: discovery.coreVersions(serverAddress: serverAddress))
        case .groupList:
            return .json(200, value: discovery.groupList())
        case .group(let name):
            guard let group = discovery.group(named: name) else { throw APIError.pathNotFound }
            return .json(200, value: group)
        case .resourceList(let group, let version):
            guard let list = discovery.resourceList(group: group, version: version) else { throw APIError.pathNotFound }
            return .json(200, value: list)
        case .openAPIIndex:
            return .json(200, value: openAPI.index())
        case .openAPIDocument(let path):
            guard let document = openAPI.document(path) else { throw APIError.pathNotFound }
            if let hash = request.query["hash"], hash != document.hash {
                let location = "/openapi/v3/\(path)?hash=\(document.hash)"
                return APIResponse(status: 301, headers: [("Location", location)], body: .bytes([]))
            }
            let cache = request.query["hash"] == nil ? "no-cache, private" : "public, immutable"
            return .json(200, document.bytes, headers: [("Cache-Control", cache), ("Etag", "\"\(document.hash)\"")])
        case .metrics:
            guard let metrics else { throw APIError.pathNotFound }
            return APIResponse(status: 200, contentType: PrometheusText.contentType, body: .bytes(Array(metrics.render().utf8)))
        case .resource(let path):
            guard let endpoint = context.registry.endpoint(group: path.group, version: path.version, plural: path.resource) else {
                throw APIError.pathNotFound
            }
            return try await endpoint.handle(request, path: path, server: context)
        case .openAPIv2, .unknown, .version, .health:
            throw APIError.pathNotFound
        }
    }
}
