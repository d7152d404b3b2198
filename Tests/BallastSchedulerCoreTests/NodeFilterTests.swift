import BallastAPI
import Testing

#if canImport(SchedulerCore)
@testable import SchedulerCore
#else
@testable import BallastScheduler
#endif

/// The node filters: each keeps a pod off the nodes it must not use, and the failure counts
/// the reasons the way kube-scheduler's FailedScheduling event does.
@Suite struct NodeFilterTests {
    typealias F = Fixture

    @Test func aPodThatNamesItsNodeFitsOnlyThere() throws {
        let cache = F.cache(nodes: [F.node("a"), F.node("b"), F.node("c")])
        let decision = try #require(F.schedule(F.pod("p", nodeName: "b"), in: cache).success)
        #expect(decision.node == "b")
        let failure = try #require(F.schedule(F.pod("q", nodeName: "zzz"), in: cache).failure)
        #expect(failure.message == "0/3 nodes are available: 3 node(s) didn't match the requested node name.")
    }

    @Test func cordonedNodesTakeOnlyPodsThatTolerateIt() throws {
        let cache = F.cache(nodes: [F.node("a", unschedulable: true), F.node("b")])
        for _ in 0..<4 { #expect(F.schedule(F.pod("p"), in: cache).success?.node == "b") }
        let only = F.cache(nodes: [F.node("a", unschedulable: true)])
        #expect(F.schedule(F.pod("p"), in: only).failure?.message == "0/1 nodes are available: 1 node(s) were unschedulable.")
        let tolerant = F.pod("t", tolerations: [F.toleration("node.kubernetes.io/unschedulable", operator: "Exists", effect: "NoSchedule")])
        #expect(F.schedule(tolerant, in: only).success?.node == "a")
    }

    @Test func requestsMustFitWhatIsLeft() throws {
        var cache = F.cache(nodes: [F.node("small", cpu: "1", memory: "1Gi"), F.node("big", cpu: "8", memory: "16Gi")])
        #expect(F.schedule(F.pod("p", cpu: "2"), in: cache).success?.node == "big")
        cache.upsertPod(F.pod("hog", cpu: "7", nodeName: "big"))
        let failure = try #require(F.schedule(F.pod("q", cpu: "2", memory: "2Gi"), in: cache).failure)
        // Each node gives every reason it has; the counts are per reason.
        #expect(failure.message == "0/2 nodes are available: 1 Insufficient memory, 2 Insufficient cpu.")
        #expect(cache.testOnly_verifyInvariants())
    }

    @Test func podCountIsLimited() throws {
        var cache = F.cache(nodes: [F.node("a", pods: "1")])
        cache.upsertPod(F.pod("running", nodeName: "a"))
        #expect(F.schedule(F.pod("p"), in: cache).failure?.message == "0/1 nodes are available: 1 Too many pods.")
        // A finished pod frees its place.
        cache.upsertPod(F.pod("running", nodeName: "a", phase: "Succeeded"))
        #expect(F.schedule(F.pod("p"), in: cache).success?.node == "a")
    }

    @Test func nodeSelectorAndRequiredAffinityPickNodesByLabel() throws {
        let cache = F.cache(nodes: [F.node("a", labels: ["disk": "ssd"]), F.node("b", labels: ["disk": "hdd"]), F.node("c")])
        #expect(F.schedule(F.pod("p", nodeSelector: ["disk": "ssd"]), in: cache).success?.node == "a")
        let affinity = Affinity(nodeAffinity: NodeAffinity(required: NodeSelector(nodeSelectorTerms: [
            NodeSelectorTerm(matchExpressions: [NodeSelectorRequirement(key: "disk", operator: "In", values: ["hdd"])])
        ])))
        #expect(F.schedule(F.pod("q", affinity: affinity), in: cache).success?.node == "b")
        let failure = try #require(F.schedule(F.pod("r", nodeSelector: ["disk": "nvme"]), in: cache).failure)
        #expect(failure.message == "0/3 nodes are available: 3 node(s) didn't match Pod's node affinity/selector.")
    }

    @Test func preferredAffinityWinsTheScore() throws {
        let cache = F.cache(nodes: [F.node("a"), F.node("b", labels: ["fast": "yes"]), F.node("c")])
        let affinity = Affinity(nodeAffinity: NodeAffinity(preferred: [
            PreferredSchedulingTerm(weight: 50, preference: NodeSelectorTerm(matchExpressions: [
                NodeSelectorRequirement(key: "fast", operator: "Exists")
            ]))
        ]))
        for index in 0..<5 { #expect(F.schedule(F.pod("p\(index)", affinity: affinity), in: cache).success?.node == "b") }
    }

    @Test func taintsKeepOutPodsThatDoNotTolerateThem() throws {
        let cache = F.cache(nodes: [F.node("gpu", taints: [Taint(key: "gpu", value: "true", effect: "NoSchedule")]), F.node("plain")])
        #expect(F.schedule(F.pod("p"), in: cache).success?.node == "plain")
        let only = F.cache(nodes: [F.node("gpu", taints: [Taint(key: "gpu", value: "true", effect: "NoSchedule")])])
        #expect(F.schedule(F.pod("p"), in: only).failure?.message == "0/1 nodes are available: 1 node(s) had untolerated taint {gpu: true}.")
        let tolerant = F.pod("t", tolerations: [F.toleration("gpu", value: "true", effect: "NoSchedule")])
        #expect(F.schedule(tolerant, in: only).success?.node == "gpu")
    }

    @Test func preferNoScheduleOnlyLowersTheScore() throws {
        let cache = F.cache(nodes: [F.node("soft", taints: [Taint(key: "spot", effect: "PreferNoSchedule")]), F.node("plain")])
        for index in 0..<5 { #expect(F.schedule(F.pod("p\(index)"), in: cache).success?.node == "plain") }
        let only = F.cache(nodes: [F.node("soft", taints: [Taint(key: "spot", effect: "PreferNoSchedule")])])
        #expect(F.schedule(F.pod("p"), in: only).success?.node == "soft")
    }

    /// A node whose agent stopped reporting gets the not-ready or unreachable taint.
    @Test func nodesThatAreNotReadyAreTainted() throws {
        let cache = F.cache(nodes: [F.node("down", ready: "False"), F.node("lost", ready: "Unknown")])
        let failure = try #require(F.schedule(F.pod("p"), in: cache).failure)
        #expect(failure.message == "0/2 nodes are available: 1 node(s) had untolerated taint {node.kubernetes.io/not-ready: }, 1 node(s) had untolerated taint {node.kubernetes.io/unreachable: }.")
    }

    @Test func hostPortsAreNotSharedOnANode() throws {
        var cache = F.cache(nodes: [F.node("a")])
        cache.upsertPod(F.pod("web", nodeName: "a", hostPort: 8080))
        #expect(F.schedule(F.pod("p", hostPort: 8080), in: cache).failure?.message == "0/1 nodes are available: 1 node(s) didn't have free ports for the requested pod ports.")
        #expect(F.schedule(F.pod("q", hostPort: 8081), in: cache).success?.node == "a")
    }

    /// Reasons from different filters are counted per node: the first failing filter wins.
    @Test func mixedReasonsAreCountedPerNode() throws {
        let cache = F.cache(nodes: [F.node("a", unschedulable: true), F.node("b", cpu: "1"), F.node("c", cpu: "1")])
        let failure = try #require(F.schedule(F.pod("p", cpu: "2"), in: cache).failure)
        #expect(failure.message == "0/3 nodes are available: 1 node(s) were unschedulable, 2 Insufficient cpu.")
        #expect(failure.rejectingPlugins == ["NodeUnschedulable", "NodeResourcesFit"])
    }

    @Test func balancedAllocationPrefersEvenUse() throws {
        // "a" would end with cpu 50% and memory 50%; "b" with cpu 75% and memory 25%.
        var cache = F.cache(nodes: [F.node("a", cpu: "4", memory: "8Gi"), F.node("b", cpu: "4", memory: "8Gi")])
        cache.upsertPod(F.pod("x", cpu: "1", memory: "2Gi", nodeName: "a"))
        cache.upsertPod(F.pod("y", cpu: "2", memory: "0", nodeName: "b"))
        let scorer = try #require(BalancedAllocationPlugin().preScore(PodInfo(F.pod("p", cpu: "1", memory: "2Gi")), state: CycleState(),
                                                                       nodes: cache.nodeInfos, in: cache))
        let a = scorer.score(try #require(cache.nodeInfo(named: "a")), in: cache)
        let b = scorer.score(try #require(cache.nodeInfo(named: "b")), in: cache)
        #expect(a == 100)
        #expect(b < a)
    }

    @Test func anEmptyClusterHasNoNodes() {
        #expect(F.schedule(F.pod("p"), in: F.cache()).failure?.message == "no nodes available to schedule pods")
    }

    /// At 5,000 nodes only a share of the nodes is looked at, as upstream (at least 100).
    @Test func largeClustersScoreAShareOfTheNodes() {
        let algorithm = SchedulingAlgorithm(seed: 1)
        #expect(algorithm.feasibleNodesToFind(50) == 50)
        #expect(algorithm.feasibleNodesToFind(5000) == 5000 * 10 / 100)
        #expect(algorithm.feasibleNodesToFind(200) == 100)
    }
}
