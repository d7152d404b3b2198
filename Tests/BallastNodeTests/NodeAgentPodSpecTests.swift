import BallastAPI
import BallastClient
@testable import BallastNode
import BallastTesting
import Foundation
import Testing

/// What a pod spec asks of the agent beyond one container: init containers, ConfigMaps as
/// variables and files, a Memory emptyDir, and runc instead of crun.
@Suite(NodeTest.registry, .serialized)
struct NodeAgentPodSpecTests {
    @Test func initContainersRunFirstAndConfigMapsBecomeVariablesAndFiles() async throws {
        try await NodeFixture.with { node in
            let (_, agent) = try node.startAgent()
            defer { agent.cancel() }
            _ = try await node.client.create(ConfigMap(metadata: ObjectMeta(name: "settings", namespace: "default"),
                                                       data: ["greeting": "hello", "app.conf": "port=8080\n"]))
            let created = try await node.createPod("""
            {"metadata": {"name": "staged"}, "spec": {"restartPolicy": "Never",
              "volumes": [{"name": "work", "emptyDir": {}}, {"name": "config", "configMap": {"name": "settings"}}],
              "initContainers": [{"name": "prepare", "image": "busybox", "command": ["sh", "-c", "echo prepared > /work/state"],
                                  "volumeMounts": [{"name": "work", "mountPath": "/work"}]}],
              "containers": [{"name": "main", "image": "busybox",
                "command": ["sh", "-c", "cat /work/state; echo $(GREETING) from env; cat /etc/app/app.conf"],
                "env": [{"name": "GREETING", "valueFrom": {"configMapKeyRef": {"name": "settings", "key": "greeting"}}}],
                "volumeMounts": [{"name": "work", "mountPath": "/work"}, {"name": "config", "mountPath": "/etc/app"}]}]}}
            """)
            let pod = try await node.waitForPod("staged") { $0.status?.phase == "Succeeded" }
            #expect(pod.status?.initContainerStatuses?.first?.state?.terminated?.exitCode == 0)
            #expect(pod.status?.conditions?.first { $0.type == "Initialized" }?.status == "True")
            let log = node.log(created, container: "main") ?? ""
            #expect(log.contains("stdout F prepared"), "the init container ran first: \(log)")
            #expect(log.contains("stdout F hello from env"))
            #expect(log.contains("stdout F port=8080"))
        }
    }

    @Test func failingInitContainerFailsAPodThatNeverRestarts() async throws {
        try await NodeFixture.with { node in
            let (_, agent) = try node.startAgent()
            defer { agent.cancel() }
            try await node.createPod("""
            {"metadata": {"name": "blocked"}, "spec": {"restartPolicy": "Never",
              "initContainers": [{"name": "check", "image": "busybox", "command": ["sh", "-c", "exit 7"]}],
              "containers": [{"name": "main", "image": "busybox", "command": ["true"]}]}}
            """)
            let pod = try await node.waitForPod("blocked") { $0.status?.phase == "Failed" }
            #expect(pod.status?.initContainerStatuses?.first?.state?.terminated?.exitCode == 7)
            #expect(pod.status?.containerStatuses?.first?.state?.waiting?.reason == "PodInitializing")
        }
    }

    @Test func memoryEmptyDirIsATmpfsThatStopsWritesAtItsSizeLimit() async throws {
        try await NodeFixture.with { node in
            let (_, agent) = try node.startAgent()
            defer { agent.cancel() }
            let created = try await node.createPod("""
            {"metadata": {"name": "ram"}, "spec": {"restartPolicy": "Never",
              "volumes": [{"name": "scratch", "emptyDir": {"medium": "Memory", "sizeLimit": "8Mi"}}],
              "containers": [{"name": "main", "image": "busybox",
                "command": ["sh", "-c", "grep ' /scratch ' /proc/mounts; dd if=/dev/zero of=/scratch/fill bs=1024 count=16384 || echo dd failed; ls -l /scratch/fill"],
                "volumeMounts": [{"name": "scratch", "mountPath": "/scratch"}]}]}}
            """)
            _ = try await node.waitForPod("ram") { $0.status?.phase == "Succeeded" }
            let log = node.log(created, container: "main") ?? ""
            #expect(log.contains("tmpfs /scratch tmpfs"), "\(log)")
            #expect(log.contains("No space left on device"), "\(log)")
            #expect(log.contains("stdout F dd failed"))
            #expect(log.contains(" 8388608 "), "the writer stopped at 8 MiB: \(log)")
        }
    }

    @Test func runcRunsPodsToo() async throws {
        try await NodeFixture.with { node in
            let (_, agent) = try node.startAgent(runtime: .runc)
            defer { agent.cancel() }
            let created = try await node.createPod("""
            {"metadata": {"name": "viarunc"}, "spec": {"restartPolicy": "Never",
              "containers": [{"name": "main", "image": "busybox", "command": ["sh", "-c", "echo through runc; hostname"]}]}}
            """)
            let pod = try await node.waitForPod("viarunc") { $0.status?.phase == "Succeeded" }
            #expect(pod.status?.containerStatuses?.first?.state?.terminated?.exitCode == 0)
            let log = node.log(created, container: "main") ?? ""
            #expect(log.contains("stdout F through runc"))
            #expect(log.contains("stdout F viarunc"))
        }
    }

    @Test func missingImageWaitsWithErrImagePullThenImagePullBackOff() async throws {
        try await NodeFixture.with { node in
            let (_, agent) = try node.startAgent()
            defer { agent.cancel() }
            try await node.createPod("""
            {"metadata": {"name": "ghost"}, "spec": {"containers": [{"name": "main", "image": "no-such-image:1.0"}]}}
            """)
            let failed = try await node.waitForPod("ghost") { $0.status?.containerStatuses?.first?.state?.waiting?.reason == "ErrImagePull" }
            #expect(failed.status?.phase == "Pending")
            #expect(failed.status?.containerStatuses?.first?.state?.waiting?.message?.contains("no-such-image") == true)
            _ = try await node.waitForPod("ghost") { $0.status?.containerStatuses?.first?.state?.waiting?.reason == "ImagePullBackOff" }
        }
    }
}
