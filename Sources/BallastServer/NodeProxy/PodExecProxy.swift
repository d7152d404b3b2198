import BallastAPI
import BallastStore
import Foundation

/// An exec request of pods/{name}/exec, read from its query as kubectl sends it
/// (command repeated, container, stdin, stdout, stderr, tty).
struct PodExecRequest {
    var target: PodOnNode
    var command: [String]
    var stdin: Bool
    var tty: Bool

    /// - Throws: the Status kube-apiserver answers (404 for a missing pod, 400 for a missing
    ///   command or an unknown container).
    static func parse(path: RequestTarget.ResourcePath, rawQuery: String, server: ServerContext) throws(APIError) -> PodExecRequest {
        var values: [String: [String]] = [:]
        for pair in rawQuery.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            values[APIRequest.percentDecode(String(parts[0])), default: []].append(parts.count > 1 ? APIRequest.percentDecode(String(parts[1])) : "")
        }
        let target = try PodOnNode.resolve(namespace: path.namespace ?? "default", name: path.name ?? "", container: values["container"]?.first,
                                           server: server)
        let command = values["command"] ?? []
        guard !command.isEmpty else { throw APIError.badRequest("you must specify at least 1 command") }
        let phase = target.pod.status?.phase ?? ""
        if phase == "Succeeded" || phase == "Failed" {
            throw APIError.badRequest("cannot exec into a container in a completed pod; current phase is \(phase)")
        }
        let flag = { (name: String) in ["true", "1"].contains(values[name]?.first ?? "") }
        return PodExecRequest(target: target, command: command, stdin: flag("stdin"), tty: flag("tty"))
    }

    /// The agent's exec path with the command and options.
    var nodePath: String {
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~"))
        let commandQuery = command.map { "command=" + ($0.addingPercentEncoding(withAllowedCharacters: allowed) ?? $0) }
        return target.nodePath("exec") + "?" + (commandQuery + ["stdin=\(stdin)", "tty=\(tty)"]).joined(separator: "&")
    }
}

/// pods/{name}/exec reached without a WebSocket upgrade (kubectl's SPDY fallback, or a
/// plain request): the request's own errors first, then why it cannot be served.
struct PodExecProxy: SubresourceHandler {
    func handle(_ request: APIRequest, path: RequestTarget.ResourcePath, server: ServerContext) async throws(APIError) -> APIResponse {
        guard request.method == "GET" || request.method == "POST" else { throw APIError.methodNotAllowed() }
        let rawQuery = request.query.map { "\($0.key)=\($0.value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")" }.joined(separator: "&")
        _ = try PodExecRequest.parse(path: path, rawQuery: rawQuery, server: server)
        throw APIError.badRequest("Upgrade request required: Ballast serves exec over WebSocket (v5.channel.k8s.io or v4.channel.k8s.io), not SPDY")
    }
}
