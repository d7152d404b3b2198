import BallastAPI
import BallastClient
import BallastControllers
import BallastTesting
import Foundation
import Testing

/// The StatefulSet controller against a real API server, with the garbage collector and a
/// pod status driver: ordinals, ordering, claims and their retention, rolling updates.
@Suite struct StatefulSetControllerTests {
    private static let controllers: @Sendable (KubeClient) -> [@Sendable () async -> Void] = { client in
        // The claim protection controller lets a claim go once no Pod uses it, as in the
        // control plane.
        [{ await StatefulSetController(client: client).run() }, { await PVCProtectionController(client: client).run() }]
    }

    private func statefulSet(_ name: String = "pg", replicas: Int32, retention: (String, String)? = nil, start: Int32? = nil,
                             parallel: Bool = false, partition: Int32? = nil) -> StatefulSet {
        var template = podTemplate(["app": name], image: "postgres:15")
        template.spec?.containers?[0].volumeMounts = [VolumeMount(name: "data", mountPath: "/var/lib/postgresql/data")]
        let claim = VolumeClaimTemplate(metadata: ObjectMeta(name: "data", labels: ["tier": "db"]), spec: [
            "accessModes": ["ReadWriteOnce"], "storageClassName": "", "resources": ["requests": ["storage": "1Gi"]],
        ])
        return StatefulSet(metadata: ObjectMeta(name: name, namespace: "default"), spec: StatefulSetSpec(
            replicas: replicas, selector: LabelSelector(matchLabels: ["app": name]), template: template, volumeClaimTemplates: [claim],
            serviceName: name, podManagementPolicy: parallel ? "Parallel" : nil,
            updateStrategy: partition.map { StatefulSetUpdateStrategy(type: "RollingUpdate", rollingUpdate: RollingUpdateStatefulSetStrategy(partition: $0)) },
            persistentVolumeClaimRetentionPolicy: retention.map { StatefulSetPersistentVolumeClaimRetentionPolicy(whenDeleted: $0.0, whenScaled: $0.1) },
            ordinals: start.map { StatefulSetOrdinals(start: $0) }))
    }

    private func podNames(_ client: KubeClient, _ app: String = "pg") async throws -> [String] {
        try await client.activePods("app=\(app)").map(\.name).sorted()
    }

    private func claim(_ client: KubeClient, _ name: String) async throws -> PersistentVolumeClaim? {
        try await client.getIfPresent(PersistentVolumeClaim.self, namespace: "default", name: name)
    }

    private func scale(_ client: KubeClient, to replicas: Int32) async throws {
        _ = try await client.patch(StatefulSet.self, namespace: "default", name: "pg", patch: ["spec": ["replicas": .int(Int64(replicas))]])
    }

    @Test func createsPodsInOrderEachReadyBeforeTheNext() async throws {
        let allowed = Locked<Set<String>>([])
        try await InProcessServer.withWorkloads(driver: { pod in allowed.value.contains(pod.name) ? .runReady : .runNotReady },
                                                Self.controllers) { cluster in
            let client = cluster.client
            let set = try await client.create(statefulSet(replicas: 3))
            #expect(try await InProcessServer.soon {
                try await client.get(StatefulSet.self, namespace: "default", name: "pg").status?.replicas == 1
            })
            // pg-0 runs but is not Ready, so pg-1 waits.
            #expect(try await podNames(client) == ["pg-0"])
            allowed.withLock { $0.insert("pg-0") }
            #expect(try await InProcessServer.soon { try await podNames(client) == ["pg-0", "pg-1"] })
            allowed.withLock { $0 = ["pg-0", "pg-1", "pg-2"] }
            #expect(try await InProcessServer.soon {
                let status = try await client.get(StatefulSet.self, namespace: "default", name: "pg").status
                return status?.readyReplicas == 3 && status?.availableReplicas == 3 && status?.currentReplicas == 3
                    && status?.updatedReplicas == 3
            })
            let pod = try await client.get(Pod.self, namespace: "default", name: "pg-1")
            #expect(pod.metadata.ownerReferences?.first?.uid == set.uid && pod.metadata.ownerReferences?.first?.controller == true)
            #expect(pod.spec?.hostname == "pg-1" && pod.spec?.subdomain == "pg")
            #expect(pod.metadata.labels?["statefulset.kubernetes.io/pod-name"] == "pg-1")
            #expect(pod.metadata.labels?["apps.kubernetes.io/pod-index"] == "1")
            let status = try await client.get(StatefulSet.self, namespace: "default", name: "pg").status
            #expect(pod.metadata.labels?["controller-revision-hash"] == status?.updateRevision)
            #expect(status?.currentRevision == status?.updateRevision && status?.updateRevision?.hasPrefix("pg-") == true)
            // Scaling down goes from the highest ordinal.
            try await scale(client, to: 1)
            #expect(try await InProcessServer.soon { try await podNames(client) == ["pg-0"] })
        }
    }

    @Test func eachPodGetsItsOwnClaimMadeFromTheTemplate() async throws {
        try await InProcessServer.withWorkloads(Self.controllers) { cluster in
            let client = cluster.client
            _ = try await client.create(statefulSet(replicas: 2))
            #expect(try await InProcessServer.soon { try await podNames(client) == ["pg-0", "pg-1"] })
            for ordinal in 0..<2 {
                let claim = try #require(try await claim(client, "data-pg-\(ordinal)"))
                #expect(claim.metadata.labels == ["tier": "db", "app": "pg"])
                #expect(claim.spec?.storageRequest == Quantity(1024 * 1024 * 1024))
                // Retain/Retain: nobody owns the claim, so nothing deletes it.
                #expect(claim.metadata.ownerReferences == nil)
                let pod = try await client.get(Pod.self, namespace: "default", name: "pg-\(ordinal)")
                let volume = pod.spec?.volumes?.first { $0.name == "data" }
                #expect(volume?.source.persistentVolumeClaim?.claimName == "data-pg-\(ordinal)")
            }
        }
    }

    @Test func retainKeepsTheClaimOfAScaledDownOrdinalForItsReturn() async throws {
        try await InProcessServer.withWorkloads(Self.controllers) { cluster in
            let client = cluster.client
            _ = try await client.create(statefulSet(replicas: 2))
            #expect(try await InProcessServer.soon { try await podNames(client) == ["pg-0", "pg-1"] })
            let before = try #require(try await claim(client, "data-pg-1"))
            try await scale(client, to: 1)
            #expect(try await InProcessServer.soon { try await podNames(client) == ["pg-0"] })
            #expect(try await claim(client, "data-pg-1")?.uid == before.uid)
            try await scale(client, to: 2)
            #expect(try await InProcessServer.soon { try await podNames(client) == ["pg-0", "pg-1"] })
            #expect(try await claim(client, "data-pg-1")?.uid == before.uid)
        }
    }

    @Test func deleteOnScaleRemovesTheClaimAndAReturningOrdinalGetsAFreshOne() async throws {
        try await InProcessServer.withWorkloads(Self.controllers) { cluster in
            let client = cluster.client
            let set = try await client.create(statefulSet(replicas: 2, retention: ("Delete", "Delete")))
            #expect(try await InProcessServer.soon { try await podNames(client) == ["pg-0", "pg-1"] })
            let before = try #require(try await claim(client, "data-pg-1"))
            // whenDeleted Delete: the set owns the claims of the ordinals it keeps.
            #expect(before.metadata.ownerReferences?.map(\.uid) == [set.uid])
            try await scale(client, to: 1)
            #expect(try await InProcessServer.soon { try await claim(client, "data-pg-1") == nil })
            #expect(try await podNames(client) == ["pg-0"])
            #expect(try await claim(client, "data-pg-0") != nil)
            try await scale(client, to: 2)
            #expect(try await InProcessServer.soon { try await podNames(client) == ["pg-0", "pg-1"] })
            let after = try #require(try await claim(client, "data-pg-1"))
            #expect(after.uid != before.uid)
            // Deleting the set takes the remaining claims with it.
            try await client.delete(StatefulSet.self, namespace: "default", name: "pg", options: DeleteOptions(propagationPolicy: "Background"))
            #expect(try await InProcessServer.soon {
                try await all(claim(client, "data-pg-0") == nil, claim(client, "data-pg-1") == nil, podNames(client).isEmpty)
            })
        }
    }

    @Test func retainOnScaleDeleteOnDeletionKeepsClaimsUntilTheSetGoes() async throws {
        try await InProcessServer.withWorkloads(Self.controllers) { cluster in
            let client = cluster.client
            let set = try await client.create(statefulSet(replicas: 2, retention: ("Delete", "Retain")))
            #expect(try await InProcessServer.soon { try await podNames(client) == ["pg-0", "pg-1"] })
            let before = try #require(try await claim(client, "data-pg-1"))
            // whenDeleted Delete: the set owns every claim, scaled away or not.
            #expect(before.metadata.ownerReferences?.map(\.uid) == [set.uid])
            try await scale(client, to: 1)
            #expect(try await InProcessServer.soon { try await podNames(client) == ["pg-0"] })
            // whenScaled Retain: the scaled-away ordinal keeps its claim.
            #expect(try await claim(client, "data-pg-1")?.uid == before.uid)
            try await client.delete(StatefulSet.self, namespace: "default", name: "pg", options: DeleteOptions(propagationPolicy: "Background"))
            #expect(try await InProcessServer.soon {
                try await all(claim(client, "data-pg-0") == nil, claim(client, "data-pg-1") == nil, podNames(client).isEmpty)
            })
        }
    }

    @Test func ordinalsStartAndParallelCreation() async throws {
        try await InProcessServer.withWorkloads(driver: { _ in .runNotReady }, Self.controllers) { cluster in
            let client = cluster.client
            _ = try await client.create(statefulSet(replicas: 3, start: 5, parallel: true))
            // Parallel: no Pod waits for another to be Ready.
            #expect(try await InProcessServer.soon { try await podNames(client) == ["pg-5", "pg-6", "pg-7"] })
            #expect(try await claim(client, "data-pg-5") != nil)
        }
    }

    @Test func rollingUpdateRespectsThePartition() async throws {
        try await InProcessServer.withWorkloads(Self.controllers) { cluster in
            let client = cluster.client
            _ = try await client.create(statefulSet(replicas: 3, partition: 2))
            #expect(try await InProcessServer.soon {
                try await client.get(StatefulSet.self, namespace: "default", name: "pg").status?.readyReplicas == 3
            })
            let oldRevision = try await client.get(StatefulSet.self, namespace: "default", name: "pg").status?.updateRevision
            _ = try await client.patch(StatefulSet.self, namespace: "default", name: "pg", patch: [
                "spec": ["template": ["spec": ["containers": [["name": "main", "image": "postgres:16"]]]]],
            ], as: .strategic)
            func image(_ name: String) async throws -> String? {
                try await client.getIfPresent(Pod.self, namespace: "default", name: name)?.spec?.containers?.first?.image
            }
            #expect(try await InProcessServer.soon { try await image("pg-2") == "postgres:16" })
            let status = try await client.get(StatefulSet.self, namespace: "default", name: "pg").status
            #expect(status?.currentRevision == oldRevision && status?.updateRevision != oldRevision)
            #expect(try await all(image("pg-0") == "postgres:15", image("pg-1") == "postgres:15"))
            // Below the partition a deleted Pod comes back at the current revision.
            try await client.delete(Pod.self, namespace: "default", name: "pg-0")
            #expect(try await InProcessServer.soon {
                try await client.getIfPresent(Pod.self, namespace: "default", name: "pg-0")?.metadata.labels?["controller-revision-hash"] == oldRevision
            })
            #expect(try await image("pg-0") == "postgres:15")
            _ = try await client.patch(StatefulSet.self, namespace: "default", name: "pg", patch: [
                "spec": ["updateStrategy": ["rollingUpdate": ["partition": 0]]],
            ], as: .merge)
            #expect(try await InProcessServer.soon {
                let status = try await client.get(StatefulSet.self, namespace: "default", name: "pg").status
                return status?.currentRevision == status?.updateRevision && status?.updatedReplicas == 3 && status?.currentReplicas == 3
            })
            #expect(try await all(image("pg-0") == "postgres:16", image("pg-1") == "postgres:16"))
        }
    }
}
