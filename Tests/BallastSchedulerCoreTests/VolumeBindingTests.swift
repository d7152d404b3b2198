import BallastAPI
import Testing

#if canImport(SchedulerCore)
@testable import SchedulerCore
#else
@testable import BallastScheduler
#endif

/// Volume binding: pods go where their volumes are or can be made, and never where the
/// free storage is already promised to other claims.
@Suite struct VolumeBindingTests {
    typealias F = Fixture

    static let local = F.storageClass("local")
    static let threeNodes = [F.node("a"), F.node("b"), F.node("c")]

    /// A claim bound to a local PV pins the pod to the PV's node, even where another node
    /// has more cpu and memory free.
    @Test func aBoundLocalVolumePinsThePodToItsNode() throws {
        let nodes = [F.node("a", cpu: "1", memory: "1Gi"), F.node("b", cpu: "64", memory: "256Gi"), F.node("c", cpu: "64", memory: "256Gi")]
        let claim = F.claim("data", volumeName: "pv-a", bound: true)
        let cache = F.cache(nodes: nodes, classes: [Self.local], claims: [claim],
                            volumes: [F.volume("pv-a", node: "a", claimRef: ObjectReference(namespace: "default", name: "data", uid: "uid-data"),
                                               phase: PersistentVolumePhase.bound)])
        for index in 0..<5 { #expect(F.schedule(F.pod("p\(index)", claims: ["data"]), in: cache).success?.node == "a") }
    }

    @Test func aBoundVolumeOfAnUnreachableNodeIsAnAffinityConflict() throws {
        let claim = F.claim("data", volumeName: "pv-x", bound: true)
        let cache = F.cache(nodes: Self.threeNodes, classes: [Self.local], claims: [claim], volumes: [F.volume("pv-x", node: "x")])
        let failure = try #require(F.schedule(F.pod("p", claims: ["data"]), in: cache).failure)
        #expect(failure.message == "0/3 nodes are available: 3 node(s) had volume node affinity conflict.")
    }

    @Test func aClaimBoundToAMissingVolumeSaysSo() throws {
        let cache = F.cache(nodes: Self.threeNodes, classes: [Self.local], claims: [F.claim("data", volumeName: "gone", bound: true)])
        let failure = try #require(F.schedule(F.pod("p", claims: ["data"]), in: cache).failure)
        #expect(failure.message == "0/3 nodes are available: 3 node(s) unavailable due to one or more pvc(s) bound to non-existent pv(s).")
    }

    @Test func aMissingClaimRejectsThePod() throws {
        let cache = F.cache(nodes: Self.threeNodes)
        let failure = try #require(F.schedule(F.pod("p", claims: ["nope"]), in: cache).failure)
        #expect(failure.message == "0/3 nodes are available: persistentvolumeclaim \"nope\" not found.")
    }

    @Test func anUnboundImmediateClaimMakesThePodWait() throws {
        let immediate = F.storageClass("nfs", provisioner: "ballast.io/nfs", mode: VolumeBindingMode.immediate)
        let cache = F.cache(nodes: Self.threeNodes, classes: [immediate], claims: [F.claim("data", storageClass: "nfs")])
        let failure = try #require(F.schedule(F.pod("p", claims: ["data"]), in: cache).failure)
        #expect(failure.message == "0/3 nodes are available: pod has unbound immediate PersistentVolumeClaims.")
    }

    /// Only the node with room for 3 GiB takes the claim; the others are counted.
    @Test func aDelayedClaimGoesToTheNodeWithRoom() throws {
        let capacities = [F.capacity("a", node: "a", capacity: "2Gi"), F.capacity("b", node: "b", capacity: "5Gi"),
                          F.capacity("c", node: "c", capacity: "1Gi")]
        let cache = F.cache(nodes: Self.threeNodes, classes: [Self.local], claims: [F.claim("data", size: "3Gi")], capacities: capacities)
        let decision = try #require(F.schedule(F.pod("p", claims: ["data"]), in: cache).success)
        #expect(decision.node == "b")
        #expect(decision.volumes == PodVolumeDecisions(dynamicProvisions: ["default/data"]))
        let big = F.cache(nodes: Self.threeNodes, classes: [Self.local], claims: [F.claim("data", size: "9Gi")], capacities: capacities)
        #expect(F.schedule(F.pod("p", claims: ["data"]), in: big).failure?.message
            == "0/3 nodes are available: 3 node(s) did not have enough free storage.")
    }

    /// The example: two nodes without room, one that the bound claim cannot reach.
    @Test func reasonsFromSeveralClaimsAreCounted() throws {
        let capacities = [F.capacity("a", node: "a", capacity: "1Gi"), F.capacity("b", node: "b", capacity: "1Gi"),
                          F.capacity("c", node: "c", capacity: "10Gi")]
        let bound = F.claim("logs", volumeName: "pv-ab", bound: true)
        let volume = F.volume("pv-ab", affinity: F.affinity("kubernetes.io/hostname", ["a", "b"]))
        let cache = F.cache(nodes: Self.threeNodes, classes: [Self.local], claims: [bound, F.claim("data", size: "3Gi")],
                            volumes: [volume], capacities: capacities)
        let failure = try #require(F.schedule(F.pod("p", claims: ["logs", "data"]), in: cache).failure)
        #expect(failure.message == "0/3 nodes are available: 1 node(s) had volume node affinity conflict, 2 node(s) did not have enough free storage.")
    }

    /// All the claims of a pod are checked together, each whole in one volume group: two
    /// 3 GiB claims fit in one 6 GiB VG or in two 3 GiB VGs, never in the sum of two
    /// 2.5 GiB VGs.
    @Test func claimsAreCheckedTogetherAndNeverAcrossVolumeGroups() throws {
        let claims = [F.claim("one", size: "3Gi"), F.claim("two", size: "3Gi")]
        let fits = F.cache(nodes: [F.node("a")], classes: [Self.local], claims: claims,
                           capacities: [F.capacity("a-vg0", node: "a", capacity: "6Gi")])
        #expect(F.schedule(F.pod("p", claims: ["one", "two"]), in: fits).success?.node == "a")
        let split = F.cache(nodes: [F.node("a")], classes: [Self.local], claims: claims,
                            capacities: [F.capacity("a-vg0", node: "a", capacity: "2560Mi"), F.capacity("a-vg1", node: "a", capacity: "2560Mi")])
        #expect(F.schedule(F.pod("p", claims: ["one", "two"]), in: split).failure?.message
            == "0/1 nodes are available: 1 node(s) did not have enough free storage.")
        let twoPools = F.cache(nodes: [F.node("a")], classes: [Self.local], claims: claims,
                               capacities: [F.capacity("a-vg0", node: "a", capacity: "3Gi"), F.capacity("a-vg1", node: "a", capacity: "3Gi")])
        #expect(F.schedule(F.pod("p", claims: ["one", "two"]), in: twoPools).success?.node == "a")
    }

    @Test func maximumVolumeSizeLimitsEachVolume() throws {
        let cache = F.cache(nodes: [F.node("a")], classes: [Self.local], claims: [F.claim("data", size: "3Gi")],
                            capacities: [F.capacity("a", node: "a", capacity: "10Gi", maximumVolumeSize: "2Gi")])
        #expect(F.schedule(F.pod("p", claims: ["data"]), in: cache).failure != nil)
    }

    /// Pods scheduled one after another never take the same room: the first pod's claim is
    /// reserved on its node as soon as it is assumed.
    @Test func assumedProvisionsReserveTheirRoom() throws {
        var claims: [PersistentVolumeClaim] = []
        for index in 0..<5 { claims.append(F.claim("c\(index)", size: "1Gi")) }
        var cache = F.cache(nodes: [F.node("a"), F.node("b")], classes: [Self.local], claims: claims,
                            capacities: [F.capacity("a", node: "a", capacity: "2Gi"), F.capacity("b", node: "b", capacity: "1Gi")])
        var algorithm = SchedulingAlgorithm(seed: 7)
        var placed: [String: Int] = [:]
        var failures: [String] = []
        for index in 0..<5 {
            let pod = PodInfo(F.pod("p\(index)", claims: ["c\(index)"]))
            switch algorithm.schedule(pod, in: cache) {
            case .success(let decision):
                cache.assume(pod, on: decision.node, volumes: decision.volumes)
                placed[decision.node, default: 0] += 1
            case .failure(let failure):
                failures.append(failure.message)
            }
        }
        #expect(placed == ["a": 2, "b": 1])
        #expect(failures == Array(repeating: "0/2 nodes are available: 2 node(s) did not have enough free storage.", count: 2))
        #expect(cache.claims["default/c0"]?.metadata.annotation(VolumeBindingRules.selectedNode) != nil)
        #expect(cache.testOnly_verifyInvariants())
    }

    /// Claims the API already shows with selected-node (provisioning under way, perhaps by
    /// another scheduler run) count against the node until they are bound.
    @Test func provisionsInFlightAreReserved() throws {
        let inFlight = F.claim("other", size: "3Gi", selectedNode: "a")
        let cache = F.cache(nodes: [F.node("a"), F.node("b")], classes: [Self.local], claims: [inFlight, F.claim("data", size: "2Gi")],
                            capacities: [F.capacity("a", node: "a", capacity: "4Gi"), F.capacity("b", node: "b", capacity: "2Gi")])
        #expect(F.schedule(F.pod("p", claims: ["data"]), in: cache).success?.node == "b")
        // Once the other claim is bound, its volume is in the published capacity instead.
        var bound = inFlight
        bound.spec?.volumeName = "pvc-uid-other"
        var after = cache
        after.upsertClaim(bound)
        #expect(after.capacity.reservations(forClass: "local", node: "a").isEmpty)
        #expect(after.testOnly_verifyInvariants())
    }

    /// A failed binding gives back what the pod took.
    @Test func forgettingAnAssumedPodFreesItsRoom() throws {
        var cache = F.cache(nodes: [F.node("a")], classes: [Self.local], claims: [F.claim("c0", size: "2Gi"), F.claim("c1", size: "2Gi")],
                            capacities: [F.capacity("a", node: "a", capacity: "2Gi")])
        let first = PodInfo(F.pod("p0", claims: ["c0"]))
        let decision = try #require(F.schedule(first.pod, in: cache).success)
        cache.assume(first, on: decision.node, volumes: decision.volumes)
        #expect(F.schedule(F.pod("p1", claims: ["c1"]), in: cache).failure != nil)
        cache.forget(podKey: first.key)
        #expect(cache.claims["default/c0"]?.metadata.annotation(VolumeBindingRules.selectedNode) == nil)
        #expect(F.schedule(F.pod("p1", claims: ["c1"]), in: cache).success?.node == "a")
        #expect(cache.testOnly_verifyInvariants())
    }

    /// A claim that already has selected-node can only be provisioned there.
    @Test func aSelectedNodeIsKept() throws {
        let cache = F.cache(nodes: Self.threeNodes, classes: [Self.local], claims: [F.claim("data", selectedNode: "c")])
        let decision = try #require(F.schedule(F.pod("p", claims: ["data"]), in: cache).success)
        #expect(decision.node == "c")
    }

    /// A free static volume of a WaitForFirstConsumer class is matched on the node it can
    /// reach: the smallest that fits.
    @Test func freeLocalVolumesAreMatchedOnTheirNode() throws {
        let staticClass = F.storageClass("local", provisioner: VolumeBindingPlugin.noProvisioner)
        let volumes = [F.volume("pv-b-small", size: "1Gi", node: "b"), F.volume("pv-b-big", size: "10Gi", node: "b"),
                       F.volume("pv-c", size: "500Mi", node: "c")]
        let cache = F.cache(nodes: Self.threeNodes, classes: [staticClass], claims: [F.claim("data", size: "1Gi")], volumes: volumes)
        let decision = try #require(F.schedule(F.pod("p", claims: ["data"]), in: cache).success)
        #expect(decision.node == "b")
        #expect(decision.volumes == PodVolumeDecisions(staticBindings: [.init(claim: "default/data", volume: "pv-b-small")]))
        let big = F.cache(nodes: Self.threeNodes, classes: [staticClass], claims: [F.claim("data", size: "20Gi")], volumes: volumes)
        #expect(F.schedule(F.pod("p", claims: ["data"]), in: big).failure?.message
            == "0/3 nodes are available: 3 node(s) didn't find available persistent volumes to bind.")
    }

    /// A chosen static volume is taken at once: the next pod's claim gets another.
    @Test func anAssumedStaticBindingTakesTheVolume() throws {
        let staticClass = F.storageClass("local", provisioner: VolumeBindingPlugin.noProvisioner)
        var cache = F.cache(nodes: [F.node("a")], classes: [staticClass], claims: [F.claim("c0"), F.claim("c1")],
                            volumes: [F.volume("pv-a", node: "a")])
        let first = PodInfo(F.pod("p0", claims: ["c0"]))
        let decision = try #require(F.schedule(first.pod, in: cache).success)
        cache.assume(first, on: decision.node, volumes: decision.volumes)
        #expect(cache.volumes["pv-a"]?.spec?.claimRef?.name == "c0")
        #expect(F.schedule(F.pod("p1", claims: ["c1"]), in: cache).failure != nil)
    }

    /// allowedTopologies keeps provisioning off the nodes outside it.
    @Test func allowedTopologiesLimitProvisioning() throws {
        let zoned = F.storageClass("local", allowedTopologies: [
            TopologySelectorTerm(matchLabelExpressions: [TopologySelectorLabelRequirement(key: "zone", values: ["z1"])])
        ])
        let nodes = [F.node("a", labels: ["zone": "z0"]), F.node("b", labels: ["zone": "z1"]), F.node("c")]
        let cache = F.cache(nodes: nodes, classes: [zoned], claims: [F.claim("data")])
        #expect(F.schedule(F.pod("p", claims: ["data"]), in: cache).success?.node == "b")
        let failure = try #require(F.schedule(F.pod("p", claims: ["data"], nodeSelector: ["zone": "z0"]), in: cache).failure)
        #expect(failure.message == "0/3 nodes are available: 1 node(s) didn't find available persistent volumes to bind, 2 node(s) didn't match Pod's node affinity/selector.")
    }

    /// A class whose storage is not tracked (no capacity records) provisions anywhere.
    @Test func untrackedClassesDoNotCheckRoom() throws {
        let cache = F.cache(nodes: Self.threeNodes, classes: [Self.local], claims: [F.claim("data", size: "1Ti")])
        #expect(F.schedule(F.pod("p", claims: ["data"]), in: cache).success != nil)
    }

    /// A pod that names its node still gets its delayed claims provisioned there.
    @Test func aPodWithNodeNameGetsDecisionsForItsNode() throws {
        let cache = F.cache(nodes: Self.threeNodes, classes: [Self.local], claims: [F.claim("data")],
                            capacities: [F.capacity("b", node: "b", capacity: "5Gi")])
        let pod = PodInfo(F.pod("p", claims: ["data"], nodeName: "b"))
        let node = try #require(cache.nodeInfo(named: "b"))
        let decisions = try VolumeBindingPlugin.decisions(for: pod, on: node, in: cache).get()
        #expect(decisions == PodVolumeDecisions(dynamicProvisions: ["default/data"]))
        let other = try #require(cache.nodeInfo(named: "a"))
        #expect(throws: PluginStatus.self) { try VolumeBindingPlugin.decisions(for: pod, on: other, in: cache).get() }
    }

    /// The storage score: `spread` (the default) prefers the node with the most room left,
    /// `pack` the one with the least that still fits.
    @Test(arguments: [(nil as String?, "big"), ("spread", "big"), ("pack", "small")])
    func storagePlacementFollowsTheClassParameter(placement: String?, expected: String) throws {
        let storageClass = F.storageClass("local", parameters: placement.map { [StorageCapacityScorePlugin.placementParameter: $0] })
        let cache = F.cache(nodes: [F.node("small"), F.node("big")], classes: [storageClass], claims: [F.claim("data", size: "1Gi")],
                            capacities: [F.capacity("small", node: "small", capacity: "2Gi"), F.capacity("big", node: "big", capacity: "50Gi")])
        for _ in 0..<5 { #expect(F.schedule(F.pod("p", claims: ["data"]), in: cache).success?.node == expected) }
    }
}
