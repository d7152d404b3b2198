public import BallastAPI
import Foundation
public struct Namespace: APIResource {
    public static let gvk = GroupVersionKind(group: "", version: "v1", kind: "Namespace")
    public static let resource = ResourceInfo(gvk: gvk, plural: "namespaces", singular: "namespace", namespaced: false)
    public var apiVersion: String?
    public var kind: String?
    public var metadata: ObjectMeta
}
enum BuiltinResources { static let endpoints: [any ResourceEndpoint] = [TypedEndpoint<Namespace>()] }
