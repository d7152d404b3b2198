import BallastAPI

/// Minimal OpenAPI v3 documents, one per group-version: enough for kubectl to know that
/// each kind accepts `fieldValidation` (so apply, create, replace and edit validate on the
/// server) and which patch types it takes. Full schemas are not served.
struct OpenAPI: Sendable {
    let registry: ResourceRegistry
    private let documents: [String: (bytes: [UInt8], hash: String)]

    init(registry: ResourceRegistry) {
        self.registry = registry
        var documents: [String: (bytes: [UInt8], hash: String)] = [:]
        for (group, versions) in registry.groups {
            for version in versions {
                let path = group.isEmpty ? "api/\(version)" : "apis/\(group)/\(version)"
                let bytes = OpenAPI.document(registry.endpoints(group: group, version: version), prefix: "/" + path).serialized()
                documents[path] = (bytes, OpenAPI.hash(bytes))
            }
        }
        self.documents = documents
    }

    /// The index: each group-version with a URL that carries its content hash.
    func index() -> JSONValue {
        var paths: [String: JSONValue] = [:]
        for (path, document) in documents {
            paths[path] = ["serverRelativeURL": .string("/openapi/v3/\(path)?hash=\(document.hash)")]
        }
        return ["paths": .object(paths)]
    }

    /// The document for `path` ("api/v1"); the current hash, to redirect stale ones.
    func document(_ path: String) -> (bytes: [UInt8], hash: String)? { documents[path] }

    private static func document(_ endpoints: [any ResourceEndpoint], prefix: String) -> JSONValue {
        var paths: [String: JSONValue] = [:]
        let parameters: JSONValue = [
            ["name": "fieldValidation", "in": "query", "schema": ["type": "string"]],
            ["name": "fieldManager", "in": "query", "schema": ["type": "string"]],
            ["name": "dryRun", "in": "query", "schema": ["type": "string"]],
        ]
        for endpoint in endpoints {
            let info = endpoint.info
            let gvk: JSONValue = ["group": .string(info.group), "version": .string(info.version), "kind": .string(info.kind)]
            let item = info.namespaced ? "\(prefix)/namespaces/{namespace}/\(info.plural)/{name}" : "\(prefix)/\(info.plural)/{name}"
            let collection = info.namespaced ? "\(prefix)/namespaces/{namespace}/\(info.plural)" : "\(prefix)/\(info.plural)"
            let operation: (String) -> JSONValue = { verb in
                [
                    "x-kubernetes-group-version-kind": gvk, "x-kubernetes-action": .string(verb),
                    "parameters": parameters, "responses": ["200": ["description": "OK"]],
                ]
            }
            // No requestBody: advertising strategic merge without schemas makes kubectl warn
            // and fall back; without it kubectl uses its compiled-in types directly.
            paths[item] = ["get": operation("get"), "put": operation("put"), "delete": operation("delete"), "patch": operation("patch")]
            paths[collection] = ["get": operation("list"), "post": operation("post")]
        }
        return ["openapi": "3.0.0", "info": ["title": "Ballast", "version": .string(ServerVersion.gitVersion)], "paths": .object(paths)]
    }

    /// A stable content hash (FNV-1a 64, hex) for the cache-busting URL.
    private static func hash(_ bytes: [UInt8]) -> String {
        var value: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            value ^= UInt64(byte)
            value = value &* 0x100_0000_01b3
        }
        let hex = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}

/// What /version answers. The minor version decides which kubectl the Google Cloud SDK
/// dispatcher runs (kubectl-compat.md G1): 32 selects kubectl 1.32, which the tests target.
enum ServerVersion {
    static let major = "1"
    static let minor = "32"
    static let gitVersion = "v1.32.4+ballast"

    static func document() -> JSONValue {
        [
            "major": .string(major), "minor": .string(minor), "gitVersion": .string(gitVersion),
            "gitCommit": "ballast", "gitTreeState": "clean", "buildDate": "2026-12-01T00:00:00Z",
            "goVersion": "swift6.3", "compiler": "swift", "platform": "linux/amd64",
        ]
    }
}
