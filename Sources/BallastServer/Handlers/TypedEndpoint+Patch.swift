import BallastAPI
import BallastStore
import Foundation

extension TypedEndpoint {
    enum PatchKind {
        case merge, json, strategic, apply
    }

    static func patchKind(_ request: APIRequest) throws(APIError) -> PatchKind {
        switch BodyReader.mediaType(request.contentType) {
        case "application/merge-patch+json": return .merge
        case "application/json-patch+json": return .json
        case "application/strategic-merge-patch+json": return .strategic
        case "application/apply-patch+yaml", "application/apply-patch+json": return .apply
        default: throw APIError.unsupportedMediaType(BodyReader.mediaType(request.contentType))
        }
    }

    func patch(_ request: APIRequest, key: ObjectKey, subresource: String?, server: ServerContext) async throws(APIError) -> APIResponse {
        let kind = try Self.patchKind(request)
        let patch = try BodyReader.value(of: request)
        let manager = Self.fieldManager(request)
        if kind == .apply, request.query["fieldManager"].map({ $0.isEmpty }) ?? true {
            throw APIError.badRequest("PatchOptions.meta.k8s.io \"\" is invalid: fieldManager: Required value: is required for apply patch")
        }
        // A patch that names a resourceVersion is conditional; any other retries on a race.
        let conditional = patch[path: ["metadata", "resourceVersion"]]?.stringValue != nil
        for _ in 0..<Self.retries {
            guard let current = server.store.get(key) else {
                if kind == .apply, subresource == nil { return try await applyCreate(patch, key: key, manager: manager, request: request, server: server) }
                throw APIError.notFound(T.resource, name: key.name)
            }
            let old = try decodeStored(current)
            let live: JSONValue
            do {
                live = try JSONValue.parse(current.data)
            } catch {
                throw APIError.internalError("stored object does not parse: \(error)")
            }
            var managedFields: [ManagedFieldsEntry]?
            let patched: JSONValue
            switch kind {
            case .merge:
                guard case .object = patch else { throw APIError.badRequest("a merge patch must be a JSON object") }
                patched = MergePatch.apply(patch, to: live)
            case .json:
                do {
                    patched = try JSONPatch.apply(patch, to: live)
                } catch {
                    throw FieldManagement.apiError(error, resource: T.resource, name: key.name)
                }
            case .strategic:
                guard case .object = patch else { throw APIError.badRequest("a strategic merge patch must be a JSON object") }
                do {
                    patched = try StrategicMergePatch.apply(patch, to: live)
                } catch {
                    throw FieldManagement.apiError(error, resource: T.resource, name: key.name)
                }
            case .apply:
                let result = try FieldManagement.apply(config: patch, live: live, manager: manager, force: request.query["force"] == "true",
                                                       subresource: subresource, managedFields: old.metadata.managedFields ?? [],
                                                       now: Time(server.now()), resource: T.resource, name: key.name)
                patched = result.object
                managedFields = result.managedFields
            }
            if let version = patched[path: ["metadata", "resourceVersion"]]?.stringValue, version != String(current.revision) {
                throw APIError.conflict(T.resource, name: key.name)
            }
            let (object, warnings) = try decodeBody(patched, fieldValidation: request.query["fieldValidation"])
            do {
                let (status, data) = try await commitUpdate(object, old: old, stored: current, subresource: subresource, manager: manager,
                                                            managedFields: managedFields, request: request, server: server)
                return .json(status, data, headers: Self.warningHeaders(warnings))
            } catch {
                switch error {
                case .conflict where !conditional: continue
                case .conflict: throw APIError.conflict(T.resource, name: key.name)
                case .api(let failure): throw failure
                }
            }
        }
        throw APIError.conflict(T.resource, name: key.name)
    }

    /// Server-side apply of an object that does not exist yet creates it (201).
    private func applyCreate(_ config: JSONValue, key: ObjectKey, manager: String, request: APIRequest,
                             server: ServerContext) async throws(APIError) -> APIResponse {
        let result = try FieldManagement.apply(config: config, live: nil, manager: manager, force: true, subresource: nil,
                                               managedFields: [], now: Time(server.now()), resource: T.resource, name: key.name)
        var body = result.object
        body["metadata"] = body["metadata"] ?? .object([:])
        var metadata = body["metadata"]?.objectValue ?? [:]
        if let name = metadata["name"]?.stringValue, name != key.name {
            throw APIError.badRequest("the name of the object (\(name)) does not match the name on the URL (\(key.name))")
        }
        metadata["name"] = .string(key.name)
        body["metadata"] = .object(metadata)
        let (object, warnings) = try decodeBody(body, fieldValidation: request.query["fieldValidation"])
        let data = try await insert(object, namespace: key.namespace, managedFields: result.managedFields, request: request, server: server)
        return .json(201, data, headers: Self.warningHeaders(warnings))
    }
}
