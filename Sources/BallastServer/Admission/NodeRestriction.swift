import BallastAPI

/// What a node agent may write beyond what the authorizer can tell from the path, as
/// upstream's NodeRestriction plugin decides: only the pods bound to it (their status, and
/// deleting them), never new pods, and of the kube-system secrets only its own proxy token.
public struct NodeRestriction: AdmissionPlugin {
    public let name = "NodeRestriction"

    /// Where an agent keeps the token the API server presents to its exec and log endpoint.
    static let proxySecretNamespace = "kube-system"
    static let proxySecretPrefix = "ballast-node-proxy-"
    static func proxySecretName(_ node: String) -> String { proxySecretPrefix + node }

    public init() {}

    public func admit(_ attributes: inout AdmissionAttributes, context: any AdmissionContext) async throws(APIError) {
        guard let user = attributes.user, !user.isAdmin, let node = user.nodeName, attributes.resource.group.isEmpty else { return }
        switch attributes.resource.plural {
        case "pods": try admitPod(attributes, node: node)
        case "secrets": try admitSecret(attributes, node: node)
        default: return
        }
    }

    private func admitPod(_ attributes: AdmissionAttributes, node: String) throws(APIError) {
        let bound = ((attributes.oldObject ?? attributes.object) as? Pod)?.spec?.nodeName
        switch (attributes.operation, attributes.subresource) {
        case (.create, nil):
            throw forbidden(attributes, "node \"\(node)\" can not create pods")
        case (.delete, nil):
            if bound != node { throw forbidden(attributes, "node \"\(node)\" can only delete pods with spec.nodeName set to itself") }
        case (.update, "status"):
            if bound != node { throw forbidden(attributes, "node \"\(node)\" can only update pod status for pods with spec.nodeName set to itself") }
        default:
            throw forbidden(attributes, "unexpected operation \(attributes.operation.rawValue), node \"\(node)\" can only update the status of and delete the pods bound to it")
        }
    }

    private func admitSecret(_ attributes: AdmissionAttributes, node: String) throws(APIError) {
        let own = attributes.object.namespace == Self.proxySecretNamespace && attributes.object.name == Self.proxySecretName(node)
        if attributes.operation == .delete || !own {
            throw forbidden(attributes, "node \"\(node)\" can only write its own secret \(Self.proxySecretNamespace)/\(Self.proxySecretName(node))")
        }
    }

    private func forbidden(_ attributes: AdmissionAttributes, _ reason: String) -> APIError {
        let name = attributes.object.name
        return APIError.forbidden("\(attributes.resource.plural) \"\(name)\" is forbidden: \(reason)", resource: attributes.resource, name: name)
    }
}
