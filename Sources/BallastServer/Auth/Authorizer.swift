/// Decides whether an authenticated user may make a request.
///
/// Administrators (group system:masters) may do anything. Node agents (group
/// system:nodes, user system:node:NAME) may read what a kubelet reads and write only their
/// own Node, Lease and the pods bound to them, as Kubernetes' Node authorizer allows, and,
/// as the provisioner of their local drivers, the volumes on them, the claims of those, and
/// their storage capacity; what depends on the object (a pod's node, a volume's node)
/// NodeRestriction admission checks.
struct Authorizer: Sendable {
    func allows(_ user: UserInfo, method: String, target: RequestTarget) -> Bool {
        if user.isAdmin { return true }
        guard let node = user.nodeName else { return false }
        guard case .resource(let path) = target else { return true }
        let reading = method == "GET"
        switch (path.group, path.resource) {
        case ("", "nodes"):
            // nodes/proxy reaches every agent's endpoints (metrics, logs): admins only, as
            // upstream's Node authorizer never grants it.
            if path.subresource == "proxy" { return false }
            return reading || path.name == node || (method == "POST" && path.name == nil)
        case ("coordination.k8s.io", "leases"):
            return path.namespace == "kube-node-lease" && (path.name == node || (method == "POST" && path.name == nil) || reading)
        case ("", "pods"):
            // Pod writes are checked against spec.nodeName by NodeRestriction admission; a
            // node never binds, evicts, or execs into a pod, nor reads another's logs.
            return path.subresource == nil || path.subresource == "status"
        case ("", "events"):
            return reading || method == "POST" || method == "PATCH"
        case ("storage.k8s.io", "csistoragecapacities"):
            return true
        case ("", "secrets"):
            // A secret is read by name (a pod's volume or env names it), never listed; the
            // exec/log proxy tokens of other nodes stay hidden. A node writes only its own
            // proxy token (its name is checked by NodeRestriction admission).
            if path.namespace == NodeRestriction.proxySecretNamespace {
                if let name = path.name, name.hasPrefix(NodeRestriction.proxySecretPrefix) {
                    return name == NodeRestriction.proxySecretName(node) && ["GET", "PUT", "PATCH"].contains(method)
                }
                if method == "POST" { return path.name == nil }
            }
            return reading && path.name != nil
        case ("", "persistentvolumes"):
            // A node's local drivers make, grow and delete the volumes on it (checked
            // against the volume's node affinity by NodeRestriction admission).
            return reading || ["POST", "PUT", "PATCH", "DELETE"].contains(method)
        case ("", "persistentvolumeclaims"):
            // ... and write the claims they provision or expand (also checked there).
            return reading || ["PUT", "PATCH"].contains(method)
        case ("", "configmaps"), ("", "namespaces"), ("", "services"), ("", "endpoints"), ("storage.k8s.io", _):
            return reading
        default:
            return reading
        }
    }
}
