import BallastAPI
import BallastClient
import BallastControllers
import BallastTesting
import Foundation
import Testing

/// The DaemonSet controller against a real API server with fake Nodes and a pod status driver.
@Suite struct DaemonSetControllerTests {
    private static let controllers: @Sendable (KubeClient) -> [@Sendable () async -> Void] = { client in
        [{ await DaemonSetController(client: client).run() }]
    }

    private func daemonSet(_ name: String = "agent", image: String = "prom/node-exporter:latest", nodeSelector: [String: String]? = nil) -> DaemonSet {
        var template = podTemplate(["app": name], image: image, node: nil)
        template.spec?.nodeSelector = nodeSelector
        return DaemonSet(metadata: ObjectMeta(name: name, namespace: "default"),
                         spec: DaemonSetSpec(selector: LabelSelector(matchLabels: ["app": name]), template: template))
    }

    private func placement(_ client: KubeClient) async throws -> [String: Int] {
        var count: [String: Int] = [:]
        for pod in try await client.activePods("app=agent") { count[pod.spec?.nodeName ?? "", default: 0] += 1 }
        return count
    }

    private func status(_ client: KubeClient) async throws -> DaemonSetStatus? {
        try await client.get(DaemonSet.self, namespace: "default", name: "agent").status
    }

    @Test func runsOnePodPerNodeAndFollowsNewNodes() async throws {
        try await InProcessServer.withWorkloads(nodes: ["node-a", "node-b", "node-c", "node-d"], Self.controllers) { cluster in
            let client = cluster.client
            // node-d only joins later: it is deleted first and created again below.
            try await client.delete(Node.self, name: "node-d")
            _ = try await client.create(daemonSet())
            #expect(try await InProcessServer.soon {
                try await placement(client) == ["node-a": 1, "node-b": 1, "node-c": 1]
            })
            #expect(try await InProcessServer.soon {
                let status = try await status(client)
                return status?.desiredNumberScheduled == 3 && status?.currentNumberScheduled == 3 && status?.numberReady == 3
                    && status?.numberAvailable == 3 && status?.updatedNumberScheduled == 3 && status?.numberMisscheduled == 0
                    && status?.numberUnavailable == 0
            })
            let pod = try #require(try await client.activePods("app=agent").first)
            // Bound directly to its node, and pinned to it by affinity as upstream does.
            let node = try #require(pod.spec?.nodeName)
            let pin = pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms.first?.matchFields?.first
            #expect(pin?.key == "metadata.name" && pin?.values == [node])
            let keys = Set((pod.spec?.tolerations ?? []).map { "\($0.key ?? ""):\($0.effect ?? "")" })
            #expect(keys.isSuperset(of: ["node.kubernetes.io/not-ready:NoExecute", "node.kubernetes.io/unreachable:NoExecute",
                                         "node.kubernetes.io/disk-pressure:NoSchedule", "node.kubernetes.io/memory-pressure:NoSchedule",
                                         "node.kubernetes.io/pid-pressure:NoSchedule", "node.kubernetes.io/unschedulable:NoSchedule"]))

            _ = try await client.create(FakeNodes.node("node-d"))
            #expect(try await InProcessServer.soon {
                try await placement(client) == ["node-a": 1, "node-b": 1, "node-c": 1, "node-d": 1]
            })
            #expect(try await InProcessServer.soon { try await status(client)?.numberReady == 4 })
        }
    }

    @Test func selectsNodesByLabelsAndTaints() async throws {
        try await InProcessServer.withWorkloads(nodes: [], Self.controllers) { cluster in
            let client = cluster.client
            _ = try await client.create(FakeNodes.node("gpu-1", labels: ["gpu": "yes"]))
            _ = try await client.create(FakeNodes.node("gpu-2", labels: ["gpu": "yes"], taints: [Taint(key: "dedicated", value: "ml", effect: "NoSchedule")]))
            _ = try await client.create(FakeNodes.node("cpu-1"))
            _ = try await client.create(daemonSet(nodeSelector: ["gpu": "yes"]))
            #expect(try await InProcessServer.soon {
                try await all(status(client)?.desiredNumberScheduled == 1, placement(client) == ["gpu-1": 1])
            })
            // The node stops matching: its Pod goes.
            _ = try await client.patch(Node.self, name: "gpu-1", patch: ["metadata": ["labels": ["gpu": .null]]])
            #expect(try await InProcessServer.soon { try await placement(client).isEmpty })
        }
    }

    @Test func rollingUpdateReplacesEveryPod() async throws {
        try await InProcessServer.withWorkloads(nodes: ["node-a", "node-b", "node-c"], Self.controllers) { cluster in
            let client = cluster.client
            _ = try await client.create(daemonSet())
            #expect(try await InProcessServer.soon { try await status(client)?.numberAvailable == 3 })
            _ = try await client.patch(DaemonSet.self, namespace: "default", name: "agent", patch: [
                "spec": ["template": ["spec": ["containers": [["name": "main", "image": "prom/node-exporter:v2"]]]]],
            ], as: .strategic)
            #expect(try await InProcessServer.soon {
                let pods = try await client.activePods("app=agent")
                let set = try await client.get(DaemonSet.self, namespace: "default", name: "agent")
                return pods.count == 3 && pods.allSatisfy { $0.spec?.containers?.first?.image == "prom/node-exporter:v2" }
                    && set.status?.updatedNumberScheduled == 3 && set.status?.numberAvailable == 3
                    && set.status?.observedGeneration == set.metadata.generation
            })
        }
    }
}
