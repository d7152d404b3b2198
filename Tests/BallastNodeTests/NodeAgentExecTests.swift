import BallastAPI
@testable import BallastNode
import BallastTesting
import Foundation
import Testing

/// `kubectl exec` through the API server's WebSocket and the agent, as users run it.
@Suite(NodeTest.registry, .serialized)
struct NodeAgentExecTests {
    @Test func kubectlExecRelaysOutputInputExitCodesTerminalsAndErrors() async throws {
        try await NodeFixture.with { node in
            let (_, agent) = try node.startAgent()
            defer { agent.cancel() }
            try await node.createPod("""
            {"metadata": {"name": "shell"}, "spec": {"terminationGracePeriodSeconds": 1,
              "containers": [{"name": "main", "image": "busybox", "command": ["sleep", "3600"]}]}}
            """)
            _ = try await node.waitForPod("shell") { $0.status?.containerStatuses?.first?.ready == true }
            let kubectl = Kubectl(kubeconfig: node.kubeconfig)

            let streams = try await kubectl.call(["exec", "shell", "--", "sh", "-c", "echo out; echo err >&2; exit 3"])
            #expect(streams.status == 3, "\(streams)")
            #expect(streams.stdout == "out\n")
            #expect(streams.stderr.contains("err\n") && streams.stderr.contains("command terminated with exit code 3"), "\(streams)")

            let piped = try await kubectl.call(["exec", "-i", "shell", "--", "sh", "-c", "tr a-z A-Z; echo done"], input: "hello\nworld\n")
            #expect(piped.succeeded && piped.stdout == "HELLO\nWORLD\ndone\n", "\(piped)")

            // The process runs in the pod's namespaces and the container's root; only the
            // root is out of reach when the agent itself runs in a chroot (MountNamespaceRoot).
            let uts = try await kubectl.call(["exec", "shell", "-c", "main", "--", "hostname"])
            #expect(uts.succeeded && uts.stdout == "shell\n", "\(uts)")
            try await withKnownIssue("a chrooted agent's exec lands in the host's root") {
                let inside = try await kubectl.call(["exec", "shell", "-c", "main", "--", "cat", "/etc/hostname"])
                #expect(inside.succeeded && inside.stdout == "shell\n", "\(inside)")
            } when: { MountNamespaceRoot.isChrooted }

            let wrongContainer = try await kubectl.call(["exec", "shell", "-c", "nope", "--", "true"])
            #expect(wrongContainer.status == 1 && wrongContainer.stderr.contains("container nope is not valid for pod shell"), "\(wrongContainer)")
            let missingPod = try await kubectl.call(["exec", "ghost", "--", "true"])
            #expect(missingPod.status == 1 && missingPod.stderr.contains("pods \"ghost\" not found"), "\(missingPod)")

            // A terminal: `script` gives kubectl one; its size reaches the command.
            let terminal = try await Blocking.run {
                try CommandRunner.run("script", ["-qec", "stty cols 91 rows 17; kubectl exec -it shell -- sh -c 'stty size; exit 4'", "/dev/null"],
                                      environment: ["KUBECONFIG": node.kubeconfig, "HOME": kubectl.home], input: "", timeout: 60)
            }
            #expect(terminal.stdout.contains("17 91"), "\(terminal)")
            #expect(terminal.status == 4, "\(terminal)")
        }
    }

    /// examples/static-pv-pvc-pod.yaml, unchanged: Redis on an administrator's NFS PV.
    @Test(.enabled(if: NFSServer.isEnabled, "needs root, nfs-ganesha and rpcbind"))
    func redisKeepsAKeyOnAStaticNFSVolumeAcrossPodRecreation() async throws {
        try await NFSServer.with(pseudoPath: "/export") { nfs in
            let share = nfs.hostPath("/pv-demo")
            try FileManager.default.createDirectory(atPath: share, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o777])
            try await NodeFixture.withControlPlane { node in
                let (_, agent) = try node.startAgent()
                defer { agent.cancel() }
                let kubectl = Kubectl(kubeconfig: node.kubeconfig)
                let manifest = BallastBinary.packageRoot + "/examples/static-pv-pvc-pod.yaml"
                @Sendable func waitForRedis() async throws {
                    try await kubectl.callOK("apply", "-f", manifest)
                    let ready = try await kubectl.call(["wait", "--for=condition=Ready", "pod/redis", "--timeout=180s"], timeout: 200)
                    #expect(ready.succeeded, "\(ready)")
                }
                try await waitForRedis()
                #expect(try await kubectl.callOK("get", "pvc", "pv-claim-demo", "-o", "jsonpath={.status.phase}") == "Bound")
                #expect(try await kubectl.callOK("exec", "redis", "--", "redis-cli", "SET", "greeting", "persisted").contains("OK"))

                try await kubectl.callOK("delete", "pod", "redis")
                // Redis saved on SIGTERM, through the NFS mount, to the server's directory.
                let saved = (try? FileManager.default.contentsOfDirectory(atPath: share)) ?? []
                #expect(saved.contains("dump.rdb"), "\(saved)")

                try await waitForRedis()
                #expect(try await kubectl.callOK("exec", "redis", "--", "redis-cli", "GET", "greeting") == "persisted\n")
            }
        }
    }
}
