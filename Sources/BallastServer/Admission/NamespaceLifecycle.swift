import BallastAPI

/// Refuses objects in a namespace that does not exist (404) or is being deleted (403), and
/// protects the namespaces the system needs from deletion, as upstream's plugin does.
public struct NamespaceLifecycle: AdmissionPlugin {
    public let name = "NamespaceLifecycle"
    public static let immortal: Set<String> = ["default", "kube-system", "kube-public", "kube-node-lease"]

    public init() {}

    public func admit(_ attributes: inout AdmissionAttributes, context: any AdmissionContext) async throws(APIError) {
        if attributes.resource.plural == "namespaces", attributes.resource.group.isEmpty {
            if attributes.operation == .delete, NamespaceLifecycle.immortal.contains(attributes.object.name) {
                throw APIError.forbidden("namespace \"\(attributes.object.name)\" may not be deleted", resource: attributes.resource,
                                         name: attributes.object.name)
            }
            return
        }
        guard attributes.resource.namespaced, attributes.operation == .create else { return }
        let namespace = attributes.object.namespace
        guard let found = context.object(Namespace.self, namespace: "", name: namespace) else {
            throw APIError.namespaceNotFound(namespace)
        }
        if found.metadata.isDeleting, attributes.resource.plural != "events" {
            throw APIError.forbidden("\(attributes.resource.plural) \"\(attributes.object.name)\" is forbidden: unable to create new content in namespace \(namespace) because it is being terminated",
                                     resource: attributes.resource, name: attributes.object.name)
        }
    }
}
