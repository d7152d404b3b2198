import BallastAPI
import Foundation
import HTTPTypes
import HummingbirdWebSocket
import NIOCore
import NIOWebSocket

/// `kubectl exec` over WebSocket (Kubernetes' v5.channel.k8s.io and v4.channel.k8s.io
/// protocols): each binary message is a channel byte and its data (0 stdin, 1 stdout,
/// 2 stderr, 3 the closing Status, 4 terminal size; in v5, [255, 0] closes stdin). The
/// session is relayed to the pod's node agent as `ExecStreamFrame`s.
enum ExecWebSocket {
    static let protocols = ["v5.channel.k8s.io", "v4.channel.k8s.io"]

    /// The exec to run for a WebSocket request of pods/{name}/exec, or the Status that says
    /// why it cannot run (sent on the error channel, which kubectl prints as it prints any
    /// API error); nil for any other request. Errors travel inside the WebSocket because a
    /// refused upgrade leaves kubectl with an empty 400 and a fallback to SPDY.
    static func session(for request: HTTPRequest, handler: APIHandler) -> (subprotocol: String, exec: Result<PodExecRequest, APIError>)? {
        guard request.method == .get, (request.headerFields[.upgrade] ?? "").lowercased().contains("websocket") else { return nil }
        let offered = request.headerFields[values: .secWebSocketProtocol].flatMap { $0.split(separator: ",") }
            .map { $0.trimmingCharacters(in: .whitespaces) }
        guard let subprotocol = protocols.first(where: offered.contains) else { return nil }
        let target = (request.path ?? "").split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        let path = APIRequest.percentDecode(target.first ?? "", plusIsSpace: false)
        guard case .resource(let resourcePath) = RequestTarget(path: path), resourcePath.group == "", resourcePath.resource == "pods",
              resourcePath.subresource == "exec"
        else { return nil }
        guard let user = handler.authenticator.authenticate(request.headerFields[.authorization]) else {
            return (subprotocol, .failure(APIError.unauthorized))
        }
        guard user.isAdmin else {
            return (subprotocol, .failure(APIError.forbidden("User \"\(user.name)\" cannot create resource \"pods/exec\" in namespace \"\(resourcePath.namespace ?? "")\"")))
        }
        do {
            return (subprotocol, .success(try PodExecRequest.parse(path: resourcePath, rawQuery: target.count > 1 ? target[1] : "", server: handler.context)))
        } catch {
            return (subprotocol, .failure(error))
        }
    }

    /// Relays the session until the agent sends the command's Status (or either side goes).
    static func run(_ request: Result<PodExecRequest, APIError>, inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter) async {
        let exec: PodExecRequest
        switch request {
        case .success(let valid): exec = valid
        case .failure(let error): return await finish(outbound, error.status)
        }
        let target = exec.target
        let (connection, code, first): (NodeConnection, Int, [UInt8])
        do {
            (connection, code, first) = try await NodeConnection.open(host: target.address, port: target.port, method: "POST",
                                                                      path: exec.nodePath, token: target.token)
        } catch {
            await finish(outbound, ExecStatus.failed("error dialing backend: \(error)"))
            return
        }
        let fromNode = AsyncStream<ExecStreamFrame> { continuation in
            let thread = Thread {
                var buffer = first
                reading: while true {
                    guard let frames = try? ExecStreamFrame.decode(from: &buffer) else { break }
                    for frame in frames { continuation.yield(frame) }
                    guard let chunk = connection.read() else { break reading }
                    buffer += chunk
                }
                connection.close()
                continuation.finish()
            }
            continuation.onTermination = { _ in connection.cancel() }
            if code == 200 {
                thread.start()
            } else {
                continuation.finish()
            }
        }
        guard code == 200 else {
            let message = await Task.detached { String(decoding: first + connection.readAll(limit: 65536), as: UTF8.self) }.value
            connection.close()
            await finish(outbound, ExecStatus.failed(message))
            return
        }
        let toNode = Task {
            do {
                for try await message in inbound.messages(maxSize: ExecStreamFrame.maxPayload) {
                    guard case .binary(var buffer) = message, let bytes = buffer.readBytes(length: buffer.readableBytes), let channel = bytes.first else { continue }
                    let payload = Array(bytes.dropFirst())
                    switch channel {
                    case ExecStreamFrame.Stream.stdin.rawValue where !payload.isEmpty:
                        _ = connection.send(ExecStreamFrame(.stdin, payload).encoded)
                    case ExecStreamFrame.Stream.resize.rawValue:
                        _ = connection.send(ExecStreamFrame(.resize, payload).encoded)
                    case closeStream where payload.first == ExecStreamFrame.Stream.stdin.rawValue:
                        _ = connection.send(ExecStreamFrame(.stdin, []).encoded)
                    default:
                        continue
                    }
                }
            } catch {}
            // The client went away: the node's side ends too.
            connection.cancel()
        }
        var ended = false
        for await frame in fromNode {
            var message = ByteBuffer(bytes: [frame.stream.rawValue])
            message.writeBytes(frame.payload)
            try? await outbound.write(.binary(message))
            if frame.stream == .status {
                ended = true
                break
            }
        }
        toNode.cancel()
        connection.cancel()
        if !ended { await finish(outbound, ExecStatus.failed("the node closed the exec session without an exit status")) }
        try? await outbound.close(.normalClosure, reason: nil)
    }

    /// v5's "close this stream" message type.
    private static let closeStream: UInt8 = 255

    private static func finish(_ outbound: WebSocketOutboundWriter, _ status: Status) async {
        var message = ByteBuffer(bytes: [ExecStreamFrame.Stream.status.rawValue])
        message.writeBytes((try? JSONEncoder().encode(status)) ?? Data())
        try? await outbound.write(.binary(message))
        try? await outbound.close(.normalClosure, reason: nil)
    }
}
