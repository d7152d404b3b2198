import BallastAPI
import BallastClient
import BallastControllers
import BallastTesting
import Foundation
import Testing

/// The Deployment controller (with the ReplicaSet controller, the garbage collector and a
/// pod status driver) against a real API server: what `kubectl scale`, `set image`,
/// `rollout status|history|undo` users see.
@Suite struct DeploymentControllerTests {
    static let controllers: @Sendable (KubeClient) -> [@Sendable () async -> Void] = { client in
        [{ await DeploymentController(client: client).run() }, { await ReplicaSetController(client: client).run() }]
    }

    private func deployment(_ name: String, replicas: Int32, image: String = "nginx:1.26", strategy: DeploymentStrategy? = nil) -> Deployment {
        Deployment(metadata: ObjectMeta(name: name, namespace: "default"),
                   spec: DeploymentSpec(replicas: replicas, selector: LabelSelector(matchLabels: ["app": name]),
                                        template: podTemplate(["app": name], image: image), strategy: strategy))
    }

    private func get(_ client: KubeClient, _ name: String) async throws -> Deployment {
        try await client.get(Deployment.self, namespace: "default", name: name)
    }

    /// The ReplicaSets of a deployment, as `kubectl rollout history` finds them.
    private func sets(_ client: KubeClient, _ deployment: Deployment) async throws -> [ReplicaSet] {
        try await client.list(ReplicaSet.self, namespace: "default", labelSelector: "app=\(deployment.name)").items
            .filter { $0.metadata.controllerReference?.uid == deployment.uid }
    }

    private func revision(_ set: ReplicaSet) -> String? { set.metadata.annotations?["deployment.kubernetes.io/revision"] }

    /// kubectl rollout status's verdict: generation observed, all updated, no old ones, all available.
    private func rolledOut(_ client: KubeClient, _ name: String) async throws -> Bool {
        let deployment = try await get(client, name)
        guard let status = deployment.status, (status.observedGeneration ?? 0) >= (deployment.metadata.generation ?? 0) else { return false }
        let desired = deployment.spec?.replicas ?? 1
        return (status.updatedReplicas ?? 0) == desired && (status.replicas ?? 0) == (status.updatedReplicas ?? 0)
            && (status.availableReplicas ?? 0) == (status.updatedReplicas ?? 0)
    }

    private func setImage(_ client: KubeClient, _ name: String, _ image: String, cause: String? = nil) async throws {
        var patch: JSONValue = ["spec": ["template": ["spec": ["containers": [["name": "main", "image": .string(image)]]]]]]
        if let cause { patch["metadata"] = ["annotations": ["kubernetes.io/change-cause": .string(cause)]] }
        _ = try await client.patch(Deployment.self, namespace: "default", name: name, patch: patch, as: .strategic)
    }

    @Test func scalesTwoToThreeToOne() async throws {
        try await InProcessServer.withWorkloads(Self.controllers) { cluster in
            let client = cluster.client
            let created = try await client.create(deployment("web", replicas: 2))
            #expect(try await InProcessServer.soon { try await rolledOut(client, "web") })
            let first = try await sets(client, created)
            #expect(first.count == 1)
            let set = try #require(first.first)
            // <deployment>-<pod-template-hash>, with the hash in labels and selector.
            let hash = try #require(set.metadata.labels?["pod-template-hash"])
            #expect(set.name == "web-\(hash)" && set.spec?.selector?.matchLabels?["pod-template-hash"] == hash)
            #expect(set.metadata.annotations?["deployment.kubernetes.io/desired-replicas"] == "2")
            #expect(set.metadata.annotations?["deployment.kubernetes.io/max-replicas"] == "3")
            #expect(revision(set) == "1")
            for replicas: Int32 in [3, 1] {
                _ = try await client.patch(Deployment.self, namespace: "default", name: "web", patch: ["spec": ["replicas": .int(Int64(replicas))]])
                #expect(try await InProcessServer.soon {
                    try await all(rolledOut(client, "web"), client.activePods("app=web").count == Int(replicas))
                })
                let status = try await get(client, "web").status
                #expect(status?.replicas == replicas && status?.readyReplicas == replicas && status?.availableReplicas == replicas)
                #expect(status?.unavailableReplicas == 0)
                // Scaling reuses the one ReplicaSet.
                #expect(try await sets(client, created).map(\.name) == [set.name])
            }
            let conditions = try await get(client, "web").status?.conditions ?? []
            #expect(conditions.contains { $0.type == "Available" && $0.status == "True" && $0.reason == "MinimumReplicasAvailable" })
            #expect(conditions.contains { $0.type == "Progressing" && $0.status == "True" && $0.reason == "NewReplicaSetAvailable" })
        }
    }

    @Test func setImageRollsToANewReplicaSetAndUndoReusesTheOldOne() async throws {
        try await InProcessServer.withWorkloads(Self.controllers) { cluster in
            let client = cluster.client
            var initial = deployment("web", replicas: 2)
            initial.metadata.setAnnotation("kubernetes.io/change-cause", "first")
            let created = try await client.create(initial)
            #expect(try await InProcessServer.soon { try await rolledOut(client, "web") })
            let original = try #require(try await sets(client, created).first)

            try await setImage(client, "web", "nginx:1.27", cause: "upgrade")
            #expect(try await InProcessServer.soon {
                try await all(rolledOut(client, "web"), sets(client, created).count == 2)
            })
            let afterUpgrade = try await sets(client, created)
            let upgraded = try #require(afterUpgrade.first { $0.uid != original.uid })
            #expect(revision(upgraded) == "2")
            #expect(upgraded.metadata.annotations?["kubernetes.io/change-cause"] == "upgrade")
            #expect(try await get(client, "web").metadata.annotations?["deployment.kubernetes.io/revision"] == "2")
            #expect(afterUpgrade.first { $0.uid == original.uid }?.spec?.replicas == 0)
            let pods = try await client.activePods("app=web")
            #expect(pods.count == 2 && pods.allSatisfy { $0.spec?.containers?.first?.image == "nginx:1.27" })

            // kubectl rollout undo: the old ReplicaSet's template (without the hash label) goes
            // back into the deployment with a JSON patch.
            var template = try #require(original.spec?.template)
            template.metadata?.setLabel("pod-template-hash", nil)
            let undo: JSONValue = [["op": "replace", "path": "/spec/template", "value": APICodec.encodeValue(template)]]
            _ = try await client.patch(Deployment.self, namespace: "default", name: "web", patch: undo, as: .json)
            #expect(try await InProcessServer.soon {
                let sets = try await sets(client, created)
                return try await rolledOut(client, "web") && sets.first { $0.uid == original.uid }?.spec?.replicas == 2
            })
            let afterUndo = try await sets(client, created)
            #expect(afterUndo.count == 2)
            let restored = try #require(afterUndo.first { $0.uid == original.uid })
            #expect(restored.name == original.name)
            #expect(revision(restored) == "3")
            #expect(restored.metadata.annotations?["deployment.kubernetes.io/revision-history"] == "1")
            #expect(try await get(client, "web").metadata.annotations?["deployment.kubernetes.io/revision"] == "3")
        }
    }

    @Test func rollingUpdateStaysWithinSurgeAndUnavailability() async throws {
        // maxSurge 1, maxUnavailable 0: never more than 4 Pods, never fewer than 3 available.
        let strategy = DeploymentStrategy(type: "RollingUpdate", rollingUpdate: RollingUpdateDeployment(maxUnavailable: .int(0), maxSurge: .int(1)))
        let seen = Locked<(maxPods: Int, minAvailable: Int)>((0, Int.max))
        try await InProcessServer.withWorkloads(Self.controllers) { cluster in
            let client = cluster.client
            _ = try await client.create(deployment("web", replicas: 3, strategy: strategy))
            #expect(try await InProcessServer.soon { try await rolledOut(client, "web") })
            try await setImage(client, "web", "nginx:1.27")
            let watcher = Task {
                while !Task.isCancelled {
                    if let pods = try? await client.activePods("app=web") {
                        let available = pods.filter { $0.status?.condition("Ready")?.status == "True" }.count
                        seen.withLock { $0 = (max($0.maxPods, pods.count), min($0.minAvailable, available)) }
                    }
                    try? await Task.sleep(nanoseconds: 20_000_000)
                }
            }
            #expect(try await InProcessServer.soon {
                try await all(rolledOut(client, "web"),
                              client.activePods("app=web").allSatisfy { $0.spec?.containers?.first?.image == "nginx:1.27" })
            })
            watcher.cancel()
        }
        #expect(seen.value.maxPods <= 4)
        #expect(seen.value.minAvailable >= 3)
    }

    @Test func recreateRemovesEveryOldPodBeforeStartingNewOnes() async throws {
        let mixed = Locked(false)
        try await InProcessServer.withWorkloads(Self.controllers) { cluster in
            let client = cluster.client
            _ = try await client.create(deployment("web", replicas: 2, strategy: DeploymentStrategy(type: "Recreate")))
            #expect(try await InProcessServer.soon { try await rolledOut(client, "web") })
            try await setImage(client, "web", "nginx:1.27")
            let watcher = Task {
                while !Task.isCancelled {
                    if let pods = try? await client.pods("app=web") {
                        if Set(pods.compactMap { $0.spec?.containers?.first?.image }).count > 1 { mixed.withLock { $0 = true } }
                    }
                    try? await Task.sleep(nanoseconds: 20_000_000)
                }
            }
            #expect(try await InProcessServer.soon {
                try await all(rolledOut(client, "web"),
                              client.activePods("app=web").allSatisfy { $0.spec?.containers?.first?.image == "nginx:1.27" })
            })
            watcher.cancel()
        }
        #expect(mixed.value == false)
    }

    @Test func revisionHistoryLimitDeletesTheOldestReplicaSets() async throws {
        try await InProcessServer.withWorkloads(Self.controllers) { cluster in
            let client = cluster.client
            var spec = deployment("web", replicas: 1)
            spec.spec?.revisionHistoryLimit = 1
            let created = try await client.create(spec)
            #expect(try await InProcessServer.soon { try await rolledOut(client, "web") })
            for image in ["nginx:1.27", "nginx:1.28"] {
                try await setImage(client, "web", image)
                #expect(try await InProcessServer.soon {
                    try await all(rolledOut(client, "web"),
                                  client.activePods("app=web").allSatisfy { $0.spec?.containers?.first?.image == image })
                })
            }
            #expect(try await InProcessServer.soon {
                try await sets(client, created).compactMap(revision).sorted() == ["2", "3"]
            })
        }
    }

    @Test func aPausedDeploymentRollsOutOnlyWhenResumed() async throws {
        try await InProcessServer.withWorkloads(Self.controllers) { cluster in
            let client = cluster.client
            let created = try await client.create(deployment("web", replicas: 1))
            #expect(try await InProcessServer.soon { try await rolledOut(client, "web") })
            _ = try await client.patch(Deployment.self, namespace: "default", name: "web", patch: ["spec": ["paused": true]], as: .strategic)
            try await setImage(client, "web", "nginx:1.27")
            #expect(try await InProcessServer.soon {
                let deployment = try await get(client, "web")
                return deployment.status?.observedGeneration == deployment.metadata.generation
                    && deployment.status?.conditions?.contains { $0.type == "Progressing" && $0.reason == "DeploymentPaused" } == true
            })
            #expect(try await sets(client, created).count == 1)
            _ = try await client.patch(Deployment.self, namespace: "default", name: "web", patch: ["spec": ["paused": .null]], as: .strategic)
            #expect(try await InProcessServer.soon {
                try await all(rolledOut(client, "web"), sets(client, created).count == 2)
            })
        }
    }

    @Test func aRolloutThatCannotProgressExceedsItsDeadline() async throws {
        try await InProcessServer.withWorkloads(driver: { pod in
            pod.spec?.containers?.first?.image == "broken:1" ? .runNotReady : .runReady
        }, Self.controllers) { cluster in
            let client = cluster.client
            var spec = deployment("web", replicas: 1)
            spec.spec?.progressDeadlineSeconds = 2
            _ = try await client.create(spec)
            #expect(try await InProcessServer.soon { try await rolledOut(client, "web") })
            try await setImage(client, "web", "broken:1")
            #expect(try await InProcessServer.soon {
                try await get(client, "web").status?.conditions?.contains {
                    $0.type == "Progressing" && $0.status == "False" && $0.reason == "ProgressDeadlineExceeded"
                } == true
            })
        }
    }
}
