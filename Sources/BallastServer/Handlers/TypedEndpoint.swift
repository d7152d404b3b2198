import BallastAPI
import BallastStore
import Foundation

/// Serves the REST paths of one kind: the generic object lifecycle of kube-apiserver's
/// registry (create, get, list, watch, update, patch, delete, status and scale), with the
/// kind's own rules supplied by its `APIResource` conformance.
struct TypedEndpoint<T: APIResource>: ResourceEndpoint {
    let selectableFieldNames: Set<String>

    init() {
        // An empty object lists every field the kind supports (APIResource's contract).
        let empty = try? APICodec.decode(T.self, from: Array(#"{"metadata":{}}"#.utf8))
        selectableFieldNames = Set((empty?.selectableFields ?? [:]).keys).union(["metadata.name", "metadata.namespace"])
    }

    var info: ResourceInfo { T.resource }

    func handle(_ request: APIRequest, path: RequestTarget.ResourcePath, server: ServerContext) async throws(APIError) -> APIResponse {
        if T.resource.namespaced == false, path.namespace != nil { throw APIError.pathNotFound }
        switch (request.method, path.name, path.subresource) {
        case ("GET", nil, nil):
            let watching = request.query["watch"] == "true" || request.query["watch"] == "1"
            return watching ? try watch(request, namespace: path.namespace, server: server) : try list(request, namespace: path.namespace, server: server)
        case ("POST", nil, nil):
            return try await create(request, namespace: try requireNamespace(path), server: server)
        case ("DELETE", nil, nil):
            return try await deleteCollection(request, namespace: path.namespace, server: server)
        case ("GET", .some(let name), nil), ("GET", .some(let name), "status"):
            return try get(request, key: try key(path, name), server: server)
        case ("PUT", .some(let name), nil):
            return try await update(request, key: try key(path, name), subresource: nil, server: server)
        case ("POST", .some(let name), "binding") where T.self == Pod.self:
            return try await bind(request, key: try key(path, name), server: server)
        case ("PUT", .some(let name), "finalize") where T.self == Namespace.self:
            return try await update(request, key: try key(path, name), subresource: "finalize", server: server)
        case ("PUT", .some(let name), "status") where T.resource.hasStatus:
            return try await update(request, key: try key(path, name), subresource: "status", server: server)
        case ("PATCH", .some(let name), nil):
            return try await patch(request, key: try key(path, name), subresource: nil, server: server)
        case ("PATCH", .some(let name), "status") where T.resource.hasStatus:
            return try await patch(request, key: try key(path, name), subresource: "status", server: server)
        case ("DELETE", .some(let name), nil):
            return try await delete(request, key: try key(path, name), server: server)
        case (_, .some(let name), "scale") where T.resource.hasScale:
            return try await scale(request, key: try key(path, name), server: server)
        case (_, .some, .some(let subresource)):
            if let handler = server.subresources["\(T.resource.plural)/\(subresource)"] {
                return try await handler.handle(request, path: path, server: server)
            }
            throw APIError.pathNotFound
        case ("GET", _, _), ("POST", _, _), ("PUT", _, _), ("PATCH", _, _), ("DELETE", _, _):
            throw APIError.methodNotAllowed()
        default:
            throw APIError.methodNotAllowed()
        }
    }

    private func requireNamespace(_ path: RequestTarget.ResourcePath) throws(APIError) -> String {
        guard T.resource.namespaced else { return "" }
        guard let namespace = path.namespace else { throw APIError.pathNotFound }
        return namespace
    }

    private func key(_ path: RequestTarget.ResourcePath, _ name: String) throws(APIError) -> ObjectKey {
        if T.resource.namespaced && path.namespace == nil { throw APIError.pathNotFound }
        return ObjectKey(resource: T.resource.qualifiedName, namespace: path.namespace ?? "", name: name)
    }

    // MARK: Encoding

    /// The object's state at a revision, as the store keeps it.
    static func render(_ object: T) -> Renderer {
        { revision in
            var copy = object
            copy.metadata.resourceVersion = String(revision)
            return RenderedObject(uid: copy.uid, data: APICodec.encode(copy), labels: copy.metadata.labels ?? [:], fields: fields(of: copy))
        }
    }

    static func fields(of object: T) -> [String: String] {
        var fields = object.selectableFields
        fields["metadata.name"] = object.name
        fields["metadata.namespace"] = object.namespace
        return fields
    }

    func index(_ data: [UInt8]) -> RenderedObject? {
        guard let object = try? APICodec.decode(T.self, from: data) else { return nil }
        return RenderedObject(uid: object.uid, data: data, labels: object.metadata.labels ?? [:], fields: Self.fields(of: object))
    }

    func decodeStored(_ stored: StoredObject) throws(APIError) -> T {
        do {
            return try APICodec.decode(T.self, from: stored.data)
        } catch {
            throw APIError.internalError("stored \(T.resource.kind) \(stored.key) does not decode: \(error)")
        }
    }

    /// Decodes a request body into the kind, checking apiVersion and kind and reporting
    /// unknown fields as fieldValidation asks (Strict: 400; Warn, the default: warnings).
    func decodeBody(_ input: JSONValue, fieldValidation: String?) throws(APIError) -> (T, warnings: [String]) {
        guard case .object = input else {
            throw APIError.badRequest("the body of the request must be a JSON object for \(T.resource.kind)")
        }
        if let apiVersion = input["apiVersion"]?.stringValue, !apiVersion.isEmpty, apiVersion != T.gvk.apiVersion {
            throw APIError.badRequest("the API version in the data (\(apiVersion)) does not match the expected API version (\(T.gvk.apiVersion))")
        }
        if let kind = input["kind"]?.stringValue, !kind.isEmpty, kind != T.gvk.kind {
            throw APIError.badRequest("the kind in the data (\(kind)) does not match the expected kind (\(T.gvk.kind))")
        }
        let object: T
        do {
            object = try APICodec.decode(T.self, from: input)
        } catch {
            throw APIError.badRequest("\(T.gvk.kind) in version \"\(T.gvk.version)\" cannot be handled as a \(T.gvk.kind): \(error.reason)")
        }
        let mode = fieldValidation ?? "Warn"
        guard mode != "Ignore" else { return (object, []) }
        let unknown = UnknownFields.find(input: input, known: APICodec.encodeValue(object))
        guard !unknown.isEmpty else { return (object, []) }
        let messages = unknown.map { "unknown field \"\($0)\"" }
        if mode == "Strict" {
            throw APIError.badRequest("strict decoding error: " + messages.joined(separator: ", "))
        }
        return (object, messages)
    }

    static func warningHeaders(_ warnings: [String]) -> [(String, String)] {
        warnings.map { ("Warning", "299 - \"\($0.replacingOccurrences(of: "\"", with: "\\\""))\"") }
    }

    func validationFailure(_ object: T, _ errors: [FieldError]) -> APIError {
        APIError.invalid(kind: T.gvk.kind, group: T.gvk.group, name: object.name, errors: errors)
    }

    static func isDryRun(_ request: APIRequest) -> Bool { request.query["dryRun"] == "All" }

    /// The field manager: the query parameter, or the client's name from its User-Agent.
    static func fieldManager(_ request: APIRequest) -> String {
        if let manager = request.query["fieldManager"], !manager.isEmpty { return manager }
        let agent = request.headers["user-agent"] ?? ""
        let name = agent.split(separator: "/").first.map(String.init) ?? ""
        return name.isEmpty ? "unknown" : String(name.prefix(128))
    }
}
