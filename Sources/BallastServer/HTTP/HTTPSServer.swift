import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTLS
import HummingbirdWebSocket
import NIOCore
import NIOSSL

/// Serves an APIHandler over HTTPS/1.1 with Hummingbird; pods/exec upgrades to a WebSocket.
enum HTTPSServer {
    /// The largest request body accepted (kube-apiserver's limit is 3 MiB).
    static let maxBody = 3 * 1024 * 1024 + 64 * 1024

    static func makeApplication(handler: APIHandler, host: String, port: Int, certificates: ClusterCertificates,
                                onRunning: @escaping @Sendable (Int) async -> Void) throws -> some ApplicationProtocol {
        let chain = try NIOSSLCertificate.fromPEMBytes(Array(certificates.serverCertificatePEM.utf8)).map { NIOSSLCertificateSource.certificate($0) }
        let key = try NIOSSLPrivateKey(bytes: Array(certificates.serverKeyPEM.utf8), format: .pem)
        var tls = TLSConfiguration.makeServerConfiguration(certificateChain: chain, privateKey: .privateKey(key))
        tls.applicationProtocols = ["http/1.1"]
        let responder = CallbackResponder<BasicRequestContext> { request, _ in
            try await respond(request, handler: handler)
        }
        return Application(
            responder: responder,
            server: try .tls(
                .http1WebSocketUpgrade(configuration: .init(http1: .init(idleTimeout: .seconds(600)))) { request, _, _ in
                    guard let session = ExecWebSocket.session(for: request, handler: handler) else { return .dontUpgrade }
                    return .upgrade([.secWebSocketProtocol: session.subprotocol]) { inbound, outbound, _ in
                        await ExecWebSocket.run(session.exec, inbound: inbound, outbound: outbound)
                    }
                },
                tlsConfiguration: tls),
            configuration: ApplicationConfiguration(address: .hostname(host, port: port), serverName: nil, backlog: 1024),
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? port) })
    }

    private static func respond(_ request: Request, handler: APIHandler) async throws -> Response {
        var headers: [String: String] = [:]
        for field in request.headers {
            let name = field.name.canonicalName
            if let existing = headers[name] {
                headers[name] = existing + "," + field.value
            } else {
                headers[name] = field.value
            }
        }
        var body: [UInt8] = []
        do {
            var buffer = try await request.body.collect(upTo: maxBody)
            body = buffer.readBytes(length: buffer.readableBytes) ?? []
        } catch {
            let status = APIError(code: 413, reason: "RequestEntityTooLarge", message: "the request body is larger than \(maxBody) bytes")
            return makeResponse(.error(status))
        }
        let path = APIRequest.percentDecode(request.uri.path, plusIsSpace: false)
        let query = APIRequest.parseQuery(request.uri.query ?? "")
        let apiRequest = APIRequest(method: request.method.rawValue, path: path, query: query, headers: headers, body: body)
        return makeResponse(await handler.handle(apiRequest))
    }

    private static func makeResponse(_ response: APIResponse) -> Response {
        var fields = HTTPFields()
        fields[.contentType] = response.contentType
        for (name, value) in response.headers {
            if let field = HTTPField.Name(name) { fields.append(HTTPField(name: field, value: value)) }
        }
        let status = HTTPResponse.Status(code: response.status)
        switch response.body {
        case .bytes(let bytes):
            fields[.contentLength] = String(bytes.count)
            return Response(status: status, headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
        case .stream(let stream):
            fields[.cacheControl] = "no-cache, private"
            return Response(status: status, headers: fields, body: ResponseBody(asyncSequence: stream.map { ByteBuffer(bytes: $0) }))
        }
    }
}
