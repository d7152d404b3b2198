import BallastAPI
import BallastClient
import BallastScheduler
import BallastTesting
import Testing

/// The scheduler against a real API server: pods are bound, claims get selected-node, and
/// pods that fit nowhere get FailedScheduling events worded as Kubernetes words them, then
/// are placed once the cluster changes.
@Suite(.serialized) struct SchedulerTests {
    typealias Cluster = LiveCluster

    @Test func aPlainPodIsBoundWithAnEventAndACondition() async throws {
        try await Cluster.with { cluster in
            try await cluster.node("small", cpu: "1")
            try await cluster.node("big", cpu: "8")
            try await cluster.pod("web", cpu: "2")
            #expect(try await cluster.eventually { try await cluster.nodeName(of: "web") == "big" })
            #expect(try await cluster.eventually {
                try await cluster.events(about: "web", reason: "Scheduled") == ["Successfully assigned default/web to big"]
            })
            #expect(try await cluster.eventually {
                try await cluster.get("web").status?.conditions?.first { $0.type == "PodScheduled" }?.status == "True"
            })
        }
    }

    @Test func anUnschedulablePodIsToldWhyAndRetriedWhenANodeArrives() async throws {
        try await Cluster.with { cluster in
            try await cluster.node("a", cpu: "1")
            try await cluster.node("b", cpu: "1", unschedulable: true)
            try await cluster.pod("hungry", cpu: "4")
            let expected = "0/2 nodes are available: 1 Insufficient cpu, 1 node(s) were unschedulable."
            #expect(try await cluster.eventually { try await cluster.events(about: "hungry", reason: "FailedScheduling").last == expected })
            #expect(try await cluster.eventually {
                let condition = try await cluster.get("hungry").status?.conditions?.first { $0.type == "PodScheduled" }
                return condition?.status == "False" && condition?.reason == "Unschedulable" && condition?.message == expected
            })
            try await cluster.node("c", cpu: "8")
            #expect(try await cluster.eventually { try await cluster.nodeName(of: "hungry") == "c" })
        }
    }

    /// A WaitForFirstConsumer claim goes to the only node with room; the pod is bound only
    /// after the claim is.
    @Test func aDelayedClaimIsProvisionedWhereThereIsRoomAndThePodWaitsForIt() async throws {
        try await Cluster.with(binder: true) { cluster in
            for node in ["a", "b", "c"] { try await cluster.node(node) }
            try await cluster.storageClass()
            try await cluster.capacity(node: "a", "2Gi")
            try await cluster.capacity(node: "b", "5Gi")
            try await cluster.capacity(node: "c", "1Gi")
            try await cluster.claim("data", size: "3Gi")
            try await cluster.pod("db", claims: ["data"])
            #expect(try await cluster.eventually { try await cluster.selectedNode(of: "data") == "b" })
            // Nothing provisions yet: the pod stays unbound.
            try await Task.sleep(for: .milliseconds(300))
            #expect(try await cluster.nodeName(of: "db") == nil)
            #expect(try await cluster.provision("data") == "b")
            #expect(try await cluster.eventually { try await cluster.nodeName(of: "db") == "b" })
            let claim = try await cluster.client.get(PersistentVolumeClaim.self, namespace: "default", name: "data")
            #expect(claim.phase == PersistentVolumeClaimPhase.bound)
        }
    }

    /// A pod whose claim is bound to a local PV lands on that PV's node, even when another
    /// node has far more cpu and memory free.
    @Test func aPodFollowsItsBoundLocalVolume() async throws {
        try await Cluster.with(binder: true) { cluster in
            try await cluster.node("small", cpu: "1", memory: "1Gi")
            try await cluster.node("big", cpu: "64", memory: "256Gi")
            try await cluster.storageClass("static", provisioner: "kubernetes.io/no-provisioner")
            try await cluster.localVolume("pv-small", node: "small", storageClass: "static")
            try await cluster.claim("data", storageClass: "static")
            try await cluster.pod("first", claims: ["data"])
            #expect(try await cluster.eventually { try await cluster.nodeName(of: "first") == "small" })
            let claim = try await cluster.client.get(PersistentVolumeClaim.self, namespace: "default", name: "data")
            #expect(claim.spec?.volumeName == "pv-small")
            try await cluster.client.delete(Pod.self, namespace: "default", name: "first")
            try await cluster.pod("second", claims: ["data"])
            #expect(try await cluster.eventually { try await cluster.nodeName(of: "second") == "small" })
        }
    }

    /// Twenty pods with 1 GiB claims at once never over-commit a VG: exactly as many claims
    /// are placed as there is room for, and the others say why.
    @Test func manyClaimsAtOnceNeverOvercommit() async throws {
        try await Cluster.with { cluster in
            try await cluster.storageClass()
            for (node, size) in [("a", "3Gi"), ("b", "2Gi"), ("c", "1Gi")] {
                try await cluster.node(node)
                try await cluster.capacity(node: node, size)
            }
            for index in 0..<20 {
                try await cluster.claim("c\(index)", size: "1Gi")
                try await cluster.pod("p\(index)", claims: ["c\(index)"])
            }
            func placement() async throws -> [String: Int] {
                var counts: [String: Int] = [:]
                for index in 0..<20 { if let node = try await cluster.selectedNode(of: "c\(index)") { counts[node, default: 0] += 1 } }
                return counts
            }
            let placed = try await cluster.eventually { try await placement() == ["a": 3, "b": 2, "c": 1] }
            let reached = try await placement()
            #expect(placed, "claims per node: \(reached)")
            let message = "0/3 nodes are available: 3 node(s) did not have enough free storage."
            #expect(try await cluster.eventually {
                var failing = 0
                for index in 0..<20 where try await cluster.events(about: "p\(index)", reason: "FailedScheduling").last == message { failing += 1 }
                return failing == 14
            })
            try await Task.sleep(for: .milliseconds(300))
            let final = try await placement()
            #expect(final == ["a": 3, "b": 2, "c": 1])
        }
    }

    /// A request larger than every node's free space waits, and is placed when a node
    /// publishes more room.
    @Test func aTooLargeClaimWaitsUntilANodeGrows() async throws {
        try await Cluster.with { cluster in
            try await cluster.storageClass()
            try await cluster.node("a")
            try await cluster.capacity(node: "a", "1Gi")
            try await cluster.claim("big", size: "4Gi")
            try await cluster.pod("p", claims: ["big"])
            #expect(try await cluster.eventually {
                try await cluster.events(about: "p", reason: "FailedScheduling").last == "0/1 nodes are available: 1 node(s) did not have enough free storage."
            })
            try await cluster.capacity(node: "a", "8Gi")
            #expect(try await cluster.eventually { try await cluster.selectedNode(of: "big") == "a" })
        }
    }

    /// When provisioning fails on the selected node, selected-node is cleared, and the
    /// scheduler picks again.
    @Test func aFailedProvisionIsScheduledAgain() async throws {
        try await Cluster.with { cluster in
            try await cluster.storageClass()
            try await cluster.node("a")
            try await cluster.capacity(node: "a", "5Gi")
            try await cluster.claim("data", size: "1Gi")
            try await cluster.pod("p", claims: ["data"])
            #expect(try await cluster.eventually { try await cluster.selectedNode(of: "data") == "a" })
            // The agent of "a" fails and says so by clearing selected-node (as the PV
            // controller does); meanwhile node "b" appears with room and "a" is full.
            try await cluster.node("b")
            try await cluster.capacity(node: "b", "5Gi")
            try await cluster.capacity(node: "a", "0")
            var claim = try await cluster.client.get(PersistentVolumeClaim.self, namespace: "default", name: "data")
            claim.metadata.setAnnotation(VolumeBindingRules.selectedNode, nil)
            _ = try await cluster.client.update(claim)
            #expect(try await cluster.eventually { try await cluster.selectedNode(of: "data") == "b" })
            #expect(try await cluster.eventually {
                try await cluster.events(about: "p", reason: "FailedScheduling").contains {
                    $0 == "running PreBind plugin \"VolumeBinding\": binding volumes: selectedNode annotation reset for PVC data"
                }
            })
        }
    }

    /// A pod that names its node still gets its WaitForFirstConsumer claim provisioned
    /// there instead of hanging.
    @Test func aPodWithNodeNameGetsItsClaimProvisionedOnThatNode() async throws {
        try await Cluster.with { cluster in
            try await cluster.storageClass()
            try await cluster.node("a")
            try await cluster.node("b")
            try await cluster.capacity(node: "a", "5Gi")
            try await cluster.capacity(node: "b", "5Gi")
            try await cluster.claim("data")
            try await cluster.pod("pinned", claims: ["data"], nodeName: "b")
            #expect(try await cluster.eventually { try await cluster.selectedNode(of: "data") == "b" })
            // The claim may also come after the pod.
            try await cluster.pod("early", claims: ["later"], nodeName: "a")
            try await cluster.claim("later")
            #expect(try await cluster.eventually { try await cluster.selectedNode(of: "later") == "a" })
        }
    }
}
