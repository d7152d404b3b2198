import BallastAPI
import BallastClient
@testable import BallastNode
import BallastStorage
import BallastTesting
import Foundation
import Glibc
import Testing

/// The `ballast node` command as users run it: a real process, killed with SIGKILL and
/// started again; and `kubectl logs` through the API server's pods/log proxy.
@Suite(NodeTest.registry, .serialized)
struct NodeAgentProcessTests {
    @Test func agentKilledWithSIGKILLFindsItsContainersAndMountsAndCleansUpADeletedPod() async throws {
        try await NodeFixture.with { node in
            try NodeTest.write(node.root + "/registries.yaml", node.registry.mirrorConfiguration)
            var agent = try AgentProcess(node: node)
            defer { agent.kill() }
            for name in ["one", "two", "three"] {
                try await node.createPod("""
                {"metadata": {"name": "\(name)"}, "spec": {"terminationGracePeriodSeconds": 1,
                  "volumes": [{"name": "scratch", "emptyDir": {}}],
                  "containers": [{"name": "main", "image": "busybox", "command": ["sleep", "3600"],
                                  "volumeMounts": [{"name": "scratch", "mountPath": "/scratch"}]}]}}
                """)
            }
            var before: [String: String] = [:]
            for name in ["one", "two", "three"] {
                let pod = try await node.waitForPod(name) { $0.status?.containerStatuses?.first?.ready == true }
                before[name] = pod.status?.containerStatuses?.first?.containerID
            }
            let mountsBefore = NodeTest.mountPoints(under: node.root)

            agent.kill()
            let deleted = try await node.client.get(Pod.self, namespace: "default", name: "three")
            try await node.client.delete(Pod.self, namespace: "default", name: "three")
            agent = try AgentProcess(node: node)

            let directory = NodePaths(root: node.root).pod(deleted.metadata.uid ?? "")
            let cleaned = await InProcessServer.eventually(timeout: 60) { !NodeTest.exists(directory) }
            #expect(cleaned, "the pod deleted while the agent was dead is cleaned up")
            let runtime = try node.runtime()
            let deletedID = (before["three"] ?? "").replacingOccurrences(of: "ballast://", with: "")
            #expect(try await runtime.state(deletedID) == nil)
            for name in ["one", "two"] {
                let pod = try await node.waitForPod(name) { $0.status?.containerStatuses?.first?.ready == true }
                #expect(pod.status?.containerStatuses?.first?.containerID == before[name], "\(name) keeps its container")
                #expect(pod.status?.containerStatuses?.first?.restartCount == 0)
            }
            let mountsAfter = NodeTest.mountPoints(under: node.root)
            #expect(Set(mountsAfter).count == mountsAfter.count, "no mount is doubled")
            #expect(Set(mountsAfter) == Set(mountsBefore.filter { !$0.contains(deleted.metadata.uid ?? "-") }))
        }
    }

    @Test func kubectlLogsShowsOutputPreviousInstancesAndFollows() async throws {
        try await NodeFixture.with { node in
            let (_, agent) = try node.startAgent()
            defer { agent.cancel() }
            try await node.createPod("""
            {"metadata": {"name": "talker"}, "spec": {"restartPolicy": "Never",
              "containers": [{"name": "main", "image": "busybox", "command": ["sh", "-c", "echo first line; echo second line; printf no-newline"]}]}}
            """)
            _ = try await node.waitForPod("talker") { $0.status?.phase == "Succeeded" }
            let kubectl = try NodeTest.which("kubectl")
            let (status, output) = try await Blocking.run { try SpawnedCommand.run([kubectl, "--kubeconfig", node.kubeconfig, "logs", "talker"], timeout: 60) }
            #expect(status == 0, "\(output)")
            // One stream, so the order is fixed (conmon reads stdout and stderr separately).
            #expect(output == "first line\nsecond line\nno-newline")
            let (_, tail) = try await Blocking.run { try SpawnedCommand.run([kubectl, "--kubeconfig", node.kubeconfig, "logs", "talker", "-c", "main", "--tail=1"], timeout: 60) }
            #expect(tail == "no-newline")

            try await node.createPod("""
            {"metadata": {"name": "counter"}, "spec": {"restartPolicy": "OnFailure",
              "containers": [{"name": "main", "image": "busybox",
                "command": ["sh", "-c", "for i in 1 2 3; do echo tick $i; sleep 1; done; exit 1"]}]}}
            """)
            _ = try await node.waitForPod("counter") { $0.status?.containerStatuses?.first?.state?.running != nil }
            let (followStatus, followed) = try await Blocking.run { try SpawnedCommand.run(
                [kubectl, "--kubeconfig", node.kubeconfig, "logs", "-f", "counter"], timeout: 120) }
            #expect(followStatus == 0, "\(followed)")
            #expect(followed.contains("tick 3\n"), "follow streams until the container ends: \(followed)")
            _ = try await node.waitForPod("counter") { ($0.status?.containerStatuses?.first?.restartCount ?? 0) >= 1 }
            let (previousStatus, previous) = try await Blocking.run { try SpawnedCommand.run(
                [kubectl, "--kubeconfig", node.kubeconfig, "logs", "counter", "--previous"], timeout: 60) }
            #expect(previousStatus == 0, "\(previous)")
            #expect(previous == "tick 1\ntick 2\ntick 3\n")

            let (missingStatus, missing) = try await Blocking.run { try SpawnedCommand.run([kubectl, "--kubeconfig", node.kubeconfig, "logs", "talker", "-c", "nope"], timeout: 60) }
            #expect(missingStatus != 0)
            #expect(missing.contains("container nope is not valid for pod talker"))
        }
    }
}

/// `ballast node` as a child process.
struct AgentProcess {
    let pid: pid_t

    init(node: NodeFixture) throws {
        try self.init(kubeconfig: node.kubeconfig, name: node.name, root: node.root)
    }

    /// `ballast node` with `options` after the usual ones; its output goes to ROOT/agent.log.
    init(kubeconfig: String, name: String, root: String, options: [String] = [], environment: [String: String] = [:]) throws {
        let binary = try BallastBinary.path
        let arguments = [binary, "node", "--kubeconfig", kubeconfig, "--name", name, "--root", root] + options
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, root + "/agent.log", O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        let variables = ProcessInfo.processInfo.environment.merging(environment) { _, given in given }
        var envp: [UnsafeMutablePointer<CChar>?] = variables.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }
        var child: pid_t = 0
        let code = posix_spawn(&child, binary, &actions, nil, &argv, &envp)
        guard code == 0 else { throw TestEnvironmentError("cannot start ballast node: errno \(code)") }
        pid = child
    }

    /// Waits up to `seconds` for the process to end by itself (reaping it); whether it did.
    func waitForExit(seconds: Double) async -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            var status: Int32 = 0
            if waitpid(pid, &status, WNOHANG) == pid { return true }
            try? await Task.sleep(for: .milliseconds(100))
        }
        return false
    }

    /// SIGKILL, then reap.
    func kill() {
        guard Glibc.kill(pid, SIGKILL) == 0 else { return }
        var status: Int32 = 0
        _ = waitpid(pid, &status, 0)
    }
}

extension NodeTest {
    /// The mount points at or below `root`, in mount-table order.
    static func mountPoints(under root: String) -> [String] {
        ((try? LinuxMounter().mounts()) ?? []).map(\.mountPoint).filter { $0.hasPrefix(root + "/") }
    }

    /// The absolute path of a program.
    static func which(_ name: String) throws -> String {
        for directory in ["/usr/local/bin", "/usr/bin", "/bin", "/usr/local/sbin", "/usr/sbin"] where FileManager.default.isExecutableFile(atPath: "\(directory)/\(name)") {
            return "\(directory)/\(name)"
        }
        throw TestEnvironmentError("\(name) is not installed")
    }
}

/// `ballast node`'s command line.
struct NodeAgentCommandTests {
    @Test func rejectsAnUnknownRuntime() throws {
        let binary = try BallastBinary.path
        let (status, output) = try SpawnedCommand.run(
            [binary, "node", "--kubeconfig", "/nonexistent", "--name", "n1", "--root", "/tmp/x", "--runtime", "docker"], timeout: 60)
        #expect(status == 64)
        #expect(output.contains("--runtime must be crun or runc, got \"docker\""))
    }

    @Test func helpNamesEveryOption() throws {
        let binary = try BallastBinary.path
        let (status, output) = try SpawnedCommand.run([binary, "node", "--help"], timeout: 60)
        #expect(status == 0)
        for option in ["--kubeconfig <kubeconfig>", "--name <name>", "--root <root>", "--runtime <runtime>"] {
            #expect(output.contains(option), "\(option) in \(output)")
        }
    }
}
