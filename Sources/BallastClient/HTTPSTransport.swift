import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOSSL

/// ClientTransport over HTTPS with a bearer token, trusting the cluster CA.
public final class HTTPSTransport: ClientTransport {
    private let client: HTTPClient
    private let baseURL: String
    private let token: String?

    /// - Parameters:
    ///   - server: "https://127.0.0.1:6443".
    ///   - caPEM: the CA that signed the server's certificate; nil trusts the system store.
    public init(server: String, caPEM: String?, token: String?, insecure: Bool = false) throws {
        var tls = TLSConfiguration.makeClientConfiguration()
        if let caPEM {
            tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMBytes(Array(caPEM.utf8)))
        }
        if insecure { tls.certificateVerification = .none }
        var configuration = HTTPClient.Configuration(tlsConfiguration: tls)
        // Idle keep-alive connections go after 5 s (client-go keeps them 90 s): a server that
        // stops waits for its open connections, and an in-process one stopped at a test's
        // end waited the full 90 s for an idle client.
        configuration.connectionPool = .init(idleTimeout: .seconds(5), concurrentHTTP1ConnectionsPerHostSoftLimit: 64)
        configuration.timeout = .init(connect: .seconds(10), read: nil)
        client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        baseURL = server.hasSuffix("/") ? String(server.dropLast()) : server
        self.token = token
    }

    deinit {
        // Not syncShutdown: deinit may run on an event loop thread, where it would deadlock.
        _ = client.shutdown()
    }

    private func makeRequest(_ request: ClientRequest) -> HTTPClientRequest {
        var outgoing = HTTPClientRequest(url: baseURL + request.target)
        outgoing.method = HTTPMethod(rawValue: request.method)
        if let token { outgoing.headers.add(name: "Authorization", value: "Bearer \(token)") }
        outgoing.headers.add(name: "User-Agent", value: "ballast/0.1")
        for (name, value) in request.headers { outgoing.headers.replaceOrAdd(name: name, value: value) }
        if !request.body.isEmpty {
            outgoing.body = .bytes(ByteBuffer(bytes: request.body))
        }
        return outgoing
    }

    public func send(_ request: ClientRequest) async throws -> ClientResponse {
        let response = try await client.execute(makeRequest(request), timeout: .seconds(60))
        var body = try await response.body.collect(upTo: 512 * 1024 * 1024)
        return ClientResponse(status: Int(response.status.code), body: body.readBytes(length: body.readableBytes) ?? [])
    }

    public func stream(_ request: ClientRequest) async throws -> StreamingResponse {
        let response = try await client.execute(makeRequest(request), timeout: .hours(24))
        let (stream, continuation) = AsyncThrowingStream<[UInt8], any Error>.makeStream()
        let task = Task {
            do {
                for try await var chunk in response.body {
                    continuation.yield(chunk.readBytes(length: chunk.readableBytes) ?? [])
                }
                continuation.finish()
            } catch {
                continuation.finish(throwing: error)
            }
        }
        continuation.onTermination = { _ in task.cancel() }
        return StreamingResponse(status: Int(response.status.code), body: stream)
    }
}
