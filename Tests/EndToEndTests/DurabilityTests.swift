import BallastAPI
import BallastClient
import BallastTesting
import Foundation
import Testing

/// Issue 2: restarts lose nothing, and a crash never loses an acknowledged write.
@Suite(.serialized) struct DurabilityTests {
    @Test func restartingTheServerLosesNothing() throws {
        let server = try ServerProcess()
        let kubectl = Kubectl(kubeconfig: server.kubeconfig)
        try kubectl.ok("apply", "-f", Examples.path("static-pv-pvc-pod.yaml"))
        try kubectl.ok("apply", "-f", Examples.path("deployment-nginx.yaml"))
        try kubectl.ok("label", "pvc", "pv-claim-demo", "tier=db")
        // The objects applied above (controllers add ReplicaSets and pods of their own).
        let applied = ["pv/pv-demo", "pvc/pv-claim-demo", "pod/redis", "deploy/nginx-deploy"]
        let before = try kubectl.run(["get"] + applied + ["-o", "json"]).stdout
        server.stop()
        try server.start()
        let after = try kubectl.run(["get"] + applied + ["-o", "json"]).stdout
        let names = { (text: String) throws -> [String] in
            try JSONValue.parse(text).at("items")?.arrayValue?.compactMap { $0.string("metadata.uid") } ?? []
        }
        #expect(try names(before) == names(after))
        #expect(try names(after).count == 4)
        #expect(try kubectl.ok("get", "pvc", "pv-claim-demo", "-o", "jsonpath={.metadata.labels.tier}") == "db")
    }

    @Test func sigkillDuringAThousandConcurrentCreatesLosesNoAnsweredCreate() async throws {
        let server = try ServerProcess()
        let config = try KubeconfigFile.load(path: server.kubeconfig)
        let transport = try config.transport()
        let answered = Locked<[String]>([])
        let killed = Locked(false)
        await withTaskGroup(of: Void.self) { group in
            for worker in 0..<8 {
                group.addTask {
                    for index in 0..<125 {
                        let name = "cm-\(worker)-\(index)"
                        let body = #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"\#(name)"},"data":{"k":"v"}}"#
                        let request = ClientRequest(method: "POST", path: "/api/v1/namespaces/default/configmaps",
                                                    headers: [("Content-Type", "application/json")], body: Array(body.utf8))
                        guard let response = try? await transport.send(request) else { return }
                        if response.status == 201 { answered.withLock { $0.append(name) } }
                    }
                }
            }
            group.addTask {
                // Kill the server while the creates are in full flow.
                while answered.withLock({ $0.count }) < 300 { try? await Task.sleep(nanoseconds: 2_000_000) }
                server.kill()
                killed.withLock { $0 = true }
            }
        }
        #expect(killed.withLock { $0 })
        let acknowledged = answered.withLock { $0 }
        #expect(acknowledged.count >= 300 && acknowledged.count < 1000, "the kill landed mid-way: \(acknowledged.count) answered")
        try server.start()
        let kubectl = Kubectl(kubeconfig: server.kubeconfig)
        let stored = Set(try kubectl.ok("get", "configmaps", "-o", "name").split(separator: "\n").map { String($0.dropFirst("configmap/".count)) })
        let lost = acknowledged.filter { !stored.contains($0) }
        #expect(lost.isEmpty, "answered 201 but gone after the crash: \(lost)")
    }
}
