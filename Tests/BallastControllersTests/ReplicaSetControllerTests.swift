import BallastAPI
import BallastClient
import BallastControllers
import BallastTesting
import Foundation
import Testing

/// The ReplicaSet controller against a real API server, with the garbage collector and a
/// pod status driver standing in for the node agent.
@Suite struct ReplicaSetControllerTests {
    private static let controllers: @Sendable (KubeClient) -> [@Sendable () async -> Void] = { client in
        [{ await ReplicaSetController(client: client).run() }]
    }

    private func replicaSet(_ name: String, replicas: Int32, labels: [String: String] = ["app": "web"]) -> ReplicaSet {
        ReplicaSet(metadata: ObjectMeta(name: name, namespace: "default"),
                   spec: ReplicaSetSpec(replicas: replicas, selector: LabelSelector(matchLabels: labels), template: podTemplate(labels)))
    }

    private func scale(_ client: KubeClient, _ name: String, to replicas: Int32) async throws {
        _ = try await client.patch(ReplicaSet.self, namespace: "default", name: name, patch: ["spec": ["replicas": .int(Int64(replicas))]])
    }

    @Test func keepsTheReplicasAndReplacesADeletedPod() async throws {
        try await InProcessServer.withWorkloads(Self.controllers) { cluster in
            let client = cluster.client
            let set = try await client.create(replicaSet("web", replicas: 3))
            #expect(try await InProcessServer.soon {
                let status = try await client.get(ReplicaSet.self, namespace: "default", name: "web").status
                return status?.replicas == 3 && status?.readyReplicas == 3 && status?.availableReplicas == 3
                    && status?.fullyLabeledReplicas == 3 && status?.observedGeneration == set.metadata.generation
            })
            let pods = try await client.activePods("app=web")
            #expect(pods.count == 3)
            for pod in pods {
                // <replicaset>-<5 characters>, controlled by the set, blocking its foreground deletion.
                #expect(pod.name.hasPrefix("web-") && pod.name.count == "web-".count + 5)
                let reference = pod.metadata.ownerReferences?.first
                #expect(reference?.uid == set.uid && reference?.controller == true && reference?.blockOwnerDeletion == true)
                #expect(reference?.kind == "ReplicaSet" && reference?.apiVersion == "apps/v1")
            }
            let victim = pods[0].name
            try await client.delete(Pod.self, namespace: "default", name: victim)
            #expect(try await InProcessServer.soon {
                let now = try await client.activePods("app=web")
                return now.count == 3 && !now.contains { $0.name == victim }
            })
        }
    }

    @Test func releasesARelabelledPodAndReplacesIt() async throws {
        try await InProcessServer.withWorkloads(Self.controllers) { cluster in
            let client = cluster.client
            let set = try await client.create(replicaSet("web", replicas: 2))
            #expect(try await InProcessServer.soon { try await client.activePods("app=web").count == 2 })
            let moved = try await client.activePods("app=web")[0]
            _ = try await client.patch(Pod.self, namespace: "default", name: moved.name, patch: ["metadata": ["labels": ["app": "debug"]]])
            #expect(try await InProcessServer.soon {
                let released = try await client.get(Pod.self, namespace: "default", name: moved.name)
                return released.metadata.ownerReferences?.contains { $0.uid == set.uid } != true
            })
            #expect(try await InProcessServer.soon { try await client.activePods("app=web").count == 2 })
            // The released Pod lives on, on its own.
            #expect(try await client.getIfPresent(Pod.self, namespace: "default", name: moved.name) != nil)
        }
    }

    @Test func adoptsMatchingOrphansInsteadOfCreating() async throws {
        try await InProcessServer.withWorkloads(Self.controllers) { cluster in
            let client = cluster.client
            for name in ["orphan-1", "orphan-2"] {
                _ = try await client.create(Pod(metadata: ObjectMeta(name: name, namespace: "default", labels: ["app": "web"]),
                                                spec: podTemplate(["app": "web"]).spec))
            }
            let set = try await client.create(replicaSet("web", replicas: 3))
            #expect(try await InProcessServer.soon {
                let pods = try await client.activePods("app=web")
                return pods.count == 3 && pods.allSatisfy { $0.metadata.ownerReferences?.first?.uid == set.uid }
            })
            let names = Set(try await client.activePods("app=web").map(\.name))
            #expect(names.isSuperset(of: ["orphan-1", "orphan-2"]))
        }
    }

    @Test func scaleDownRemovesThePodThatIsNotReadyFirst() async throws {
        let holdBack = Locked(false)
        try await InProcessServer.withWorkloads(driver: { pod in
            // Once the gate closes, newly created Pods stay Pending.
            holdBack.value && pod.status?.phase == Pod.Phase.pending ? .stayPending : .runReady
        }, Self.controllers) { cluster in
            let client = cluster.client
            _ = try await client.create(replicaSet("web", replicas: 2))
            #expect(try await InProcessServer.soon {
                try await client.get(ReplicaSet.self, namespace: "default", name: "web").status?.readyReplicas == 2
            })
            let ready = Set(try await client.activePods("app=web").map(\.name))
            holdBack.withLock { $0 = true }
            try await scale(client, "web", to: 3)
            #expect(try await InProcessServer.soon { try await client.activePods("app=web").count == 3 })
            try await scale(client, "web", to: 2)
            #expect(try await InProcessServer.soon {
                let pods = try await client.activePods("app=web")
                return Set(pods.map(\.name)) == ready
            })
        }
    }

    @Test func deletingTheSetCascadesOrOrphansItsPods() async throws {
        try await InProcessServer.withWorkloads(Self.controllers) { cluster in
            let client = cluster.client
            _ = try await client.create(replicaSet("cascade", replicas: 2, labels: ["app": "cascade"]))
            _ = try await client.create(replicaSet("keep", replicas: 2, labels: ["app": "keep"]))
            #expect(try await InProcessServer.soon {
                try await all(client.activePods("app=cascade").count == 2, client.activePods("app=keep").count == 2)
            })
            try await client.delete(ReplicaSet.self, namespace: "default", name: "cascade", options: DeleteOptions(propagationPolicy: "Background"))
            try await client.delete(ReplicaSet.self, namespace: "default", name: "keep", options: DeleteOptions(propagationPolicy: "Orphan"))
            #expect(try await InProcessServer.soon { try await client.pods("app=cascade").isEmpty })
            #expect(try await InProcessServer.soon {
                try await client.getIfPresent(ReplicaSet.self, namespace: "default", name: "keep") == nil
            })
            let kept = try await client.pods("app=keep")
            #expect(kept.count == 2 && kept.allSatisfy { $0.metadata.ownerReferences == nil })
        }
    }

    @Test func minReadySecondsHoldsAvailabilityBack() async throws {
        try await InProcessServer.withWorkloads(Self.controllers) { cluster in
            let client = cluster.client
            var set = replicaSet("slow", replicas: 1, labels: ["app": "slow"])
            set.spec?.minReadySeconds = 2
            _ = try await client.create(set)
            #expect(try await InProcessServer.soon {
                try await client.get(ReplicaSet.self, namespace: "default", name: "slow").status?.readyReplicas == 1
            })
            #expect(try await InProcessServer.soon {
                try await client.get(ReplicaSet.self, namespace: "default", name: "slow").status?.availableReplicas == 1
            })
        }
    }
}
