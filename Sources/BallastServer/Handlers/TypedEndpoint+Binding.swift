import BallastAPI
import BallastStore

extension TypedEndpoint {
    /// POST pods/{name}/binding: assigns a pending pod to a node, as the scheduler does.
    /// The binding is its own write path (upstream's BindingREST): it sets spec.nodeName,
    /// which an ordinary update may not change, and refuses a pod that is already bound (409).
    func bind(_ request: APIRequest, key: ObjectKey, server: ServerContext) async throws(APIError) -> APIResponse {
        let body = try BodyReader.value(of: request)
        if let name = body[path: ["metadata", "name"]]?.stringValue, !name.isEmpty, name != key.name {
            throw APIError.badRequest("the name of the object (\(name)) does not match the name on the URL (\(key.name))")
        }
        guard let node = body[path: ["target", "name"]]?.stringValue, !node.isEmpty else {
            throw APIError.invalid(kind: "Binding", group: "", name: key.name, errors: [.required(FieldPath("target").child("name"))])
        }
        if let kind = body[path: ["target", "kind"]]?.stringValue, !kind.isEmpty, kind != "Node" {
            throw APIError.invalid(kind: "Binding", group: "", name: key.name,
                                   errors: [.notSupported(FieldPath("target").child("kind"), kind, ["Node"])])
        }
        var annotations: [String: String] = [:]
        if case .object(let fields)? = body[path: ["metadata", "annotations"]] {
            for (name, value) in fields { if let text = value.stringValue { annotations[name] = text } }
        }
        for _ in 0..<Self.retries {
            guard let stored = server.store.get(key) else { throw APIError.notFound(T.resource, name: key.name) }
            guard var pod = try decodeStored(stored) as? Pod else { throw APIError.internalError("binding a non-pod") }
            do {
                try pod.bind(toNode: node, annotations: annotations.isEmpty ? nil : annotations, now: Time(server.now()))
            } catch {
                throw APIError.conflict(T.resource, name: key.name, reason: error.description)
            }
            guard let object = pod as? T else { throw APIError.internalError("binding a non-pod") }
            if Self.isDryRun(request) { return Self.bindingSucceeded }
            do {
                _ = try await server.store.update(key, expectedRevision: stored.revision, render: Self.render(object))
                return Self.bindingSucceeded
            } catch .conflict {
                continue
            } catch {
                throw Self.storeFailure(error, name: key.name)
            }
        }
        throw APIError.conflict(T.resource, name: key.name)
    }

    private static var bindingSucceeded: APIResponse {
        .json(201, value: ["kind": "Status", "apiVersion": "v1", "metadata": [:], "status": "Success", "code": 201])
    }
}
