/// metav1.ObjectMeta: the metadata every persisted object carries.
public struct ObjectMeta: Codable, Sendable, Equatable {
    public var name: String?
    public var generateName: String?
    public var namespace: String?
    public var uid: String?
    public var resourceVersion: String?
    public var generation: Int64?
    public var creationTimestamp: Time?
    public var deletionTimestamp: Time?
    public var deletionGracePeriodSeconds: Int64?
    public var labels: [String: String]?
    public var annotations: [String: String]?
    public var ownerReferences: [OwnerReference]?
    public var finalizers: [String]?
    public var managedFields: [ManagedFieldsEntry]?

    public init(
        name: String? = nil, generateName: String? = nil, namespace: String? = nil, uid: String? = nil,
        resourceVersion: String? = nil, generation: Int64? = nil, creationTimestamp: Time? = nil,
        deletionTimestamp: Time? = nil, deletionGracePeriodSeconds: Int64? = nil,
        labels: [String: String]? = nil, annotations: [String: String]? = nil,
        ownerReferences: [OwnerReference]? = nil, finalizers: [String]? = nil,
        managedFields: [ManagedFieldsEntry]? = nil
    ) {
        self.name = name
        self.generateName = generateName
        self.namespace = namespace
        self.uid = uid
        self.resourceVersion = resourceVersion
        self.generation = generation
        self.creationTimestamp = creationTimestamp
        self.deletionTimestamp = deletionTimestamp
        self.deletionGracePeriodSeconds = deletionGracePeriodSeconds
        self.labels = labels
        self.annotations = annotations
        self.ownerReferences = ownerReferences
        self.finalizers = finalizers
        self.managedFields = managedFields
    }

    /// The annotation `key`, or nil.
    public func annotation(_ key: String) -> String? { annotations?[key] }

    /// Sets or (with nil) removes the annotation `key`, keeping `annotations` nil when empty.
    public mutating func setAnnotation(_ key: String, _ value: String?) {
        var all = annotations ?? [:]
        all[key] = value
        annotations = all.isEmpty ? nil : all
    }

    /// Sets or (with nil) removes the label `key`, keeping `labels` nil when empty.
    public mutating func setLabel(_ key: String, _ value: String?) {
        var all = labels ?? [:]
        all[key] = value
        labels = all.isEmpty ? nil : all
    }

    public func hasFinalizer(_ finalizer: String) -> Bool { finalizers?.contains(finalizer) ?? false }

    public mutating func addFinalizer(_ finalizer: String) {
        guard !hasFinalizer(finalizer) else { return }
        finalizers = (finalizers ?? []) + [finalizer]
    }

    public mutating func removeFinalizer(_ finalizer: String) {
        let rest = (finalizers ?? []).filter { $0 != finalizer }
        finalizers = rest.isEmpty ? nil : rest
    }

    /// The owner reference marked `controller: true`, if any.
    public var controllerReference: OwnerReference? { ownerReferences?.first { $0.controller == true } }

    /// True once deletion was requested (the object waits on finalizers or a grace period).
    public var isDeleting: Bool { deletionTimestamp != nil }
}

/// metav1.OwnerReference: who owns an object, for garbage collection and controllers.
public struct OwnerReference: Codable, Sendable, Equatable, Hashable {
    public var apiVersion: String
    public var kind: String
    public var name: String
    public var uid: String
    public var controller: Bool?
    public var blockOwnerDeletion: Bool?

    public init(apiVersion: String, kind: String, name: String, uid: String, controller: Bool? = nil, blockOwnerDeletion: Bool? = nil) {
        self.apiVersion = apiVersion
        self.kind = kind
        self.name = name
        self.uid = uid
        self.controller = controller
        self.blockOwnerDeletion = blockOwnerDeletion
    }
}

/// metav1.ManagedFieldsEntry: which manager set which fields, for server-side apply.
public struct ManagedFieldsEntry: Codable, Sendable, Equatable {
    public var manager: String?
    public var operation: String?
    public var apiVersion: String?
    public var time: Time?
    public var fieldsType: String?
    public var fieldsV1: JSONValue?
    public var subresource: String?

    public init(manager: String? = nil, operation: String? = nil, apiVersion: String? = nil, time: Time? = nil,
                fieldsType: String? = nil, fieldsV1: JSONValue? = nil, subresource: String? = nil) {
        self.manager = manager
        self.operation = operation
        self.apiVersion = apiVersion
        self.time = time
        self.fieldsType = fieldsType
        self.fieldsV1 = fieldsV1
        self.subresource = subresource
    }
}

/// metav1.ListMeta.
public struct ListMeta: Codable, Sendable, Equatable {
    public var resourceVersion: String?
    public var `continue`: String?
    public var remainingItemCount: Int64?

    public init(resourceVersion: String? = nil, continue token: String? = nil, remainingItemCount: Int64? = nil) {
        self.resourceVersion = resourceVersion
        self.continue = token
        self.remainingItemCount = remainingItemCount
    }
}
