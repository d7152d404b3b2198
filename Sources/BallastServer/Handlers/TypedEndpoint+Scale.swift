import BallastAPI
import BallastStore
import Foundation

extension TypedEndpoint {
    /// The /scale subresource (autoscaling/v1 Scale) of Deployments, ReplicaSets and
    /// StatefulSets: a view of spec.replicas, status.replicas and the selector.
    func scale(_ request: APIRequest, key: ObjectKey, server: ServerContext) async throws(APIError) -> APIResponse {
        for _ in 0..<Self.retries {
            guard let current = server.store.get(key) else { throw APIError.notFound(T.resource, name: key.name) }
            let live = try parseStored(current)
            let view = Self.scaleView(of: live)
            let desired: JSONValue
            switch request.method {
            case "GET":
                return .json(200, value: view)
            case "PUT":
                desired = try BodyReader.value(of: request)
                if let version = desired[path: ["metadata", "resourceVersion"]]?.stringValue, !version.isEmpty,
                    version != String(current.revision)
                {
                    throw APIError.conflict(T.resource, name: key.name)
                }
            case "PATCH":
                let patch = try BodyReader.value(of: request)
                do {
                    switch try Self.patchKind(request) {
                    case .merge: desired = MergePatch.apply(patch, to: view)
                    case .json: desired = try JSONPatch.apply(patch, to: view)
                    case .strategic: desired = try StrategicMergePatch.apply(patch, to: view)
                    case .apply: desired = MergePatch.apply(patch, to: view)
                    }
                } catch let failure as APIError {
                    throw failure
                } catch let failure as PatchError {
                    throw FieldManagement.apiError(failure, resource: T.resource, name: key.name)
                } catch {
                    throw APIError.unprocessable("\(error)")
                }
            default:
                throw APIError.methodNotAllowed()
            }
            guard let replicas = desired[path: ["spec", "replicas"]]?.intValue ?? (desired[path: ["spec", "replicas"]] == nil ? 0 : nil) else {
                throw APIError.badRequest("spec.replicas must be an integer")
            }
            if replicas < 0 {
                throw APIError.invalid(kind: "Scale", group: "autoscaling", name: key.name,
                                       errors: [.invalid(FieldPath("spec.replicas"), number: replicas, "must be greater than or equal to 0")])
            }
            var updated = live
            var spec = updated["spec"]?.objectValue ?? [:]
            spec["replicas"] = .int(replicas)
            updated["spec"] = .object(spec)
            let object: T
            do {
                object = try APICodec.decode(T.self, from: updated)
            } catch {
                throw APIError.internalError("scaled object does not decode: \(error)")
            }
            let old = try decodeStored(current)
            do {
                let (_, data) = try await commitUpdate(object, old: old, stored: current, subresource: nil, manager: Self.fieldManager(request),
                                                       managedFields: nil, request: request, server: server)
                let scaled = (try? JSONValue.parse(data)) ?? updated
                return .json(200, value: Self.scaleView(of: scaled))
            } catch {
                switch error {
                case .conflict: continue
                case .api(let failure): throw failure
                }
            }
        }
        throw APIError.conflict(T.resource, name: key.name)
    }

    func parseStored(_ stored: StoredObject) throws(APIError) -> JSONValue {
        do {
            return try JSONValue.parse(stored.data)
        } catch {
            throw APIError.internalError("stored object does not parse: \(error)")
        }
    }

    static func scaleView(of object: JSONValue) -> JSONValue {
        var metadata: [String: JSONValue] = [:]
        for key in ["name", "namespace", "uid", "resourceVersion", "creationTimestamp"] {
            if let value = object[path: ["metadata", key]] { metadata[key] = value }
        }
        var selector = ""
        if let value = object[path: ["spec", "selector"]], let decoded = try? APICodec.decode(LabelSelector.self, from: value) {
            selector = decoded.queryString
        }
        return [
            "kind": "Scale", "apiVersion": "autoscaling/v1", "metadata": .object(metadata),
            "spec": ["replicas": object[path: ["spec", "replicas"]] ?? .int(1)],
            "status": ["replicas": object[path: ["status", "replicas"]] ?? .int(0), "selector": .string(selector)],
        ]
    }
}
