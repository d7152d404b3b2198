import BallastAPI
import BallastStore
import Foundation

/// GET pods/{name}/log: finds the pod's node, its log endpoint (InternalIP and
/// daemonEndpoints.kubeletEndpoint.port) and its proxy token (the kube-system Secret the
/// node agent published), and relays the node's answer, streaming it with follow=true.
/// Errors read as upstream's: a missing container name names the choices.
struct PodLogProxy: SubresourceHandler {
    func handle(_ request: APIRequest, path: RequestTarget.ResourcePath, server: ServerContext) async throws(APIError) -> APIResponse {
        guard request.method == "GET" else { throw APIError.methodNotAllowed() }
        let namespace = path.namespace ?? "default"
        let name = path.name ?? ""
        guard let stored = server.store.get(ObjectKey(resource: "pods", namespace: namespace, name: name)),
              let pod = try? JSONDecoder().decode(Pod.self, from: Data(stored.data)) else {
            throw APIError.notFound(Pod.resource, name: name)
        }
        let containers = pod.spec?.allContainers.map(\.name) ?? []
        var container = request.query["container"] ?? ""
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
        guard let nodeData = server.store.get(ObjectKey(resource: "nodes", namespace: "", name: nodeName)),
              let node = try? JSONDecoder().decode(Node.self, from: Data(nodeData.data)),
              let address = node.status?.addresses?.first(where: { $0.type == "InternalIP" })?.address,
              let port = node.status?.daemonEndpoints?.kubeletEndpoint?.port, port > 0 else {
            throw APIError(code: 503, reason: "ServiceUnavailable", message: "node \(nodeName) has no log endpoint")
        }
        guard let secretData = server.store.get(ObjectKey(resource: "secrets", namespace: "kube-system", name: "ballast-node-proxy-" + nodeName)),
              let secret = try? JSONDecoder().decode(Secret.self, from: Data(secretData.data)),
              let encoded = secret.data?["token"], let tokenBytes = Data(base64Encoded: encoded) else {
            throw APIError(code: 503, reason: "ServiceUnavailable", message: "node \(nodeName) has not published its proxy token")
        }
        let token = String(decoding: tokenBytes, as: UTF8.self)

        var query: [String] = []
        for key in ["follow", "previous", "timestamps", "tailLines", "limitBytes", "sinceSeconds"] {
            if let value = request.query[key], let encodedValue = value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) {
                query.append("\(key)=\(encodedValue)")
            }
        }
        let segments = [namespace, name, container].map { $0.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? $0 }
        let target = "/containerLogs/\(segments.joined(separator: "/"))" + (query.isEmpty ? "" : "?" + query.joined(separator: "&"))

        let (connection, code, first): (NodeConnection, Int, [UInt8])
        do {
            (connection, code, first) = try await NodeConnection.open(host: address, port: Int(port), path: target, token: token)
        } catch {
            throw APIError(code: 500, reason: "InternalError", message: "Get \"http://\(address):\(port)\(target)\": \(error)")
        }
        let follow = request.query["follow"] == "true"
        guard code == 200, follow else {
            let rest: [UInt8] = await withCheckedContinuation { continuation in
                let thread = Thread {
                    let bytes = connection.readAll()
                    connection.close()
                    continuation.resume(returning: bytes)
                }
                thread.start()
            }
            let body = first + rest
            guard code == 200 else {
                let message = String(decoding: body, as: UTF8.self)
                throw APIError(code: code == 404 ? 404 : 400, reason: code == 404 ? "NotFound" : "BadRequest", message: message)
            }
            return APIResponse(status: 200, contentType: "text/plain", body: .bytes(body))
        }
        let stream = AsyncStream<[UInt8]> { continuation in
            if !first.isEmpty { continuation.yield(first) }
            let thread = Thread {
                while let chunk = connection.read() { continuation.yield(chunk) }
                connection.close()
                continuation.finish()
            }
            continuation.onTermination = { _ in connection.cancel() }
            thread.start()
        }
        return APIResponse(status: 200, contentType: "text/plain", body: .stream(stream))
    }
}
