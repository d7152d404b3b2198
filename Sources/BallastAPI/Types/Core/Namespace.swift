/// core/v1 Namespace: a scope for names, and the unit that deletion sweeps.
public struct Namespace: HasSpec, HasStatus {
    public static let gvk = GroupVersionKind(group: "", version: "v1", kind: "Namespace")

    public var apiVersion: String?
    public var kind: String?
    public var metadata: ObjectMeta
    public var spec: NamespaceSpec?
    public var status: NamespaceStatus?

    public init(metadata: ObjectMeta = ObjectMeta(), spec: NamespaceSpec? = nil, status: NamespaceStatus? = nil) {
        self.apiVersion = Self.gvk.apiVersion
        self.kind = Self.gvk.kind
        self.metadata = metadata
        self.spec = spec
        self.status = status
    }

    /// The finalizer the namespace controller removes once the namespace is empty.
    public static let kubernetesFinalizer = "kubernetes"

    /// The label every namespace carries with its own name.
    public static let nameLabel = "kubernetes.io/metadata.name"
}

/// core/v1 NamespaceSpec.
public struct NamespaceSpec: Codable, Sendable, Equatable {
    /// Finalizers that must be gone before the namespace is removed; only the /finalize
    /// subresource changes them after creation.
    public var finalizers: [String]?

    public init(finalizers: [String]? = nil) { self.finalizers = finalizers }
}

/// core/v1 NamespaceStatus.
public struct NamespaceStatus: Codable, Sendable, Equatable {
    public var phase: String?
    public var conditions: [NamespaceCondition]?

    public init(phase: String? = nil, conditions: [NamespaceCondition]? = nil) {
        self.phase = phase
        self.conditions = conditions
    }
}

/// core/v1 NamespaceCondition (NamespaceDeletionContentFailure, NamespaceContentRemaining, ...).
public struct NamespaceCondition: Codable, Sendable, Equatable {
    public var type: String
    public var status: String
    public var lastTransitionTime: Time?
    public var reason: String?
    public var message: String?

    public init(type: String, status: String, lastTransitionTime: Time? = nil, reason: String? = nil, message: String? = nil) {
        self.type = type
        self.status = status
        self.lastTransitionTime = lastTransitionTime
        self.reason = reason
        self.message = message
    }
}

/// The phases of a Namespace.
public enum NamespacePhase {
    /// In use.
    public static let active = "Active"
    /// Being deleted: its objects are being removed, and no new ones may be created in it.
    public static let terminating = "Terminating"
}
