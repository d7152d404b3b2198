import BallastAPI
import BallastClient
@testable import BallastNode
import BallastTesting
import Foundation
import Testing

/// What users see through kubectl, and a subPath attack that must not reach the host.
@Suite(NodeTest.registry, .serialized)
struct NodeAgentKubectlTests {
    @Test func kubectlGetPodsShowsPhasesRestartsAndExitReasons() async throws {
        try await NodeFixture.with { node in
            let (_, agent) = try node.startAgent()
            defer { agent.cancel() }
            try await node.createPod("""
            {"metadata": {"name": "done"}, "spec": {"restartPolicy": "Never",
              "containers": [{"name": "main", "image": "busybox", "command": ["true"]}]}}
            """)
            try await node.createPod("""
            {"metadata": {"name": "broken"}, "spec": {"restartPolicy": "Never",
              "containers": [{"name": "main", "image": "busybox", "command": ["sh", "-c", "exit 5"]}]}}
            """)
            try await node.createPod("""
            {"metadata": {"name": "flapping"}, "spec": {"restartPolicy": "Always",
              "containers": [{"name": "main", "image": "busybox", "command": ["sh", "-c", "exit 1"]}]}}
            """)
            try await node.createPod("""
            {"metadata": {"name": "steady"}, "spec": {"terminationGracePeriodSeconds": 1,
              "containers": [{"name": "main", "image": "busybox", "command": ["sleep", "3600"]}]}}
            """)
            _ = try await node.waitForPod("done") { $0.status?.phase == "Succeeded" }
            _ = try await node.waitForPod("broken") { $0.status?.phase == "Failed" }
            _ = try await node.waitForPod("flapping") { ($0.status?.containerStatuses?.first?.restartCount ?? 0) >= 2 }
            _ = try await node.waitForPod("steady") { $0.status?.containerStatuses?.first?.ready == true }

            let kubectl = try NodeTest.which("kubectl")
            let (status, output) = try await Blocking.run { try SpawnedCommand.run([kubectl, "--kubeconfig", node.kubeconfig, "get", "pods", "--no-headers"], timeout: 60) }
            #expect(status == 0, "\(output)")
            var rows: [String: [String]] = [:]
            for line in output.split(separator: "\n") {
                let columns = line.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
                if let name = columns.first { rows[name] = columns }
            }
            #expect(rows["done"]?[1] == "0/1")
            #expect(rows["done"]?[2] == "Completed")
            #expect(rows["done"]?[3] == "0")
            #expect(rows["broken"]?[2] == "Error")
            #expect(["CrashLoopBackOff", "Error", "Running"].contains(rows["flapping"]?[2] ?? ""), "\(output)")
            #expect((Int(rows["flapping"]?[3] ?? "0") ?? 0) >= 2, "\(output)")
            #expect(rows["steady"]?[1] == "1/1")
            #expect(rows["steady"]?[2] == "Running")
            #expect(rows["steady"]?[3] == "0")
        }
    }

    @Test func subPathReplacedByASymlinkToRootNeverExposesTheHost() async throws {
        try await NodeFixture.with { node in
            let (_, agent) = try node.startAgent()
            defer { agent.cancel() }
            let created = try await node.createPod("""
            {"metadata": {"name": "attack"}, "spec": {"restartPolicy": "Never",
              "volumes": [{"name": "vol", "emptyDir": {}}],
              "initContainers": [{"name": "plant", "image": "busybox",
                "command": ["sh", "-c", "mkdir -p /vol/sub && rm -rf /vol/sub && ln -s / /vol/sub"],
                "volumeMounts": [{"name": "vol", "mountPath": "/vol"}]}],
              "containers": [{"name": "victim", "image": "busybox",
                "command": ["sh", "-c", "if [ -e /data/etc/hostname ] || [ -e /data/proc/1 ]; then echo EXPOSED; else echo confined; fi"],
                "volumeMounts": [{"name": "vol", "mountPath": "/data", "subPath": "sub"}]}]}}
            """)
            let pod = try await node.waitForPod("attack") { pod in
                pod.status?.phase == "Succeeded" || pod.status?.containerStatuses?.first?.state?.waiting?.reason == "CreateContainerConfigError"
            }
            let log = node.log(created, container: "victim") ?? ""
            #expect(!log.contains("EXPOSED"), "the host's root was visible through the subPath")
            if pod.status?.phase == "Succeeded" {
                #expect(log.contains("confined"))
            } else {
                #expect(pod.status?.containerStatuses?.first?.state?.waiting?.message?.isEmpty == false)
            }
        }
    }
}
