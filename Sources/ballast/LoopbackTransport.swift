import BallastClient
import BallastServer

/// The control plane's own client transport: requests go straight to the API handler as
/// the loopback user, through the same authorization, admission, validation and storage
/// path as HTTPS, without TLS and HTTP framing.
struct LoopbackTransport: ClientTransport {
    let handler: APIHandler
    let user: UserInfo

    private func apiRequest(_ request: ClientRequest) -> APIRequest {
        var headers: [String: String] = ["user-agent": "ballast-controller"]
        for (name, value) in request.headers { headers[name.lowercased()] = value }
        var query: [String: String] = [:]
        for (name, value) in request.query where query[name] == nil { query[name] = value }
        return APIRequest(method: request.method, path: request.path, query: query, headers: headers, body: request.body, user: user)
    }

    func send(_ request: ClientRequest) async throws -> ClientResponse {
        let response = await handler.handle(apiRequest(request))
        switch response.body {
        case .bytes(let bytes):
            return ClientResponse(status: response.status, body: bytes)
        case .stream(let stream):
            var body: [UInt8] = []
            for await chunk in stream { body += chunk }
            return ClientResponse(status: response.status, body: body)
        }
    }

    func stream(_ request: ClientRequest) async throws -> StreamingResponse {
        let response = await handler.handle(apiRequest(request))
        let (body, continuation) = AsyncThrowingStream<[UInt8], any Error>.makeStream()
        switch response.body {
        case .bytes(let bytes):
            continuation.yield(bytes)
            continuation.finish()
        case .stream(let stream):
            let task = Task {
                for await chunk in stream { continuation.yield(chunk) }
                continuation.finish()
            }
            continuation.onTermination = { _ in task.cancel() }
        }
        return StreamingResponse(status: response.status, body: body)
    }
}
