import BallastAPI
import Testing

#if canImport(SchedulerCore)
@testable import SchedulerCore
#else
@testable import BallastScheduler
#endif

/// Access modes: ReadWriteOncePod serves one pod in the cluster, ReadWriteOnce one node.
@Suite struct VolumeRestrictionsTests {
    typealias F = Fixture

    static let local = F.storageClass("local")
    static func boundClaim(_ name: String, modes: [PersistentVolumeAccessMode]) -> PersistentVolumeClaim {
        F.claim(name, modes: modes, volumeName: "pv-\(name)", bound: true)
    }

    @Test func readWriteOncePodServesOnePod() throws {
        var cache = F.cache(nodes: [F.node("a"), F.node("b")], classes: [Self.local], claims: [Self.boundClaim("solo", modes: [.readWriteOncePod])],
                            volumes: [F.volume("pv-solo", modes: [.readWriteOncePod])])
        cache.upsertPod(F.pod("first", claims: ["solo"], nodeName: "a"))
        let failure = try #require(F.schedule(F.pod("second", claims: ["solo"]), in: cache).failure)
        #expect(failure.message == "0/2 nodes are available: 2 node has pod using PersistentVolumeClaim with the same name and ReadWriteOncePod access mode.")
        cache.removePod(namespace: "default", name: "first")
        #expect(F.schedule(F.pod("second", claims: ["solo"]), in: cache).success != nil)
    }

    @Test func readWriteOnceFollowsItsOtherUsersNode() throws {
        var cache = F.cache(nodes: [F.node("a"), F.node("b"), F.node("c")], classes: [Self.local],
                            claims: [Self.boundClaim("shared", modes: [.readWriteOnce])], volumes: [F.volume("pv-shared")])
        cache.upsertPod(F.pod("first", claims: ["shared"], nodeName: "b"))
        for index in 0..<4 { #expect(F.schedule(F.pod("p\(index)", claims: ["shared"]), in: cache).success?.node == "b") }
        cache.upsertNode(F.node("b", unschedulable: true))
        let failure = try #require(F.schedule(F.pod("p", claims: ["shared"]), in: cache).failure)
        #expect(failure.message == "0/3 nodes are available: 1 node(s) were unschedulable, 2 node(s) didn't match the node of pod(s) using the same ReadWriteOnce PersistentVolumeClaim.")
    }

    @Test func readWriteManyIsShared() throws {
        var cache = F.cache(nodes: [F.node("a"), F.node("b")], classes: [Self.local],
                            claims: [Self.boundClaim("many", modes: [.readWriteMany])], volumes: [F.volume("pv-many", modes: [.readWriteMany])])
        cache.upsertPod(F.pod("first", claims: ["many"], nodeName: "a"))
        cache.upsertNode(F.node("a", unschedulable: true))
        #expect(F.schedule(F.pod("second", claims: ["many"]), in: cache).success?.node == "b")
    }

    /// An assumed pod counts as a user at once, so two pods scheduled back to back do not
    /// both take a ReadWriteOncePod claim.
    @Test func anAssumedPodCountsAsAUser() throws {
        var cache = F.cache(nodes: [F.node("a")], classes: [Self.local], claims: [Self.boundClaim("solo", modes: [.readWriteOncePod])],
                            volumes: [F.volume("pv-solo", modes: [.readWriteOncePod])])
        let first = PodInfo(F.pod("first", claims: ["solo"]))
        let decision = try #require(F.schedule(first.pod, in: cache).success)
        cache.assume(first, on: decision.node, volumes: decision.volumes)
        #expect(F.schedule(F.pod("second", claims: ["solo"]), in: cache).failure != nil)
    }
}
