import BallastAPI
import BallastStore
import Foundation

extension TypedEndpoint {
    /// How many times an unconditional write retries when it races another writer.
    static var retries: Int { 8 }

    func update(_ request: APIRequest, key: ObjectKey, subresource: String?, server: ServerContext) async throws(APIError) -> APIResponse {
        let input = try BodyReader.value(of: request)
        let (object, warnings) = try decodeBody(input, fieldValidation: request.query["fieldValidation"])
        if let name = object.metadata.name, !name.isEmpty, name != key.name {
            throw APIError.badRequest("the name of the object (\(name)) does not match the name on the URL (\(key.name))")
        }
        if T.resource.namespaced, let namespace = object.metadata.namespace, !namespace.isEmpty, namespace != key.namespace {
            throw APIError.badRequest("the namespace of the provided object does not match the namespace sent on the request")
        }
        let precondition = object.metadata.resourceVersion.flatMap { $0.isEmpty ? nil : $0 }
        for _ in 0..<Self.retries {
            guard let current = server.store.get(key) else { throw APIError.notFound(T.resource, name: key.name) }
            if let precondition, precondition != String(current.revision) {
                throw APIError.conflict(T.resource, name: key.name)
            }
            let old = try decodeStored(current)
            do {
                let (status, data) = try await commitUpdate(object, old: old, stored: current, subresource: subresource,
                                                            manager: Self.fieldManager(request), managedFields: nil,
                                                            request: request, server: server)
                return .json(status, data, headers: Self.warningHeaders(warnings))
            } catch {
                switch error {
                case .conflict where precondition == nil: continue
                case .conflict: throw APIError.conflict(T.resource, name: key.name)
                case .api(let failure): throw failure
                }
            }
        }
        throw APIError.conflict(T.resource, name: key.name)
    }

    /// Why an update could not be committed; `conflict` means "re-read and retry".
    enum UpdateFailure: Error {
        case conflict
        case api(APIError)
    }

    /// The update path shared by PUT, PATCH and apply: carries system metadata over from
    /// the stored object, applies the kind's update rules, admission and validation, skips
    /// no-op writes, and deletes an object whose last finalizer is removed during deletion.
    /// - Parameter managedFields: the managed fields to store, when the caller computed them
    ///   (server-side apply); otherwise the write is recorded as an Update by `manager`.
    // Swift 6.3.1's optimizer asserts on this function (FunctionSignatureOpts, "!type.
    // hasTypeParameter()") in a release build; unoptimized, it builds and runs the same.
    @_optimize(none)
    func commitUpdate(_ input: T, old: T, stored: StoredObject, subresource: String?, manager: String,
                      managedFields: [ManagedFieldsEntry]?, request: APIRequest,
                      server: ServerContext) async throws(UpdateFailure) -> (Int, [UInt8]) {
        // A uid in the body is a precondition: the write is for that object, not a newer
        // one that reuses its name.
        if let uid = input.metadata.uid, !uid.isEmpty, uid != old.uid {
            throw .api(APIError.conflict(T.resource, name: old.name, reason: "Precondition failed: UID in precondition: \(uid), UID in object meta: \(old.uid)"))
        }
        var object = input
        object.metadata.name = old.metadata.name
        object.metadata.namespace = old.metadata.namespace
        object.metadata.uid = old.metadata.uid
        object.metadata.creationTimestamp = old.metadata.creationTimestamp
        object.metadata.deletionTimestamp = old.metadata.deletionTimestamp
        object.metadata.deletionGracePeriodSeconds = old.metadata.deletionGracePeriodSeconds
        object.metadata.generation = old.metadata.generation
        object.metadata.resourceVersion = nil
        object.metadata.managedFields = old.metadata.managedFields
        object.setTypeMeta()
        if subresource == "status" {
            object.prepareForStatusUpdate(old: old)
        } else if subresource == "finalize", var namespace = object as? Namespace, let oldNamespace = old as? Namespace {
            namespace.prepareForFinalize(old: oldNamespace)
            object = namespace as? T ?? object
        } else {
            object.applyDefaults()
            object.prepareForUpdate(old: old)
        }
        if object.specDiffers(from: old) == true {
            object.metadata.generation = (old.metadata.generation ?? 0) + 1
        }

        var attributes = AdmissionAttributes(operation: .update, resource: T.resource, subresource: subresource, object: object,
                                             oldObject: old, user: request.user, dryRun: Self.isDryRun(request))
        do {
            try await server.admit(&attributes)
        } catch {
            throw .api(error)
        }
        guard let admitted = attributes.object as? T else { throw .api(APIError.internalError("admission changed the kind of the object")) }
        object = admitted

        var errors = ObjectMetaValidation.validate(object) + ObjectMetaValidation.validateUpdate(new: object.metadata, old: old.metadata)
        if old.metadata.isDeleting {
            let added = Set(object.metadata.finalizers ?? []).subtracting(old.metadata.finalizers ?? [])
            if !added.isEmpty {
                errors.append(.forbidden(FieldPath("metadata.finalizers"), "no new finalizers can be added if the object is being deleted, found new finalizers \(added.sorted())"))
            }
        }
        if subresource != "status" { errors += object.validateUpdate(old: old) }
        if !errors.isEmpty { throw .api(validationFailure(object, errors)) }

        var unchanged = old
        unchanged.metadata.resourceVersion = nil
        if object == unchanged {
            // A no-op keeps the resourceVersion, so kubectl can say "(no change)".
            return (200, stored.data)
        }
        object.metadata.managedFields = managedFields
            ?? FieldManagement.updated(old: APICodec.encodeValue(old), new: APICodec.encodeValue(object), manager: manager,
                                       subresource: subresource, managedFields: old.metadata.managedFields, now: Time(server.now()))
        if Self.isDryRun(request) { return (200, APICodec.encode(object)) }

        let key = stored.key
        do {
            if object.metadata.isDeleting, (object.metadata.finalizers ?? []).isEmpty, !object.holdsDeletion(),
                deletionDue(object, now: server.now())
            {
                let final = try await server.store.delete(key, expectedRevision: stored.revision, render: Self.render(object))
                return (200, final.data)
            }
            let written = try await server.store.update(key, expectedRevision: stored.revision, render: Self.render(object))
            return (200, written.data)
        } catch .conflict {
            throw .conflict
        } catch .notFound {
            throw .api(APIError.notFound(T.resource, name: key.name))
        } catch {
            throw .api(Self.storeFailure(error, name: key.name))
        }
    }

    /// Whether a deleting object may go now: no grace period left to wait for.
    func deletionDue(_ object: T, now: Date) -> Bool {
        guard let grace = object.metadata.deletionGracePeriodSeconds, grace > 0 else { return true }
        return false
    }
}
