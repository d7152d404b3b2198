import BallastAPI
import BallastClient
import BallastTesting
import Foundation
import Testing

/// Issue 2: bad input gets the right Status and code, and never takes the server down.
@Suite struct ErrorTests {
    private func send(_ transport: any ClientTransport, _ method: String, _ path: String, contentType: String = "application/json",
                      body: String = "") async throws -> (Int, JSONValue?) {
        let response = try await transport.send(ClientRequest(method: method, path: path, headers: [("Content-Type", contentType)],
                                                               body: Array(body.utf8)))
        return (response.status, try? JSONValue.parse(response.body))
    }

    @Test func badRequestsGetTheirStatusCodes() async throws {
        let server = try ServerProcess()
        let config = try KubeconfigFile.load(path: server.kubeconfig)
        let transport = try config.transport()
        let pvcs = "/api/v1/namespaces/default/persistentvolumeclaims"

        var (code, status) = try await send(transport, "POST", pvcs, body: "{\"metadata\": {\"name\": ")
        #expect(code == 400 && status?.string("reason") == "BadRequest")
        (code, status) = try await send(transport, "POST", pvcs, contentType: "application/yaml", body: "metadata: [unclosed")
        #expect(code == 400)
        (code, status) = try await send(transport, "GET", "/api/v1/namespaces/default/frobnicators")
        #expect(code == 404 && status?.string("reason") == "NotFound")
        (code, status) = try await send(transport, "GET", pvcs + "/nope")
        #expect(code == 404 && status?.string("message") == "persistentvolumeclaims \"nope\" not found")
        // A protobuf envelope that names no kind is malformed; an unknown media type is 415.
        (code, status) = try await send(transport, "POST", pvcs, contentType: "application/vnd.kubernetes.protobuf", body: "k8s\0")
        #expect(code == 400 && status?.string("reason") == "BadRequest")
        (code, status) = try await send(transport, "POST", pvcs, contentType: "application/cbor", body: "x")
        #expect(code == 415)
        (code, status) = try await send(transport, "POST", pvcs, body: #"{"apiVersion":"v1","kind":"PersistentVolumeClaim","metadata":{"name":"x"},"spec":{}}"#)
        #expect(code == 422)
        #expect(status?.at("details.causes")?.arrayValue?.contains { $0.string("field") == "spec.accessModes" } == true)
        (code, status) = try await send(transport, "POST", pvcs, body: #"{"apiVersion":"v1","kind":"PersistentVolumeClaim","metadata":{"name":"x"},"spec":{"accessModes":"RWO"}}"#)
        #expect(code == 400, "a string where a list belongs is a decoding error")

        let anonymous = try HTTPSTransport(server: config.server, caPEM: config.caPEM, token: nil)
        (code, status) = try await send(anonymous, "GET", pvcs)
        #expect(code == 401 && status?.string("reason") == "Unauthorized")
        let wrong = try HTTPSTransport(server: config.server, caPEM: config.caPEM, token: "not-a-token")
        (code, _) = try await send(wrong, "GET", pvcs)
        #expect(code == 401)
    }

    @Test func theServerStaysUpUnderTenThousandMalformedBodies() async throws {
        let server = try ServerProcess()
        let transport = try KubeconfigFile.load(path: server.kubeconfig).transport()
        var generator = SystemRandomNumberGenerator()
        let paths = ["/api/v1/namespaces/default/persistentvolumeclaims", "/api/v1/namespaces/default/pods",
                     "/apis/apps/v1/namespaces/default/deployments", "/api/v1/persistentvolumes", "/apis/storage.k8s.io/v1/storageclasses"]
        let fragments = ["{", "}", "[", "]", "\"", ":", ",", "null", "true", "1e999", "-", "\\u", "metadata", "spec", "\"name\"",
                         "{\"apiVersion\":\"v1\"", "\u{0}", "k8s\u{0}", "\n\u{2}\n\u{1}", "\u{12}\u{4}", "\u{FFFF}", "💥", "9999999999999999999999", "[[[[[[[[[[", "\"\\ud800\""]
        var bodies: [(String, String, String)] = []
        for _ in 0..<10_000 {
            let count = Int.random(in: 0...12, using: &generator)
            let body = (0..<count).map { _ in fragments.randomElement(using: &generator) ?? "" }.joined()
            let method = ["POST", "PUT", "PATCH"].randomElement(using: &generator) ?? "POST"
            let type = ["application/json", "application/yaml", "application/merge-patch+json", "application/json-patch+json",
                        "application/strategic-merge-patch+json", "application/apply-patch+yaml", "text/plain",
                        "application/vnd.kubernetes.protobuf"].randomElement(using: &generator) ?? ""
            let path = (paths.randomElement(using: &generator) ?? "") + (method == "POST" ? "" : "/x")
            bodies.append((method, path, type + "|" + body))
        }
        var serverErrors = 0
        await withTaskGroup(of: Int.self) { group in
            for worker in 0..<8 {
                let slice = bodies.enumerated().filter { $0.offset % 8 == worker }.map(\.element)
                group.addTask {
                    var errors = 0
                    for (method, path, typed) in slice {
                        let parts = typed.split(separator: "|", maxSplits: 1, omittingEmptySubsequences: false)
                        let request = ClientRequest(method: method, path: path, query: [("fieldManager", "fuzz")],
                                                    headers: [("Content-Type", String(parts[0]))], body: Array(String(parts[1]).utf8))
                        if let response = try? await transport.send(request), response.status >= 500 { errors += 1 }
                    }
                    return errors
                }
            }
            for await errors in group { serverErrors += errors }
        }
        #expect(serverErrors == 0)
        // Still serving, and nothing half-made was stored.
        let (code, list) = try await send(transport, "GET", "/api/v1/namespaces/default/persistentvolumeclaims")
        #expect(code == 200)
        #expect(list?.at("items")?.arrayValue?.allSatisfy { $0.string("metadata.name") != nil } == true)
    }
}
