/// A group, version and kind: what an object is, independent of where it is served.
public struct GroupVersionKind: Sendable, Hashable, CustomStringConvertible {
    public var group: String
    public var version: String
    public var kind: String

    public init(group: String, version: String, kind: String) {
        self.group = group
        self.version = version
        self.kind = kind
    }

    /// "v1" for the core group, "apps/v1" otherwise: the value of `apiVersion`.
    public var apiVersion: String { group.isEmpty ? version : "\(group)/\(version)" }

    public var description: String { "\(apiVersion), Kind=\(kind)" }
}

/// An object the API serves: it knows its kind and carries ObjectMeta.
///
/// `apiVersion` and `kind` are optional on the wire (clients may omit them on create); the
/// server always fills them in from `gvk` before it stores or returns an object.
public protocol KubernetesObject: Codable, Sendable, Equatable {
    static var gvk: GroupVersionKind { get }
    var apiVersion: String? { get set }
    var kind: String? { get set }
    var metadata: ObjectMeta { get set }
}

extension KubernetesObject {
    public var name: String { metadata.name ?? "" }
    public var namespace: String { metadata.namespace ?? "" }
    public var uid: String { metadata.uid ?? "" }

    /// Sets `apiVersion` and `kind` from the type.
    public mutating func setTypeMeta() {
        apiVersion = Self.gvk.apiVersion
        kind = Self.gvk.kind
    }

    /// An owner reference that points at this object.
    public func ownerReference(controller: Bool = true, blockOwnerDeletion: Bool = true) -> OwnerReference {
        OwnerReference(apiVersion: Self.gvk.apiVersion, kind: Self.gvk.kind, name: name, uid: uid,
                       controller: controller, blockOwnerDeletion: blockOwnerDeletion)
    }
}

/// An object with a `spec`: a change of spec bumps metadata.generation.
public protocol HasSpec: KubernetesObject {
    associatedtype Spec: Codable & Sendable & Equatable
    var spec: Spec? { get set }
}

/// An object with a `status` written through the status subresource: writes to the main
/// resource keep the stored status, writes to /status keep everything else.
public protocol HasStatus: KubernetesObject {
    associatedtype Status: Codable & Sendable & Equatable
    var status: Status? { get set }
}
