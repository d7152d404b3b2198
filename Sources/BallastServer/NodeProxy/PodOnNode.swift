import BallastAPI
import BallastStore
import Foundation

/// A pod's container and the node endpoint that serves it: the node's InternalIP, its
/// daemonEndpoints.kubeletEndpoint port and the proxy token the agent published in a
/// kube-system Secret. Errors read as upstream's (a missing container name names the choices).
struct PodOnNode {
    var pod: Pod
    var container: String
    var address: String
    var port: Int
    var token: String

    static func resolve(namespace: String, name: String, container requested: String?, server: ServerContext) throws(APIError) -> PodOnNode {
        guard let pod = server.object(Pod.self, namespace: namespace, name: name) else { throw APIError.notFound(Pod.resource, name: name) }
        let containers = pod.spec?.allContainers.map(\.name) ?? []
        var container = requested ?? ""
        if container.isEmpty {
            if let annotated = pod.metadata.annotations?["kubectl.kubernetes.io/default-container"], containers.contains(annotated) {
                container = annotated
            } else if let only = pod.spec?.containers?.first?.name, pod.spec?.containers?.count == 1 {
                container = only
            } else {
                throw APIError.badRequest("a container name must be specified for pod \(name), choose one of: [\(containers.joined(separator: " "))]")
            }
        }
        guard containers.contains(container) else { throw APIError.badRequest("container \(container) is not valid for pod \(name)") }
        guard let nodeName = pod.spec?.nodeName, !nodeName.isEmpty else {
            throw APIError.badRequest("pod \(name) does not have a host assigned")
        }
        let endpoint = try NodeEndpoint.resolve(nodeName, server: server)
        return PodOnNode(pod: pod, container: container, address: endpoint.address, port: endpoint.port, token: endpoint.token)
    }

    /// "/{prefix}/{namespace}/{pod}/{container}", each segment escaped.
    func nodePath(_ prefix: String) -> String {
        let segments = [pod.namespace, pod.name, container].map { $0.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? $0 }
        return "/\(prefix)/\(segments.joined(separator: "/"))"
    }
}

/// A node agent's endpoint: the node's InternalIP, its daemonEndpoints.kubeletEndpoint port
/// and the proxy token the agent published in a kube-system Secret.
struct NodeEndpoint {
    var address: String
    var port: Int
    var token: String

    static func resolve(_ nodeName: String, server: ServerContext) throws(APIError) -> NodeEndpoint {
        guard let node = server.object(Node.self, namespace: "", name: nodeName),
              let address = node.status?.addresses?.first(where: { $0.type == "InternalIP" })?.address,
              let port = node.status?.daemonEndpoints?.kubeletEndpoint?.port, port > 0 else {
            throw APIError(code: 503, reason: "ServiceUnavailable", message: "node \(nodeName) has no agent endpoint")
        }
        guard let secret = server.object(Secret.self, namespace: "kube-system", name: "ballast-node-proxy-" + nodeName),
              let encoded = secret.data?["token"], let tokenBytes = Data(base64Encoded: encoded) else {
            throw APIError(code: 503, reason: "ServiceUnavailable", message: "node \(nodeName) has not published its proxy token")
        }
        return NodeEndpoint(address: address, port: Int(port), token: String(decoding: tokenBytes, as: UTF8.self))
    }
}
