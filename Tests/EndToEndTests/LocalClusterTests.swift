import BallastTesting
import Foundation
import Testing

/// `ballast up` as a user runs it: two node agents with loop-backed volume groups of their
/// own, examples/dynamic-pvc-pod.yaml on the default class (local-lvm), and the data
/// through `down` and `up`, and through a "reboot" (every loop device gone).
@Suite(.enabled(if: RegistryServer.isEnabled, "needs root, loop devices, lvm and the registry tools"), .serialized)
struct LocalClusterTests {
    @Test func aRedisKeyOnLocalLVMSurvivesDownUpAndLostLoopDevices() async throws {
        let ballast = try BallastBinary.path
        let dataDir = TemporaryDirectory.make(prefix: "ballast-up")
        let port = try NFSServer.freePort()
        @Sendable func up() throws {
            let result = try CommandRunner.run(ballast, ["up", "--data-dir", dataDir, "--listen", "127.0.0.1:\(port)", "--nodes", "2", "--no-nfs",
                                                         "--vg-size", "2Gi,4Gi"], timeout: 900)
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
        try await kubectl.callOK("apply", "-f", Examples.path("dynamic-pvc-pod.yaml"))
        try await redisReady()
        #expect(try await kubectl.callOK("get", "pvc", "mydisk", "-o", "jsonpath={.spec.storageClassName}") == "local-lvm")
        // 3Gi: only the node with the 4 GiB group has room.
        #expect(try await kubectl.callOK("get", "pod", "redis-dynamic", "-o", "jsonpath={.spec.nodeName}") == "node-2")
        #expect(try await kubectl.callOK("exec", "redis-dynamic", "--", "redis-cli", "SET", "greeting", "kept").contains("OK"))
        #expect(try await kubectl.callOK("exec", "redis-dynamic", "--", "redis-cli", "SAVE").contains("OK"))

        let stopped = down()
        #expect(stopped?.succeeded == true, "\(String(describing: stopped))")
        try up()
        try await redisReady()
        #expect(await InProcessServer.eventually(timeout: 60) {
            (try? await kubectl.callOK("exec", "redis-dynamic", "--", "redis-cli", "GET", "greeting")) == "kept\n"
        }, "the key is back after down and up")

        // A reboot: the agents and every loop device over the volume groups' files gone.
        _ = down()
        let files = ((try? FileManager.default.contentsOfDirectory(atPath: dataDir + "/volume-groups")) ?? []).map { dataDir + "/volume-groups/" + $0 }
        for file in files { LoopVolumeGroup.detachLoopDevices(over: file) }
        try up()
        try await redisReady()
        #expect(await InProcessServer.eventually(timeout: 60) {
            (try? await kubectl.callOK("exec", "redis-dynamic", "--", "redis-cli", "GET", "greeting")) == "kept\n"
        }, "the key is back after the loop devices were lost")
    }
}
