public import BallastAPI

/// The write an admission plugin sees, and may change (mutating plugins) or refuse.
public struct AdmissionAttributes: Sendable {
    public enum Operation: String, Sendable { case create = "CREATE", update = "UPDATE", delete = "DELETE" }

    public var operation: Operation
    public var resource: ResourceInfo
    public var subresource: String?
    /// The object as it will be stored (for delete: the object being deleted).
    public var object: any APIResource
    /// The stored object before this write (update and delete).
    public var oldObject: (any APIResource)?
    public var user: UserInfo?
    public var dryRun: Bool
}

/// A step every write passes before validation and storage, as in kube-apiserver's
/// admission chain. A plugin may mutate `attributes.object` (defaulting, finalizers) or
/// throw an APIError to refuse the write; it must not write to the store itself.
public protocol AdmissionPlugin: Sendable {
    var name: String { get }
    func admit(_ attributes: inout AdmissionAttributes, context: any AdmissionContext) async throws(APIError)
}

/// What plugins may read: the current objects of any resource.
public protocol AdmissionContext: Sendable {
    /// The stored object of `type` at namespace/name, decoded; nil when absent.
    func object<T: APIResource>(_ type: T.Type, namespace: String, name: String) -> T?
    /// Every stored object of `type` (in `namespace`, or all when nil).
    func objects<T: APIResource>(_ type: T.Type, namespace: String?) -> [T]
}
