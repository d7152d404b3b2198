import BallastAPI
import BallastClient
@testable import BallastNode
import BallastTesting
import Foundation
import Testing

/// The node agent end to end: a real API server, a real registry, crun and conmon.
@Suite(NodeTest.registry, .serialized)
struct NodeAgentTests {
    @Test func registersItsNodeWithCapacityAndKeepsALease() async throws {
        try await NodeFixture.with { node in
            let (_, agent) = try node.startAgent()
            defer { agent.cancel() }
            var registered: Node?
            let found = await InProcessServer.eventually(timeout: 60) {
                registered = try? await node.client.get(Node.self, name: node.name)
                return registered?.readyCondition?.status == "True"
            }
            #expect(found)
            let capacity = registered?.status?.capacity ?? [:]
            #expect((capacity["cpu"]?.value ?? 0) >= 1)
            #expect((capacity["memory"]?.value ?? 0) > 0)
            #expect(capacity["pods"]?.value == 110)
            #expect(registered?.metadata.labels?["kubernetes.io/hostname"] == node.name)
            #expect(registered?.status?.addresses?.contains { $0.type == "InternalIP" } == true)

            var first: MicroTime?
            let leased = await InProcessServer.eventually(timeout: 30) {
                first = (try? await node.client.get(Lease.self, namespace: "kube-node-lease", name: node.name))?.spec?.renewTime
                return first != nil
            }
            #expect(leased)
            let renewed = await InProcessServer.eventually(timeout: 30) {
                let now = (try? await node.client.get(Lease.self, namespace: "kube-node-lease", name: node.name))?.spec?.renewTime
                return now.map { current in first.map { current > $0 } ?? false } ?? false
            }
            #expect(renewed, "the lease is renewed")
        }
    }

    @Test func runsAPodFromARegistryImageAndReportsItsExit() async throws {
        try await NodeFixture.with { node in
            let (_, agent) = try node.startAgent()
            defer { agent.cancel() }
            let created = try await node.createPod("""
            {"metadata": {"name": "hello"},
             "spec": {"restartPolicy": "Never", "containers": [{"name": "main", "image": "busybox",
               "command": ["sh", "-c", "echo hello from $(WHO); echo to stderr >&2; hostname; id -u"],
               "env": [{"name": "WHO", "value": "ballast"}]}]}}
            """)
            let pod = try await node.waitForPod("hello") { $0.status?.phase == "Succeeded" }
            let status = try #require(pod.status?.containerStatuses?.first)
            #expect(status.state?.terminated?.exitCode == 0)
            #expect(status.state?.terminated?.reason == "Completed")
            #expect(status.restartCount == 0)
            #expect(status.imageID?.contains("sha256:") == true)
            let log = try #require(node.log(created, container: "main"))
            // CRI format: <RFC 3339 time> <stream> <F|P> <text>
            #expect(log.contains(" stdout F hello from ballast"))
            #expect(log.contains(" stderr F to stderr"))
            #expect(log.contains(" stdout F hello\n"), "the pod's name is its hostname")
            #expect(log.contains(" stdout F 0\n"))
        }
    }

    @Test func failingContainerIsRestartedWithBackOffAndCounted() async throws {
        try await NodeFixture.with { node in
            let (_, agent) = try node.startAgent()
            defer { agent.cancel() }
            try await node.createPod("""
            {"metadata": {"name": "crasher"},
             "spec": {"restartPolicy": "OnFailure", "containers": [{"name": "main", "image": "busybox",
               "command": ["sh", "-c", "echo try; exit 3"]}]}}
            """)
            let pod = try await node.waitForPod("crasher") { ($0.status?.containerStatuses?.first?.restartCount ?? 0) >= 2 }
            let status = try #require(pod.status?.containerStatuses?.first)
            #expect(status.lastState?.terminated?.exitCode == 3)
            #expect(status.lastState?.terminated?.reason == "Error")
            #expect(pod.status?.phase == "Running" || pod.status?.phase == "Pending")
            let waiting = try await node.waitForPod("crasher") { $0.status?.containerStatuses?.first?.state?.waiting?.reason == "CrashLoopBackOff" }
            #expect(waiting.status?.containerStatuses?.first?.state?.waiting?.message?.contains("back-off") == true)
        }
    }

    @Test func runningPodIsStoppedAndCleanedUpWhenDeleted() async throws {
        try await NodeFixture.with { node in
            let (_, agent) = try node.startAgent()
            defer { agent.cancel() }
            let created = try await node.createPod("""
            {"metadata": {"name": "sleeper"},
             "spec": {"terminationGracePeriodSeconds": 2, "containers": [{"name": "main", "image": "busybox",
               "command": ["sleep", "3600"]}]}}
            """)
            let running = try await node.waitForPod("sleeper") { $0.status?.phase == "Running" }
            let status = try #require(running.status?.containerStatuses?.first)
            #expect(status.ready == true)
            #expect(status.state?.running?.startedAt != nil)
            #expect(running.status?.conditions?.first { $0.type == "Ready" }?.status == "True")
            let id = try #require(status.containerID?.replacingOccurrences(of: "ballast://", with: ""))
            let runtime = try node.runtime()
            #expect(try await runtime.state(id)?.status == "running")

            try await node.client.delete(Pod.self, namespace: "default", name: "sleeper")
            let podDirectory = NodePaths(root: node.root).pod(created.metadata.uid ?? "")
            let gone = await InProcessServer.eventually(timeout: 60) { !NodeTest.exists(podDirectory) }
            #expect(gone, "the pod's directory is removed")
            #expect(try await runtime.state(id) == nil, "the container is deleted from the runtime")
        }
    }

    @Test func containersShareAnEmptyDirAndItIsRemovedWithThePod() async throws {
        try await NodeFixture.with { node in
            let (_, agent) = try node.startAgent()
            defer { agent.cancel() }
            let created = try await node.createPod("""
            {"metadata": {"name": "shared"},
             "spec": {"restartPolicy": "Never",
               "volumes": [{"name": "scratch", "emptyDir": {}}],
               "containers": [
                 {"name": "writer", "image": "busybox", "command": ["sh", "-c", "echo written-by-writer > /data/note"],
                  "volumeMounts": [{"name": "scratch", "mountPath": "/data"}]},
                 {"name": "reader", "image": "busybox",
                  "command": ["sh", "-c", "while [ ! -f /data/note ]; do sleep 0.1; done; cat /data/note"],
                  "volumeMounts": [{"name": "scratch", "mountPath": "/data", "readOnly": true}]}]}}
            """)
            _ = try await node.waitForPod("shared") { $0.status?.phase == "Succeeded" }
            #expect(node.log(created, container: "reader")?.contains("stdout F written-by-writer") == true)
            let volume = NodePaths(root: node.root).pod(created.metadata.uid ?? "") + "/volumes/kubernetes.io~empty-dir/scratch/note"
            #expect(NodeTest.read(volume) == "written-by-writer\n")

            try await node.client.delete(Pod.self, namespace: "default", name: "shared")
            let gone = await InProcessServer.eventually(timeout: 60) { !NodeTest.exists(volume) }
            #expect(gone, "the emptyDir is removed with the pod")
        }
    }

    @Test func restartedAgentFindsItsContainersAndCleansUpPodsDeletedMeanwhile() async throws {
        try await NodeFixture.with { node in
            let (_, first) = try node.startAgent()
            try await node.createPod("""
            {"metadata": {"name": "keeper"}, "spec": {"terminationGracePeriodSeconds": 1,
              "containers": [{"name": "main", "image": "busybox", "command": ["sleep", "3600"]}]}}
            """)
            let gone = try await node.createPod("""
            {"metadata": {"name": "goner"}, "spec": {"terminationGracePeriodSeconds": 1,
              "containers": [{"name": "main", "image": "busybox", "command": ["sleep", "3600"]}]}}
            """)
            let keeper = try await node.waitForPod("keeper") { $0.status?.phase == "Running" }
            let doomed = try await node.waitForPod("goner") { $0.status?.phase == "Running" }
            first.cancel()
            _ = await first.value

            try await node.client.delete(Pod.self, namespace: "default", name: "goner")
            let (_, second) = try node.startAgent()
            defer { second.cancel() }
            let goneDirectory = NodePaths(root: node.root).pod(gone.metadata.uid ?? "")
            let cleaned = await InProcessServer.eventually(timeout: 60) { !NodeTest.exists(goneDirectory) }
            #expect(cleaned, "the pod deleted while the agent was down is cleaned up")
            let runtime = try node.runtime()
            let doomedID = doomed.status?.containerStatuses?.first?.containerID?.replacingOccurrences(of: "ballast://", with: "") ?? ""
            #expect(try await runtime.state(doomedID) == nil)

            let keeperID = keeper.status?.containerStatuses?.first?.containerID
            let after = try await node.waitForPod("keeper") { $0.status?.containerStatuses?.first?.ready == true }
            #expect(after.status?.containerStatuses?.first?.containerID == keeperID, "the same container, not a second one")
            #expect(after.status?.containerStatuses?.first?.restartCount == 0)
            let id = keeperID?.replacingOccurrences(of: "ballast://", with: "") ?? ""
            #expect(try await runtime.state(id)?.status == "running")
        }
    }
}

/// Volumes the agent mounts through the volume manager.
@Suite(NodeTest.registry, .serialized)
struct NodeAgentVolumeTests {
    @Test func hostPathOfTheWrongTypeKeepsThePodFromStartingWithAFailedMountEvent() async throws {
        try await NodeFixture.with { node in
            let (_, agent) = try node.startAgent()
            defer { agent.cancel() }
            let file = node.root + "/host-file"
            try NodeTest.write(file, "from the node\n")
            try await node.createPod("""
            {"metadata": {"name": "wrongtype"}, "spec": {"restartPolicy": "Never",
              "volumes": [{"name": "host", "hostPath": {"path": "\(file)", "type": "Directory"}}],
              "containers": [{"name": "main", "image": "busybox", "command": ["true"],
                              "volumeMounts": [{"name": "host", "mountPath": "/host"}]}]}}
            """)
            var events: [Event] = []
            let found = await InProcessServer.eventually(timeout: 60) {
                events = (try? await node.client.list(Event.self, namespace: "default").items) ?? []
                return events.contains { $0.reason == "FailedMount" && $0.involvedObject?.name == "wrongtype" }
            }
            #expect(found, "a FailedMount event")
            let event = events.first { $0.reason == "FailedMount" }
            #expect(event?.message?.contains("is not a directory") == true, "\(event?.message ?? "")")
            let pod = try await node.waitForPod("wrongtype") { $0.status?.containerStatuses?.first?.state?.waiting?.reason == "ContainerCreating" }
            #expect(pod.status?.phase == "Pending")

            try await node.createPod("""
            {"metadata": {"name": "rightfile"}, "spec": {"restartPolicy": "Never",
              "volumes": [{"name": "host", "hostPath": {"path": "\(file)", "type": "File"}}],
              "containers": [{"name": "main", "image": "busybox", "command": ["cat", "/host/file"],
                              "volumeMounts": [{"name": "host", "mountPath": "/host/file"}]}]}}
            """)
            let done = try await node.waitForPod("rightfile") { $0.status?.phase == "Succeeded" }
            #expect(node.log(done, container: "main")?.contains("stdout F from the node") == true)
        }
    }

    @Test func diskEmptyDirOverItsSizeLimitEvictsThePod() async throws {
        try await NodeFixture.with { node in
            let (_, agent) = try node.startAgent()
            defer { agent.cancel() }
            try await node.createPod("""
            {"metadata": {"name": "hog"}, "spec": {"terminationGracePeriodSeconds": 1,
              "volumes": [{"name": "cache", "emptyDir": {"sizeLimit": "1Mi"}}],
              "containers": [{"name": "main", "image": "busybox",
                "command": ["sh", "-c", "dd if=/dev/zero of=/cache/big bs=1024 count=4096; sleep 3600"],
                "volumeMounts": [{"name": "cache", "mountPath": "/cache"}]}]}}
            """)
            let pod = try await node.waitForPod("hog") { $0.status?.phase == "Failed" }
            #expect(pod.status?.reason == "Evicted")
            #expect(pod.status?.message == "Usage of EmptyDir volume \"cache\" exceeds the limit \"1Mi\".")
            #expect(pod.status?.containerStatuses?.first?.state?.terminated != nil, "its container was stopped")
        }
    }
}
