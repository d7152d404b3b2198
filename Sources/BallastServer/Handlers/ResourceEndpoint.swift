import BallastAPI
import BallastStore

/// Serves one kind's REST paths. `TypedEndpoint<T>` is the only implementation; this
/// protocol lets the registry hold endpoints of every kind side by side.
protocol ResourceEndpoint: Sendable {
    var info: ResourceInfo { get }
    /// The field selector names the kind supports.
    var selectableFieldNames: Set<String> { get }
    /// Handles a request whose path names this resource.
    func handle(_ request: APIRequest, path: RequestTarget.ResourcePath, server: ServerContext) async throws(APIError) -> APIResponse
    /// Recomputes uid, labels and fields of a stored document (store reload).
    func index(_ data: [UInt8]) -> RenderedObject?
}

/// Finds the endpoint for a group, version and plural, and lists what discovery shows.
final class ResourceRegistry: Sendable {
    let endpoints: [any ResourceEndpoint]
    private let byPath: [String: any ResourceEndpoint]
    private let byResource: [String: any ResourceEndpoint]

    init(_ endpoints: [any ResourceEndpoint]) {
        self.endpoints = endpoints
        var byPath: [String: any ResourceEndpoint] = [:]
        var byResource: [String: any ResourceEndpoint] = [:]
        for endpoint in endpoints {
            byPath["\(endpoint.info.group)/\(endpoint.info.version)/\(endpoint.info.plural)"] = endpoint
            byResource[endpoint.info.qualifiedName] = endpoint
        }
        self.byPath = byPath
        self.byResource = byResource
    }

    func endpoint(group: String, version: String, plural: String) -> (any ResourceEndpoint)? {
        byPath["\(group)/\(version)/\(plural)"]
    }

    /// The endpoint whose store resource name ("pods", "deployments.apps") is `resource`.
    func endpoint(storeResource resource: String) -> (any ResourceEndpoint)? { byResource[resource] }

    /// Groups in the order discovery lists them (core first), each with its versions.
    var groups: [(name: String, versions: [String])] {
        var order: [String] = []
        var versions: [String: [String]] = [:]
        for endpoint in endpoints {
            let group = endpoint.info.group
            if versions[group] == nil { order.append(group) }
            if !(versions[group]?.contains(endpoint.info.version) ?? false) { versions[group, default: []].append(endpoint.info.version) }
        }
        return order.map { ($0, versions[$0] ?? []) }
    }

    func endpoints(group: String, version: String) -> [any ResourceEndpoint] {
        endpoints.filter { $0.info.group == group && $0.info.version == version }
    }

    /// Recomputes what the store indexes for a stored document.
    func index(resource: String, data: [UInt8]) -> RenderedObject? {
        byResource[resource]?.index(data)
    }
}
