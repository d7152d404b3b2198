public import BallastAPI
import Foundation
enum MergePatch { static func apply(_ p: JSONValue, to t: JSONValue) -> JSONValue { t } }
struct PatchError: Error, CustomStringConvertible { var description: String }
enum JSONPatch { static func apply(_ p: JSONValue, to t: JSONValue) throws(PatchError) -> JSONValue { t } }
enum StrategicMergePatch { static func apply(_ p: JSONValue, to t: JSONValue) throws(PatchError) -> JSONValue { t } }
enum FieldManagement {
    static func created(_ v: JSONValue, manager: String, now: Time) -> [ManagedFieldsEntry]? { nil }
    static func updated(old: JSONValue, new: JSONValue, manager: String, subresource: String?, managedFields: [ManagedFieldsEntry]?, now: Time) -> [ManagedFieldsEntry]? { nil }
    static func apply(config: JSONValue, live: JSONValue?, manager: String, force: Bool, subresource: String?, managedFields: [ManagedFieldsEntry], now: Time, resource: ResourceInfo, name: String) throws(APIError) -> (object: JSONValue, managedFields: [ManagedFieldsEntry]) { (config, []) }
}
public struct Namespace: APIResource {
    public static let gvk = GroupVersionKind(group: "", version: "v1", kind: "Namespace")
    public static let resource = ResourceInfo(gvk: gvk, plural: "namespaces", singular: "namespace", namespaced: false)
    public var apiVersion: String?
    public var kind: String?
    public var metadata: ObjectMeta
}
enum BuiltinResources { static let endpoints: [any ResourceEndpoint] = [TypedEndpoint<Namespace>()] }
