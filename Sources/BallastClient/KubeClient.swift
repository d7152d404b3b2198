public import BallastAPI
import Foundation

/// A typed client for the Ballast (Kubernetes) API.
public struct KubeClient: Sendable {
    public let transport: any ClientTransport
    /// The field manager recorded for this client's writes.
    public var fieldManager: String

    public init(transport: any ClientTransport, fieldManager: String = "ballast") {
        self.transport = transport
        self.fieldManager = fieldManager
    }

    /// The patch formats the API accepts.
    public enum PatchType: String, Sendable {
        case merge = "application/merge-patch+json"
        case json = "application/json-patch+json"
        case strategic = "application/strategic-merge-patch+json"
        case apply = "application/apply-patch+yaml"
    }

    /// "/api/v1/namespaces/ns/pods/name/status" for a kind, namespace, name and subresource.
    public static func path<T: APIResource>(_ type: T.Type, namespace: String?, name: String? = nil, subresource: String? = nil) -> String {
        let info = T.resource
        var path = info.group.isEmpty ? "/api/\(info.version)" : "/apis/\(info.group)/\(info.version)"
        if info.namespaced, let namespace, !namespace.isEmpty { path += "/namespaces/\(namespace)" }
        path += "/\(info.plural)"
        if let name { path += "/\(name)" }
        if let subresource { path += "/\(subresource)" }
        return path
    }

    func call(_ request: ClientRequest) async throws(ClientError) -> [UInt8] {
        let response: ClientResponse
        do {
            response = try await transport.send(request)
        } catch {
            throw .transport("\(error)")
        }
        guard (200..<300).contains(response.status) else {
            if let status = try? APICodec.decode(Status.self, from: response.body), status.kind == "Status" {
                throw .status(status)
            }
            throw .status(Status(status: "Failure", message: String(decoding: response.body.prefix(500), as: UTF8.self), code: response.status))
        }
        return response.body
    }

    func decode<V: Decodable>(_ type: V.Type, _ bytes: [UInt8]) throws(ClientError) -> V {
        do {
            return try APICodec.decode(type, from: bytes)
        } catch {
            throw .decoding(error.description)
        }
    }

    public func get<T: APIResource>(_ type: T.Type, namespace: String = "", name: String) async throws(ClientError) -> T {
        try decode(T.self, try await call(ClientRequest(method: "GET", path: Self.path(T.self, namespace: namespace, name: name))))
    }

    /// The object, or nil when it does not exist.
    public func getIfPresent<T: APIResource>(_ type: T.Type, namespace: String = "", name: String) async throws(ClientError) -> T? {
        do {
            return try await get(type, namespace: namespace, name: name)
        } catch where error.isNotFound {
            return nil
        }
    }

    public func list<T: APIResource>(_ type: T.Type, namespace: String? = nil, labelSelector: String? = nil,
                                     fieldSelector: String? = nil) async throws(ClientError) -> ObjectList<T> {
        var query: [(String, String)] = []
        if let labelSelector { query.append(("labelSelector", labelSelector)) }
        if let fieldSelector { query.append(("fieldSelector", fieldSelector)) }
        return try decode(ObjectList<T>.self, try await call(ClientRequest(method: "GET", path: Self.path(T.self, namespace: namespace), query: query)))
    }

    public func create<T: APIResource>(_ object: T) async throws(ClientError) -> T {
        let request = ClientRequest(method: "POST", path: Self.path(T.self, namespace: object.metadata.namespace),
                                    query: [("fieldManager", fieldManager)], headers: [("Content-Type", "application/json")],
                                    body: APICodec.encode(object))
        return try decode(T.self, try await call(request))
    }

    /// Replaces the object; 409 if its resourceVersion is stale.
    public func update<T: APIResource>(_ object: T) async throws(ClientError) -> T {
        try await put(object, subresource: nil)
    }

    /// Writes the object's status through the status subresource.
    public func updateStatus<T: APIResource>(_ object: T) async throws(ClientError) -> T {
        try await put(object, subresource: "status")
    }

    private func put<T: APIResource>(_ object: T, subresource: String?) async throws(ClientError) -> T {
        let request = ClientRequest(method: "PUT", path: Self.path(T.self, namespace: object.metadata.namespace, name: object.name, subresource: subresource),
                                    query: [("fieldManager", fieldManager)], headers: [("Content-Type", "application/json")],
                                    body: APICodec.encode(object))
        return try decode(T.self, try await call(request))
    }

    public func patch<T: APIResource>(_ type: T.Type, namespace: String = "", name: String, patch: JSONValue,
                                      as patchType: PatchType = .merge, subresource: String? = nil) async throws(ClientError) -> T {
        var query = [("fieldManager", fieldManager)]
        if patchType == .apply { query.append(("force", "true")) }
        let request = ClientRequest(method: "PATCH", path: Self.path(T.self, namespace: namespace, name: name, subresource: subresource),
                                    query: query, headers: [("Content-Type", patchType.rawValue)], body: patch.serialized())
        return try decode(T.self, try await call(request))
    }

    /// Deletes the object. Returns normally if it is already gone when `ignoreNotFound`.
    public func delete<T: APIResource>(_ type: T.Type, namespace: String = "", name: String, options: DeleteOptions = DeleteOptions(),
                                       ignoreNotFound: Bool = false) async throws(ClientError) {
        let request = ClientRequest(method: "DELETE", path: Self.path(T.self, namespace: namespace, name: name),
                                    headers: [("Content-Type", "application/json")], body: APICodec.encode(options))
        do {
            _ = try await call(request)
        } catch where ignoreNotFound && error.isNotFound {
            return
        }
    }

    /// Sends a raw request and returns the body (for subresources without a typed call).
    public func raw(_ request: ClientRequest) async throws(ClientError) -> [UInt8] {
        try await call(request)
    }
}

/// A `<Kind>List`.
public struct ObjectList<T: APIResource>: Decodable, Sendable {
    public var metadata: ListMeta
    public var items: [T]

    public var resourceVersion: Int64 { metadata.resourceVersion.flatMap { Int64($0) } ?? 0 }
}
