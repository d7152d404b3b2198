/// What a request path names, parsed as kube-apiserver's RequestInfoFactory does.
public enum RequestTarget: Equatable, Sendable {
    case version
    case health
    case metrics
    case coreDiscovery                              // /api
    case groupList                                  // /apis
    case group(String)                              // /apis/{group}
    case resourceList(group: String, version: String) // /api/v1, /apis/{group}/{version}
    case openAPIIndex                               // /openapi/v3
    case openAPIDocument(String)                    // /openapi/v3/apis/apps/v1
    case openAPIv2                                  // /openapi/v2, /swagger.json
    case resource(ResourcePath)
    case unknown

    /// A resource path: a collection or an item, maybe a subresource, maybe in a namespace.
    public struct ResourcePath: Equatable, Sendable {
        public var group: String
        public var version: String
        public var resource: String
        public var namespace: String?
        public var name: String?
        public var subresource: String?
        /// What follows .../nodes/{name}/proxy: the path asked of the node ("/metrics").
        public var proxyPath: String?

        public init(group: String, version: String, resource: String, namespace: String? = nil, name: String? = nil, subresource: String? = nil,
                    proxyPath: String? = nil) {
            self.group = group
            self.version = version
            self.resource = resource
            self.namespace = namespace
            self.name = name
            self.subresource = subresource
            self.proxyPath = proxyPath
        }
    }

    public init(path: String) {
        let parts = path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        guard let first = parts.first else {
            self = .unknown
            return
        }
        switch first {
        case "version": self = parts.count == 1 ? .version : .unknown
        case "healthz", "livez", "readyz": self = .health
        case "metrics": self = parts.count == 1 ? .metrics : .unknown
        case "openapi":
            if parts.count >= 2, parts[1] == "v2" {
                self = .openAPIv2
            } else if parts.count == 2, parts[1] == "v3" {
                self = .openAPIIndex
            } else if parts.count > 2, parts[1] == "v3" {
                self = .openAPIDocument(parts[2...].joined(separator: "/"))
            } else {
                self = .unknown
            }
        case "swagger.json": self = .openAPIv2
        case "api":
            if parts.count == 1 {
                self = .coreDiscovery
            } else if parts.count == 2 {
                self = .resourceList(group: "", version: parts[1])
            } else {
                self = RequestTarget.resource(group: "", version: parts[1], rest: Array(parts[2...]))
            }
        case "apis":
            switch parts.count {
            case 1: self = .groupList
            case 2: self = .group(parts[1])
            case 3: self = .resourceList(group: parts[1], version: parts[2])
            default: self = RequestTarget.resource(group: parts[1], version: parts[2], rest: Array(parts[3...]))
            }
        default:
            self = .unknown
        }
    }

    private static let namespaceSubresources: Set<String> = ["status", "finalize"]

    private static func resource(group: String, version: String, rest: [String]) -> RequestTarget {
        var parts = rest
        var namespace: String?
        if parts.first == "namespaces", parts.count >= 3, !namespaceSubresources.contains(parts[2]) {
            namespace = parts[1]
            parts.removeFirst(2)
        }
        // /api/v1/nodes/{name}/proxy/{path...}: the rest is the node's own path.
        if group.isEmpty, namespace == nil, parts.count >= 3, parts[0] == "nodes", parts[2] == "proxy" {
            return .resource(ResourcePath(group: group, version: version, resource: "nodes", name: parts[1], subresource: "proxy",
                                          proxyPath: "/" + parts[3...].joined(separator: "/")))
        }
        guard !parts.isEmpty, parts.count <= 3 else { return .unknown }
        return .resource(ResourcePath(group: group, version: version, resource: parts[0], namespace: namespace,
                                      name: parts.count > 1 ? parts[1] : nil, subresource: parts.count > 2 ? parts[2] : nil))
    }
}
