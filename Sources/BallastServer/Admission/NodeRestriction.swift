import BallastAPI

/// What a node agent may write beyond what the authorizer can tell from the path, as
/// upstream's NodeRestriction plugin decides: only the pods bound to it (their status, and
/// deleting them), never new pods, and of the kube-system secrets only its own proxy token.
/// As the provisioner of its local drivers: only volumes node-affine to it, the claims
/// selected for it or bound to those volumes, and storage capacity of its own topology.
public struct NodeRestriction: AdmissionPlugin {
    public let name = "NodeRestriction"

    /// Where an agent keeps the token the API server presents to its exec and log endpoint.
    static let proxySecretNamespace = "kube-system"
    static let proxySecretPrefix = "ballast-node-proxy-"
    static func proxySecretName(_ node: String) -> String { proxySecretPrefix + node }

    public init() {}

    public func admit(_ attributes: inout AdmissionAttributes, context: any AdmissionContext) async throws(APIError) {
        guard let user = attributes.user, !user.isAdmin, let node = user.nodeName else { return }
        switch (attributes.resource.group, attributes.resource.plural) {
        case ("", "pods"): try admitPod(attributes, node: node)
        case ("", "secrets"): try admitSecret(attributes, node: node)
        case ("", "persistentvolumes"): try admitVolume(attributes, node: node)
        case ("", "persistentvolumeclaims"): try admitClaim(attributes, node: node, context: context)
        case ("storage.k8s.io", "csistoragecapacities"): try admitCapacity(attributes, node: node)
        default: return
        }
    }

    /// Only volumes node-affine to the node itself, before and after the write.
    private func admitVolume(_ attributes: AdmissionAttributes, node: String) throws(APIError) {
        let volumes = [attributes.object, attributes.oldObject].compactMap { $0 as? PersistentVolume }
        if volumes.isEmpty || volumes.contains(where: { $0.nodeAffinityHostname != node }) {
            throw forbidden(attributes, "node \"\(node)\" can only write persistent volumes with node affinity to itself")
        }
    }

    /// Only claims selected for the node, or bound to a volume on it.
    private func admitClaim(_ attributes: AdmissionAttributes, node: String, context: any AdmissionContext) throws(APIError) {
        guard let claim = (attributes.oldObject ?? attributes.object) as? PersistentVolumeClaim else { return }
        let selected = claim.metadata.annotation(VolumeBindingRules.selectedNode) == node
        let volume = claim.spec?.volumeName.flatMap { context.object(PersistentVolume.self, namespace: "", name: $0) }
        if attributes.operation == .create || !(selected || volume?.nodeAffinityHostname == node) {
            throw forbidden(attributes, "node \"\(node)\" can only update claims selected for it or bound to a volume on it")
        }
    }

    /// Only capacity records whose topology is the node itself.
    private func admitCapacity(_ attributes: AdmissionAttributes, node: String) throws(APIError) {
        let records = [attributes.object, attributes.oldObject].compactMap { $0 as? CSIStorageCapacity }
        if records.isEmpty || records.contains(where: { $0.nodeTopology?.matchLabels != ["kubernetes.io/hostname": node] }) {
            throw forbidden(attributes, "node \"\(node)\" can only write storage capacity with nodeTopology kubernetes.io/hostname=\(node)")
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
