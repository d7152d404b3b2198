import BallastAPI
import BallastClient
import BallastControllers
import BallastTesting
import Testing

/// The garbage collector against a real API server: owners and dependents as kubectl
/// users create them.
@Suite struct GarbageCollectorTests {
    private func owner(_ client: KubeClient, _ name: String) async throws -> ConfigMap {
        try await client.create(ConfigMap(metadata: ObjectMeta(name: name, namespace: "default")))
    }

    private func dependent(_ client: KubeClient, _ name: String, owners: [ConfigMap], block: Bool = true) async throws {
        var secret = Secret(metadata: ObjectMeta(name: name, namespace: "default"))
        secret.metadata.ownerReferences = owners.map { $0.ownerReference(controller: false, blockOwnerDeletion: block) }
        _ = try await client.create(secret)
    }

    private func exists(_ client: KubeClient, _ name: String) async throws -> Bool {
        try await client.getIfPresent(Secret.self, namespace: "default", name: name) != nil
    }

    @Test func backgroundDeletionRemovesDependentsOnlyWhenEveryOwnerIsGone() async throws {
        try await InProcessServer.with { cluster in
            let client = cluster.client
            let collector = Task { await GarbageCollector(client: client, kinds: BuiltinKinds.all).run() }
            defer { collector.cancel() }
            let a = try await owner(client, "a")
            let b = try await owner(client, "b")
            try await dependent(client, "only-a", owners: [a])
            try await dependent(client, "a-and-b", owners: [a, b])
            try await client.delete(ConfigMap.self, namespace: "default", name: "a", options: DeleteOptions(propagationPolicy: "Background"))
            #expect(try await InProcessServer.eventually { try await !exists(client, "only-a") })
            // The shared dependent stays, now owned by b alone.
            #expect(try await InProcessServer.eventually {
                try await client.get(Secret.self, namespace: "default", name: "a-and-b").metadata.ownerReferences?.map(\.name) == ["b"]
            })
            try await client.delete(ConfigMap.self, namespace: "default", name: "b")
            #expect(try await InProcessServer.eventually { try await !exists(client, "a-and-b") })
        }
    }

    @Test func orphanDeletionKeepsDependentsAndDropsTheirReference() async throws {
        try await InProcessServer.with { cluster in
            let client = cluster.client
            let collector = Task { await GarbageCollector(client: client, kinds: BuiltinKinds.all).run() }
            defer { collector.cancel() }
            let parent = try await owner(client, "parent")
            try await dependent(client, "child", owners: [parent])
            try await client.delete(ConfigMap.self, namespace: "default", name: "parent", options: DeleteOptions(propagationPolicy: "Orphan"))
            #expect(try await InProcessServer.eventually { try await client.getIfPresent(ConfigMap.self, namespace: "default", name: "parent") == nil })
            let child = try await client.get(Secret.self, namespace: "default", name: "child")
            #expect(child.metadata.ownerReferences == nil)
        }
    }

    @Test func foregroundDeletionKeepsTheOwnerUntilBlockingDependentsAreGone() async throws {
        try await InProcessServer.with { cluster in
            let client = cluster.client
            let parent = try await owner(client, "parent")
            try await dependent(client, "child", owners: [parent])
            try await client.delete(ConfigMap.self, namespace: "default", name: "parent", options: DeleteOptions(propagationPolicy: "Foreground"))
            // Without a collector the owner waits, marked for deletion, with the finalizer.
            let waiting = try await client.get(ConfigMap.self, namespace: "default", name: "parent")
            #expect(waiting.metadata.isDeleting && waiting.metadata.finalizers == ["foregroundDeletion"])
            let collector = Task { await GarbageCollector(client: client, kinds: BuiltinKinds.all).run() }
            defer { collector.cancel() }
            #expect(try await InProcessServer.eventually { try await client.getIfPresent(ConfigMap.self, namespace: "default", name: "parent") == nil })
            // The child is deleted too; it may still be finishing its own (foreground)
            // deletion when the owner goes.
            #expect(try await InProcessServer.eventually { try await !exists(client, "child") })
        }
    }
}
