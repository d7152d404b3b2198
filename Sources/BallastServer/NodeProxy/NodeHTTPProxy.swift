import BallastAPI
import BallastMetrics
import Foundation

/// GET nodes/{name}/proxy/{path}: relays a GET of `path` to the node's agent with the
/// node's proxy token and answers with what the agent said, as upstream's node proxy does
/// for the kubelet (`kubectl get --raw /api/v1/nodes/NODE/proxy/metrics`). Only admins
/// reach it (Authorizer). DELETE is relayed too, for the agent's storage paths only
/// (`ballast storage orphans --purge`: DELETE /storage/lvm/VG/LV, /storage/local-path/NAME).
struct NodeHTTPProxy: SubresourceHandler {
    func handle(_ request: APIRequest, path: RequestTarget.ResourcePath, server: ServerContext) async throws(APIError) -> APIResponse {
        let deletesStorage = request.method == "DELETE" && (path.proxyPath ?? "").hasPrefix("/storage/")
        guard request.method == "GET" || deletesStorage else { throw APIError.methodNotAllowed() }
        let nodeName = path.name ?? ""
        guard server.object(Node.self, namespace: "", name: nodeName) != nil else { throw APIError.notFound(Node.resource, name: nodeName) }
        let endpoint = try NodeEndpoint.resolve(nodeName, server: server)
        let nodePath = Self.encode(path: path.proxyPath ?? "/") + Self.encode(query: request.query)
        let (address, port) = (endpoint.address, endpoint.port)
        let (connection, code, first): (NodeConnection, Int, [UInt8])
        do {
            (connection, code, first) = try await NodeConnection.open(host: address, port: port, method: request.method, path: nodePath, token: endpoint.token)
        } catch {
            throw APIError(code: 503, reason: "ServiceUnavailable", message: "error trying to reach node \(nodeName): \(error)")
        }
        let rest: [UInt8] = await withCheckedContinuation { continuation in
            let thread = Thread {
                let bytes = connection.readAll(limit: 64 << 20)
                connection.close()
                continuation.resume(returning: bytes)
            }
            thread.start()
        }
        let body = first + rest
        // The agent refusing the proxy token is the server's problem, not the client's
        // credentials: a 401 relayed as is would read to kubectl as "log in again".
        if code == 401 {
            throw APIError(code: 502, reason: "BadGateway", message: "node \(nodeName) refused the proxy token: \(String(decoding: body, as: UTF8.self))")
        }
        let contentType = path.proxyPath == "/metrics" ? PrometheusText.contentType
            : path.proxyPath == "/storage/inventory" && code == 200 ? "application/json" : "text/plain; charset=utf-8"
        return APIResponse(status: code, contentType: contentType, body: .bytes(body))
    }

    /// The path with each segment percent-escaped again (the server decoded it).
    static func encode(path: String) -> String {
        let segments = path.split(separator: "/", omittingEmptySubsequences: false).map {
            String($0).addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "/?#"))) ?? String($0)
        }
        return segments.joined(separator: "/")
    }

    static func encode(query: [String: String]) -> String {
        guard !query.isEmpty else { return "" }
        let pairs = query.sorted { $0.key < $1.key }.map { key, value in
            let escapedKey = key.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? key
            let escapedValue = value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? value
            return "\(escapedKey)=\(escapedValue)"
        }
        return "?" + pairs.joined(separator: "&")
    }
}
