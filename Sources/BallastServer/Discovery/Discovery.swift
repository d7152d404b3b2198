import BallastAPI

/// The discovery documents kubectl reads to learn what the server serves: /api, /apis,
/// /apis/{group} and one APIResourceList per group-version.
struct Discovery: Sendable {
    let registry: ResourceRegistry
    /// Extra subresources (plural/sub → verbs), e.g. pods/log.
    let extraSubresources: [Subresource]

    /// A subresource served outside the generic object lifecycle, as discovery lists it.
    struct Subresource: Sendable {
        var resource: String
        var subresource: String
        var verbs: [String]
        /// The subresource's kind when it differs from the resource's.
        var kind: String?
        /// The group and version of that kind, when they differ from the resource's.
        var group: String?
        var version: String?

        init(resource: String, subresource: String, verbs: [String], kind: String? = nil, group: String? = nil, version: String? = nil) {
            self.resource = resource
            self.subresource = subresource
            self.verbs = verbs
            self.kind = kind
            self.group = group
            self.version = version
        }
    }

    static let objectVerbs: [JSONValue] = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"]
    static let subresourceVerbs: [JSONValue] = ["get", "patch", "update"]

    func coreVersions(serverAddress: String) -> JSONValue {
        [
            "kind": "APIVersions", "versions": ["v1"],
            "serverAddressByClientCIDRs": [["clientCIDR": "0.0.0.0/0", "serverAddress": .string(serverAddress)]],
        ]
    }

    func groupList() -> JSONValue {
        let groups = registry.groups.filter { !$0.name.isEmpty }.map { group(name: $0.name, versions: $0.versions) }
        return ["kind": "APIGroupList", "apiVersion": "v1", "groups": .array(groups)]
    }

    func group(name: String, versions: [String]) -> JSONValue {
        let entries: [JSONValue] = versions.map { ["groupVersion": .string("\(name)/\($0)"), "version": .string($0)] }
        return [
            "kind": "APIGroup", "apiVersion": "v1", "name": .string(name), "versions": .array(entries),
            "preferredVersion": entries.first ?? .null,
        ]
    }

    func group(named name: String) -> JSONValue? {
        guard let match = registry.groups.first(where: { $0.name == name && !name.isEmpty }) else { return nil }
        return group(name: match.name, versions: match.versions)
    }

    func resourceList(group: String, version: String) -> JSONValue? {
        let endpoints = registry.endpoints(group: group, version: version)
        guard !endpoints.isEmpty else { return nil }
        var resources: [JSONValue] = []
        for endpoint in endpoints {
            let info = endpoint.info
            var entry: [String: JSONValue] = [
                "name": .string(info.plural), "singularName": .string(info.singular), "namespaced": .bool(info.namespaced),
                "kind": .string(info.kind), "verbs": .array(Discovery.objectVerbs),
            ]
            if !info.shortNames.isEmpty { entry["shortNames"] = .array(info.shortNames.map { .string($0) }) }
            if !info.categories.isEmpty { entry["categories"] = .array(info.categories.map { .string($0) }) }
            resources.append(.object(entry))
            if info.hasStatus {
                resources.append(["name": .string("\(info.plural)/status"), "singularName": "", "namespaced": .bool(info.namespaced),
                                  "kind": .string(info.kind), "verbs": .array(Discovery.subresourceVerbs)])
            }
            if info.hasScale {
                resources.append(["name": .string("\(info.plural)/scale"), "singularName": "", "namespaced": .bool(info.namespaced),
                                  "group": "autoscaling", "version": "v1", "kind": "Scale", "verbs": .array(Discovery.subresourceVerbs)])
            }
            for extra in extraSubresources where extra.resource == info.plural {
                var entry: [String: JSONValue] = [
                    "name": .string("\(info.plural)/\(extra.subresource)"), "singularName": "",
                    "namespaced": .bool(info.namespaced), "kind": .string(extra.kind ?? info.kind),
                    "verbs": .array(extra.verbs.map { .string($0) }),
                ]
                if let group = extra.group { entry["group"] = .string(group) }
                if let version = extra.version { entry["version"] = .string(version) }
                resources.append(.object(entry))
            }
        }
        let groupVersion = group.isEmpty ? version : "\(group)/\(version)"
        return ["kind": "APIResourceList", "apiVersion": "v1", "groupVersion": .string(groupVersion), "resources": .array(resources)]
    }
}
