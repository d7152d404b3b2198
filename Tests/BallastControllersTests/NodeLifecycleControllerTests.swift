import BallastAPI
import BallastClient
@testable import BallastControllers
import BallastServer
import BallastTesting
import Foundation
import Testing

/// The node lifecycle controller and pod GC against a real API server, with short grace
/// periods: a node whose lease stops is marked Unknown and tainted, its Pods are evicted
/// as their tolerations say, and it is cleared when it comes back.
@Suite struct NodeLifecycleControllerTests {
    private static let configuration = NodeLifecycleController.Configuration(gracePeriod: 1, startupGracePeriod: 1, monitorPeriod: 0.2)

    private func lease(_ node: String) -> Lease {
        Lease(metadata: ObjectMeta(name: node, namespace: "kube-node-lease"),
              spec: LeaseSpec(holderIdentity: node, leaseDurationSeconds: 40, renewTime: MicroTime.now()))
    }

    private func pod(_ name: String, node: String, tolerations: [Toleration]? = nil) -> Pod {
        Pod(metadata: ObjectMeta(name: name, namespace: "default"),
            spec: PodSpec(containers: [Container(name: "main", image: "busybox")], nodeName: node, tolerations: tolerations))
    }

    private func exists(_ client: KubeClient, _ name: String) async throws -> Bool {
        try await client.getIfPresent(Pod.self, namespace: "default", name: name) != nil
    }

    /// Evicted: deleted, or (graceful deletion, with no agent to confirm) being deleted.
    private func evicted(_ client: KubeClient, _ name: String) async throws -> Bool {
        try await client.getIfPresent(Pod.self, namespace: "default", name: name)?.metadata.isDeleting ?? true
    }

    @Test func aSilentNodeIsTaintedItsPodsEvictedAndItRecovers() async throws {
        try await InProcessServer.with { cluster in
            let client = cluster.client
            _ = try await client.create(FakeNodes.node("quiet"))
            _ = try await client.create(lease("quiet"))
            let unreachable = "node.kubernetes.io/unreachable"
            _ = try await client.create(pod("intolerant", node: "quiet",
                                            tolerations: [Toleration(key: unreachable, operator: "Exists", effect: "NoExecute", tolerationSeconds: 0)]))
            // Admission gives a pod that names no toleration five minutes (DefaultTolerationSeconds).
            _ = try await client.create(pod("defaulted", node: "quiet"))
            _ = try await client.create(pod("patient", node: "quiet",
                                            tolerations: [Toleration(key: unreachable, operator: "Exists", effect: "NoExecute", tolerationSeconds: 3)]))
            _ = try await client.create(pod("forever", node: "quiet", tolerations: [Toleration(key: unreachable, operator: "Exists", effect: "NoExecute")]))
            let running = RunningControllers([{ await NodeLifecycleController(client: client, configuration: Self.configuration).run() }])
            defer { running.stop() }

            #expect(try await InProcessServer.soon {
                let node = try await client.get(Node.self, name: "quiet")
                let ready = node.status?.conditions?.first { $0.type == "Ready" }
                return ready?.status == "Unknown" && ready?.reason == "NodeStatusUnknown" && ready?.message == "Kubelet stopped posting node status."
            })
            #expect(try await InProcessServer.soon {
                let taints = try await client.get(Node.self, name: "quiet").spec?.taints ?? []
                return taints.contains { $0.key == unreachable && $0.effect == "NoExecute" && $0.timeAdded != nil }
                    && taints.contains { $0.key == unreachable && $0.effect == "NoSchedule" }
            })
            // Tolerated for 0 s: evicted at once. For 3 s: evicted after. Forever and for the
            // default 300 s: stay.
            #expect(try await InProcessServer.soon { try await evicted(client, "intolerant") })
            #expect(try await !evicted(client, "forever"))
            #expect(try await InProcessServer.soon { try await evicted(client, "patient") })
            #expect(try await !evicted(client, "forever"))
            #expect(try await !evicted(client, "defaulted"))

            // The agent comes back: a fresh heartbeat and Ready again.
            var node = try await client.get(Node.self, name: "quiet")
            let now = Time.now()
            node.status?.conditions = [NodeCondition(type: "Ready", status: "True", lastHeartbeatTime: now, lastTransitionTime: now,
                                                     reason: "KubeletReady", message: "kubelet is posting ready status")]
            _ = try await client.updateStatus(node)
            var renewed = try await client.get(Lease.self, namespace: "kube-node-lease", name: "quiet")
            renewed.spec?.renewTime = MicroTime.now()
            _ = try await client.update(renewed)
            #expect(try await InProcessServer.soon {
                let node = try await client.get(Node.self, name: "quiet")
                return node.isReady && !(node.spec?.taints ?? []).contains { $0.key == unreachable }
            })
        }
    }

    @Test func aNodeThatReportsNotReadyGetsTheNotReadyTaints() async throws {
        try await InProcessServer.with { cluster in
            let client = cluster.client
            _ = try await client.create(FakeNodes.node("sick", ready: false))
            let running = RunningControllers([{ await NodeLifecycleController(client: client, configuration: Self.configuration).run() }])
            defer { running.stop() }
            #expect(try await InProcessServer.soon {
                let taints = try await client.get(Node.self, name: "sick").spec?.taints ?? []
                return Set(taints.map { "\($0.key):\($0.effect)" }) == ["node.kubernetes.io/not-ready:NoExecute", "node.kubernetes.io/not-ready:NoSchedule"]
            })
        }
    }

    @Test func podsOfANodeThatIsGoneAreCollected() async throws {
        try await InProcessServer.with { cluster in
            let client = cluster.client
            _ = try await client.create(pod("stranded", node: "ghost"))
            let gc = PodGarbageCollector(client: client, configuration: .init(quarantine: 0.5, period: 0.2))
            let running = RunningControllers([{ await gc.run() }])
            defer { running.stop() }
            #expect(try await InProcessServer.soon { try await !exists(client, "stranded") })
        }
    }

    @Test func defaultTolerationSecondsAddsWhatIsMissing() {
        var plain = pod("plain", node: "n")
        DefaultTolerationSeconds.apply(to: &plain)
        #expect(plain.spec?.tolerations == [
            Toleration(key: "node.kubernetes.io/not-ready", operator: "Exists", effect: "NoExecute", tolerationSeconds: 300),
            Toleration(key: "node.kubernetes.io/unreachable", operator: "Exists", effect: "NoExecute", tolerationSeconds: 300),
        ])
        // A toleration of every NoExecute taint covers both; nothing is added.
        var broad = pod("broad", node: "n", tolerations: [Toleration(operator: "Exists", effect: "NoExecute")])
        DefaultTolerationSeconds.apply(to: &broad)
        #expect(broad.spec?.tolerations?.count == 1)
        var partial = pod("partial", node: "n", tolerations: [Toleration(key: "node.kubernetes.io/unreachable", operator: "Exists")])
        DefaultTolerationSeconds.apply(to: &partial, notReadySeconds: 60)
        #expect(partial.spec?.tolerations?.last == Toleration(key: "node.kubernetes.io/not-ready", operator: "Exists", effect: "NoExecute",
                                                               tolerationSeconds: 60))
        #expect(partial.spec?.tolerations?.count == 2)
    }

    @Test func aCreatedPodGetsTheDefaultTolerationsFromAdmission() async throws {
        try await InProcessServer.with { server in
            let created = try await server.client.create(pod("fresh", node: "n"))
            #expect(created.spec?.tolerations?.map(\.key) == ["node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable"])
            #expect(created.spec?.tolerations?.allSatisfy { $0.tolerationSeconds == 300 && $0.effect == "NoExecute" } == true)
        }
    }

    @Test(arguments: [
        // (taint seconds ago, toleration seconds; nil = no toleration, -1 = forever) → decision
        (10.0, Int64?.none, "now"), (10, -1, "keep"), (10, 5, "now"), (2, 5, "later"), (2, 0, "now"),
    ])
    func evictionFollowsTheUsedToleration(age: Double, seconds: Int64?, expected: String) {
        let now = Date()
        let taint = Taint(key: "node.kubernetes.io/unreachable", effect: "NoExecute", timeAdded: Time(now.addingTimeInterval(-age)))
        var tolerations: [Toleration] = []
        if let seconds {
            tolerations = [Toleration(key: taint.key, operator: "Exists", effect: "NoExecute", tolerationSeconds: seconds < 0 ? nil : seconds)]
        }
        let decision = TaintEviction.decide(taints: [taint], tolerations: tolerations, now: now)
        switch expected {
        case "now": #expect(decision == .evictNow)
        case "keep": #expect(decision == .keep)
        default: if case .evict = decision {} else { Issue.record("expected a later eviction, got \(decision)") }
        }
    }
}
