import BallastAPI
import BallastStore
import Foundation

extension TypedEndpoint {
    func create(_ request: APIRequest, namespace: String, server: ServerContext) async throws(APIError) -> APIResponse {
        let input = try BodyReader.value(of: request)
        let (object, warnings) = try decodeBody(input, fieldValidation: request.query["fieldValidation"])
        if T.resource.namespaced, let bodyNamespace = object.metadata.namespace, !bodyNamespace.isEmpty, bodyNamespace != namespace {
            throw APIError.badRequest("the namespace of the provided object does not match the namespace sent on the request")
        }
        let manager = Self.fieldManager(request)
        let managed = FieldManagement.created(APICodec.encodeValue(object), manager: manager, now: Time(server.now()))
        let stored = try await insert(object, namespace: namespace, managedFields: managed, request: request, server: server)
        return .json(201, stored, headers: Self.warningHeaders(warnings))
    }

    /// The create path shared by POST and server-side apply: system metadata, defaults,
    /// admission, validation, then the store. Returns the stored bytes (or, on a dry run,
    /// what would have been stored).
    func insert(_ input: T, namespace: String, managedFields: [ManagedFieldsEntry]?, request: APIRequest,
                server: ServerContext) async throws(APIError) -> [UInt8] {
        var object = input
        object.metadata.namespace = T.resource.namespaced ? namespace : nil
        if (object.metadata.name ?? "").isEmpty, let prefix = object.metadata.generateName, !prefix.isEmpty {
            object.metadata.name = NameGenerator.generate(prefix: prefix)
        }
        let now = server.now()
        object.metadata.uid = UUID().uuidString.lowercased()
        object.metadata.creationTimestamp = Time(Date(timeIntervalSince1970: now.timeIntervalSince1970.rounded(.down)))
        object.metadata.resourceVersion = nil
        object.metadata.deletionTimestamp = nil
        object.metadata.deletionGracePeriodSeconds = nil
        object.metadata.generation = object.specDiffers(from: object) == nil ? nil : 1
        object.metadata.managedFields = managedFields
        object.setTypeMeta()
        object.applyDefaults()
        object.prepareForCreate()

        var attributes = AdmissionAttributes(operation: .create, resource: T.resource, subresource: nil, object: object,
                                             oldObject: nil, user: request.user, dryRun: Self.isDryRun(request))
        try await server.admit(&attributes)
        guard let admitted = attributes.object as? T else { throw APIError.internalError("admission changed the kind of the object") }
        object = admitted

        let errors = ObjectMetaValidation.validate(object) + object.validate()
        if !errors.isEmpty { throw validationFailure(object, errors) }

        let key = ObjectKey(resource: T.resource.qualifiedName, namespace: object.namespace, name: object.name)
        if Self.isDryRun(request) {
            if server.store.get(key) != nil { throw APIError.alreadyExists(T.resource, name: object.name) }
            return APICodec.encode(object)
        }
        do {
            return try await server.store.create(key, render: Self.render(object)).data
        } catch .alreadyExists {
            throw APIError.alreadyExists(T.resource, name: object.name)
        } catch {
            throw Self.storeFailure(error, name: object.name)
        }
    }

    static func storeFailure(_ error: StoreError, name: String) -> APIError {
        switch error {
        case .alreadyExists: return APIError.alreadyExists(T.resource, name: name)
        case .notFound: return APIError.notFound(T.resource, name: name)
        case .conflict: return APIError.conflict(T.resource, name: name)
        case .expired(let requested, let oldest): return APIError.expired("too old resource version: \(requested) (\(oldest))")
        case .watcherTooSlow: return APIError.tooManyRequests("the watch fell behind")
        case .storage(let message): return APIError.internalError(message)
        case .closed: return APIError(code: 503, reason: "ServiceUnavailable", message: "the server is shutting down")
        }
    }
}
