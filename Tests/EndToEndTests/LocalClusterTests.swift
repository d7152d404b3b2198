import BallastTesting
import Foundation
import Testing

/// `ballast up` as a user runs it: three node agents with loop-backed volume groups of their
/// own; examples/dynamic-pvc-pod.yaml and examples/statefulset-postgres.yaml on the default
/// class (local-lvm), and their data through a pod's deletion, `down` and `up`, and a
/// "reboot" (every loop device gone).
@Suite(.enabled(if: RegistryServer.isEnabled, "needs root, loop devices, lvm and the registry tools"), .serialized)
struct LocalClusterTests {
    @Test func aRedisKeyAndAPostgresRowOnLocalLVMSurviveDownUpAndLostLoopDevices() async throws {
        let ballast = try BallastBinary.path
        let dataDir = TemporaryDirectory.make(prefix: "ballast-up")
        let port = try NFSServer.freePort()
        @Sendable func up() throws {
            let result = try CommandRunner.run(ballast, ["up", "--data-dir", dataDir, "--listen", "127.0.0.1:\(port)", "--nodes", "3", "--no-nfs",
                                                         "--vg-size", "2Gi,2Gi,4Gi"], timeout: 900)
            try #require(result.succeeded, "\(result)")
        }
        @Sendable func down(_ extra: [String] = []) -> CommandResult? {
            try? CommandRunner.run(ballast, ["down", "--data-dir", dataDir] + extra, timeout: 300)
        }
        defer {
            _ = down(["--purge"])
            try? FileManager.default.removeItem(atPath: dataDir)
        }
        try up()
        let kubectl = Kubectl(kubeconfig: dataDir + "/kubeconfig.yaml")
        @Sendable func redisReady() async throws {
            let ready = try await kubectl.call(["wait", "--for=condition=Ready", "pod/redis-dynamic", "--timeout=180s"], timeout: 200)
            try #require(ready.succeeded, "\(ready)")
        }
        @Sendable func psql(_ sql: String) async throws -> String {
            try await kubectl.callOK("exec", "pg-0", "--", "env", "PGPASSWORD=example", "psql", "-h", "127.0.0.1", "-U", "postgres", "-tAc", sql)
        }
        @Sendable func postgresReady() async throws {
            let rolled = try await kubectl.call(["rollout", "status", "statefulset/pg", "--timeout=300s"], timeout: 320)
            try #require(rolled.succeeded, "\(rolled)")
            let answering = await InProcessServer.eventually(timeout: 180) { (try? await psql("select 1")) == "1\n" }
            try #require(answering, "PostgreSQL answers in pg-0")
        }
        @Sendable func dataIsBack(_ when: String) async throws {
            try await redisReady()
            #expect(await InProcessServer.eventually(timeout: 60) {
                (try? await kubectl.callOK("exec", "redis-dynamic", "--", "redis-cli", "GET", "greeting")) == "kept\n"
            }, "the key is back after \(when)")
            try await postgresReady()
            #expect(try await psql("select note from kept") == "written first\n", "the row is back after \(when)")
        }
        try await kubectl.callOK("apply", "-f", Examples.path("dynamic-pvc-pod.yaml"))
        try await redisReady()
        #expect(try await kubectl.callOK("get", "pvc", "mydisk", "-o", "jsonpath={.spec.storageClassName}") == "local-lvm")
        // 3Gi: only the node with the 4 GiB group has room.
        #expect(try await kubectl.callOK("get", "pod", "redis-dynamic", "-o", "jsonpath={.spec.nodeName}") == "node-3")
        #expect(try await kubectl.callOK("exec", "redis-dynamic", "--", "redis-cli", "SET", "greeting", "kept").contains("OK"))
        #expect(try await kubectl.callOK("exec", "redis-dynamic", "--", "redis-cli", "SAVE").contains("OK"))

        // Two PostgreSQL replicas, each on its own 1Gi local-lvm volume: what is left of
        // node-3's group after 3Gi is too small, so they take node-1 and node-2.
        try await kubectl.callOK("apply", "-f", Examples.path("statefulset-postgres.yaml"))
        try await postgresReady()
        let placed = try await kubectl.callOK("get", "pods", "pg-0", "pg-1", "-o", "jsonpath={.items[*].spec.nodeName}")
        #expect(Set(placed.split(separator: " ").map(String.init)) == ["node-1", "node-2"], "\(placed)")
        _ = try await psql("create table kept (note text); insert into kept values ('written first')")
        try await kubectl.callOK("delete", "pod", "pg-0")
        try await postgresReady()
        #expect(try await psql("select note from kept") == "written first\n", "the row outlives pg-0's pod")

        let stopped = down()
        #expect(stopped?.succeeded == true, "\(String(describing: stopped))")
        try up()
        try await dataIsBack("down and up")

        // A reboot: the agents and every loop device over the volume groups' files gone.
        _ = down()
        let files = ((try? FileManager.default.contentsOfDirectory(atPath: dataDir + "/volume-groups")) ?? []).map { dataDir + "/volume-groups/" + $0 }
        for file in files { LoopVolumeGroup.detachLoopDevices(over: file) }
        try up()
        try await dataIsBack("the loop devices were lost")
    }
}
