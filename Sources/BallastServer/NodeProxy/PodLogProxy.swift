import BallastAPI
import BallastStore
import Foundation

/// GET pods/{name}/log: finds the pod's node and relays the agent's answer, streaming it
/// with follow=true.
struct PodLogProxy: SubresourceHandler {
    func handle(_ request: APIRequest, path: RequestTarget.ResourcePath, server: ServerContext) async throws(APIError) -> APIResponse {
        guard request.method == "GET" else { throw APIError.methodNotAllowed() }
        let target = try PodOnNode.resolve(namespace: path.namespace ?? "default", name: path.name ?? "", container: request.query["container"],
                                           server: server)
        var query: [String] = []
        for key in ["follow", "previous", "timestamps", "tailLines", "limitBytes", "sinceSeconds"] {
            if let value = request.query[key], let encodedValue = value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) {
                query.append("\(key)=\(encodedValue)")
            }
        }
        let nodePath = target.nodePath("containerLogs") + (query.isEmpty ? "" : "?" + query.joined(separator: "&"))
        let (address, port) = (target.address, target.port)

        let (connection, code, first): (NodeConnection, Int, [UInt8])
        do {
            (connection, code, first) = try await NodeConnection.open(host: address, port: port, path: nodePath, token: target.token)
        } catch {
            throw APIError(code: 500, reason: "InternalError", message: "Get \"http://\(address):\(port)\(nodePath)\": \(error)")
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
