import BallastAPI
import BallastStore

/// POST pods/{name}/eviction (policy/v1 Eviction, what `kubectl drain` sends): deletes the
/// pod exactly as DELETE does, with the eviction's DeleteOptions (grace period,
/// preconditions, dry run). Ballast serves no PodDisruptionBudgets, so no budget can
/// refuse an eviction; a missing pod is 404.
struct PodEviction: SubresourceHandler {
    func handle(_ request: APIRequest, path: RequestTarget.ResourcePath, server: ServerContext) async throws(APIError) -> APIResponse {
        guard request.method == "POST" else { throw APIError.methodNotAllowed() }
        guard let name = path.name, let namespace = path.namespace else { throw APIError.pathNotFound }
        let body = try BodyReader.value(of: request)
        guard case .object = body else { throw APIError.badRequest("the body of the request must be an Eviction object") }
        if let kind = body["kind"]?.stringValue, !kind.isEmpty, kind != "Eviction" {
            throw APIError.badRequest("the kind in the data (\(kind)) does not match the expected kind (Eviction)")
        }
        if let bodyName = body["metadata"]?["name"]?.stringValue, !bodyName.isEmpty, bodyName != name {
            throw APIError.badRequest("name in URL does not match name in Eviction object")
        }
        // The deletion goes through the pods endpoint's own DELETE, with the eviction's
        // options as its body, so both paths apply the same rules.
        var deletion = APIRequest(method: "DELETE", path: request.path, query: request.query,
                                  headers: ["content-type": "application/json"], user: request.user)
        if let options = body["deleteOptions"], case .object(var members) = options {
            members["apiVersion"] = nil
            members["kind"] = nil
            deletion.body = JSONValue.object(members).serialized()
            if members["dryRun"]?.arrayValue?.contains(.string("All")) == true { deletion.query["dryRun"] = "All" }
        }
        let key = ObjectKey(resource: Pod.resource.qualifiedName, namespace: namespace, name: name)
        _ = try await TypedEndpoint<Pod>().delete(deletion, key: key, server: server)
        var status = Status(status: "Success", code: 201)
        status.metadata = ListMeta()
        return .json(201, APICodec.encode(status))
    }
}
