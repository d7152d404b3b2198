import BallastAPI
import BallastStore
import Foundation

extension TypedEndpoint {
    /// The finalizers that carry a deletion's propagation policy to the garbage collector.
    static var orphanFinalizer: String { "orphan" }
    static var foregroundFinalizer: String { "foregroundDeletion" }

    /// DeleteOptions from the body, with query parameters as the fallback (both are legal).
    func deleteOptions(_ request: APIRequest) throws(APIError) -> DeleteOptions {
        var options = DeleteOptions()
        if !request.body.isEmpty {
            let value = try BodyReader.value(of: request)
            do {
                options = try APICodec.decode(DeleteOptions.self, from: value)
            } catch {
                throw APIError.badRequest("DeleteOptions cannot be decoded: \(error.reason)")
            }
        }
        if options.gracePeriodSeconds == nil, let text = request.query["gracePeriodSeconds"] {
            guard let seconds = Int64(text) else { throw APIError.badRequest("gracePeriodSeconds must be an integer") }
            options.gracePeriodSeconds = seconds
        }
        if options.propagationPolicy == nil { options.propagationPolicy = request.query["propagationPolicy"] }
        if options.orphanDependents == nil, let orphan = request.query["orphanDependents"] { options.orphanDependents = orphan == "true" }
        if options.dryRun == nil, let dryRun = request.query["dryRun"] { options.dryRun = [dryRun] }
        if let policy = options.propagationPolicy, !["Orphan", "Background", "Foreground"].contains(policy) {
            throw APIError.unprocessable("DeleteOptions.meta.k8s.io \"\" is invalid: propagationPolicy: Unsupported value: \"\(policy)\": supported values: \"Foreground\", \"Background\", \"Orphan\"")
        }
        return options
    }

    /// The propagation policy a deletion uses when the client names none: batch/v1 Jobs
    /// orphan their pods by default, as upstream; everything else deletes in background.
    static func propagation(_ options: DeleteOptions) -> String {
        if let policy = options.propagationPolicy { return policy }
        if let orphan = options.orphanDependents { return orphan ? "Orphan" : "Background" }
        return T.resource.group == "batch" && T.resource.plural == "jobs" ? "Orphan" : "Background"
    }

    func delete(_ request: APIRequest, key: ObjectKey, server: ServerContext) async throws(APIError) -> APIResponse {
        let options = try deleteOptions(request)
        for _ in 0..<Self.retries {
            guard let current = server.store.get(key) else { throw APIError.notFound(T.resource, name: key.name) }
            let old = try decodeStored(current)
            do {
                return try await deleteObject(old, stored: current, options: options, request: request, server: server)
            } catch {
                switch error {
                case .conflict where options.preconditions?.resourceVersion == nil: continue
                case .conflict: throw APIError.conflict(T.resource, name: key.name)
                case .api(let failure): throw failure
                }
            }
        }
        throw APIError.conflict(T.resource, name: key.name)
    }

    /// Deletes one object: at once when nothing holds it, otherwise by marking it with a
    /// deletionTimestamp and leaving it to its finalizers or its grace period.
    func deleteObject(_ old: T, stored: StoredObject, options: DeleteOptions, request: APIRequest,
                      server: ServerContext) async throws(UpdateFailure) -> APIResponse {
        if let uid = options.preconditions?.uid, uid != old.uid {
            throw .api(APIError.conflict(T.resource, name: old.name, reason: "Precondition failed: UID in precondition: \(uid), UID in object meta: \(old.uid)"))
        }
        if let version = options.preconditions?.resourceVersion, version != String(stored.revision) {
            throw .api(APIError.conflict(T.resource, name: old.name, reason: "Precondition failed: ResourceVersion in precondition: \(version), ResourceVersion in object meta: \(stored.revision)"))
        }
        var attributes = AdmissionAttributes(operation: .delete, resource: T.resource, subresource: nil, object: old, oldObject: old,
                                             user: request.user, dryRun: Self.isDryRun(request))
        do {
            try await server.admit(&attributes)
        } catch {
            throw .api(error)
        }
        var object = old
        let now = server.now()
        switch Self.propagation(options) {
        case "Orphan":
            object.metadata.removeFinalizer(Self.foregroundFinalizer)
            object.metadata.addFinalizer(Self.orphanFinalizer)
        case "Foreground":
            object.metadata.removeFinalizer(Self.orphanFinalizer)
            object.metadata.addFinalizer(Self.foregroundFinalizer)
        default:
            break
        }
        let grace = object.deletionGracePeriod(requested: options.gracePeriodSeconds)
        let finalizers = object.metadata.finalizers ?? []
        if finalizers.isEmpty, (grace ?? 0) == 0, !object.holdsDeletion() {
            if Self.isDryRun(request) { return .json(200, stored.data) }
            do {
                let final = try await server.store.delete(stored.key, expectedRevision: stored.revision, render: Self.render(object))
                return .json(200, Self.deletedStatus(final))
            } catch .conflict {
                throw .conflict
            } catch .notFound {
                throw .api(APIError.notFound(T.resource, name: old.name))
            } catch {
                throw .api(Self.storeFailure(error, name: old.name))
            }
        }
        // Graceful or finalized deletion: mark the object, keep the earliest deadline.
        if let grace {
            let deadline = Time(Date(timeIntervalSince1970: (now.timeIntervalSince1970 + Double(grace)).rounded(.down)))
            if object.metadata.deletionTimestamp.map({ deadline < $0 }) ?? true {
                object.metadata.deletionTimestamp = deadline
                object.metadata.deletionGracePeriodSeconds = grace
            }
        } else if object.metadata.deletionTimestamp == nil {
            object.metadata.deletionTimestamp = Time(Date(timeIntervalSince1970: now.timeIntervalSince1970.rounded(.down)))
            object.metadata.deletionGracePeriodSeconds = 0
        }
        object.prepareForDeletion()
        if object == old { return .json(200, stored.data) }
        if old.metadata.deletionTimestamp == nil, let generation = object.metadata.generation, generation > 0 {
            object.metadata.generation = generation + 1
        }
        object.metadata.resourceVersion = nil
        if Self.isDryRun(request) { return .json(200, APICodec.encode(object)) }
        do {
            let written = try await server.store.update(stored.key, expectedRevision: stored.revision, render: Self.render(object))
            return .json(200, written.data)
        } catch .conflict {
            throw .conflict
        } catch {
            throw .api(Self.storeFailure(error, name: old.name))
        }
    }

    static func deletedStatus(_ final: StoredObject) -> [UInt8] {
        var status = Status(status: "Success",
                            details: StatusDetails(name: final.key.name, group: T.resource.group.isEmpty ? nil : T.resource.group,
                                                   kind: T.resource.plural, uid: final.uid))
        status.metadata = ListMeta()
        return APICodec.encode(status)
    }

    func deleteCollection(_ request: APIRequest, namespace: String?, server: ServerContext) async throws(APIError) -> APIResponse {
        let options = try deleteOptions(request)
        let (labels, fields) = try selectors(request)
        let items = server.store.list(resource: T.resource.qualifiedName, namespace: namespace).items
            .filter { labels.matches($0.labels) && fields.matches($0.fields) }
        for item in items {
            let old = try decodeStored(item)
            do {
                _ = try await deleteObject(old, stored: item, options: options, request: request, server: server)
            } catch {
                // An object that changed or went meanwhile is left to the caller's next pass.
                if case .api(let failure) = error, failure.code != 404 && failure.code != 409 { throw failure }
            }
        }
        var status = Status(status: "Success")
        status.metadata = ListMeta()
        return .json(200, APICodec.encode(status))
    }
}
