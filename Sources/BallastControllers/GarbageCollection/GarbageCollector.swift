public import BallastAPI
public import BallastClient
import Foundation
import Synchronization

/// Deletes objects whose owners are gone and carries out the propagation policies of
/// deletions, as Kubernetes' garbage collector does:
/// - background: once an owner is gone, its dependents are deleted;
/// - foreground (finalizer `foregroundDeletion`): the owner stays until its dependents
///   that block owner deletion are gone;
/// - orphan (finalizer `orphan`): the owner's references are removed from its dependents,
///   then the owner goes.
/// A dependent with several owners is deleted only when none of them is left.
public final class GarbageCollector: Sendable {
    private let client: KubeClient
    private let kinds: [any APIResource.Type]
    private let graph = Mutex(OwnerGraph())
    private let queue = WorkQueue()

    public static let orphanFinalizer = "orphan"
    public static let foregroundFinalizer = "foregroundDeletion"

    /// - Parameter kinds: every kind whose objects may own or be owned.
    public init(client: KubeClient, kinds: [any APIResource.Type]) {
        self.client = client
        self.kinds = kinds
    }

    public func run() async {
        let informers = kinds.enumerated().map { index, kind in observe(kind, index: index) }
        await withTaskGroup(of: Void.self) { group in
            for informer in informers { group.addTask { await informer.run() } }
            group.addTask {
                // Judging an owner absent from a graph that has not seen every kind yet
                // would delete live dependents.
                for informer in informers { await informer.waitForSync() }
                await Workers.run(self.queue, count: 2) { uid in try await self.reconcile(uid) }
            }
        }
    }

    /// The running half of one kind's informer.
    private struct KindInformer: Sendable {
        let run: @Sendable () async -> Void
        let waitForSync: @Sendable () async -> Void
    }

    private func observe<T: APIResource>(_ type: T.Type, index: Int) -> KindInformer {
        let informer = Informer<T>(client: client)
        informer.addHandler { [self] event in
            switch event {
            case .added(let object), .updated(_, let object):
                let node = GraphNode(kind: index, namespace: object.namespace, name: object.name, uid: object.uid,
                                     owners: object.metadata.ownerReferences ?? [], deleting: object.metadata.isDeleting,
                                     finalizers: object.metadata.finalizers ?? [])
                graph.withLock { $0.upsert(node) }
                if !node.owners.isEmpty || node.deleting { queue.add(node.uid) }
            case .deleted(let object):
                let (dependents, owners) = graph.withLock { graph -> ([GraphNode], [OwnerReference]) in
                    let dependents = graph.dependents(of: object.uid)
                    graph.remove(uid: object.uid)
                    return (dependents, object.metadata.ownerReferences ?? [])
                }
                for dependent in dependents { queue.add(dependent.uid) }
                // An owner waiting in foreground deletion may now be free to go.
                for owner in owners { queue.add(owner.uid) }
            }
        }
        return KindInformer(run: { await informer.run() }, waitForSync: { await informer.waitForSync() })
    }

    /// One pass over one object: finish its own deletion policy, then check its owners.
    func reconcile(_ uid: String) async throws -> Workers.Outcome {
        guard let node = graph.withLock({ $0.node(uid) }) else { return .done }
        if node.deleting {
            if node.finalizers.contains(Self.orphanFinalizer) {
                try await orphanDependents(of: node)
                try await removeFinalizer(Self.orphanFinalizer, from: node)
                return .done
            }
            if node.finalizers.contains(Self.foregroundFinalizer) {
                let dependents = graph.withLock { $0.dependents(of: uid) }
                for dependent in dependents where !dependent.deleting {
                    try await delete(dependent, propagation: "Foreground")
                }
                let blocking = dependents.filter { dependent in
                    dependent.owners.contains { $0.uid == uid && $0.blockOwnerDeletion == true }
                }
                if blocking.isEmpty {
                    try await removeFinalizer(Self.foregroundFinalizer, from: node)
                    return .done
                }
                // Deleting a dependent re-queues this owner; poll too, in case it stalls.
                return .requeue(after: 5)
            }
        }
        guard !node.owners.isEmpty else { return .done }
        var solid: [OwnerReference] = []
        var dangling: [OwnerReference] = []
        var waitingForDependents: [OwnerReference] = []
        for owner in node.owners {
            switch try await ownerState(owner, namespace: node.namespace) {
            case .absent: dangling.append(owner)
            case .present: solid.append(owner)
            case .deletingForeground:
                if owner.blockOwnerDeletion == true { waitingForDependents.append(owner) } else { solid.append(owner) }
            }
        }
        if solid.isEmpty && waitingForDependents.isEmpty {
            if !node.deleting { try await delete(node, propagation: "Background") }
        } else if solid.isEmpty {
            if !node.deleting { try await delete(node, propagation: "Foreground") }
        } else if !dangling.isEmpty {
            try await setOwners(node, to: node.owners.filter { owner in !dangling.contains { $0.uid == owner.uid } })
        }
        return .done
    }

    enum OwnerState { case present, absent, deletingForeground }

    /// Whether an owner still exists: from the graph when known, else by asking the API
    /// (a name that now carries another uid means the owner is gone).
    private func ownerState(_ owner: OwnerReference, namespace: String) async throws -> OwnerState {
        if let known = graph.withLock({ $0.node(owner.uid) }) {
            return known.deleting && known.finalizers.contains(Self.foregroundFinalizer) ? .deletingForeground : .present
        }
        guard let kind = kinds.first(where: { $0.gvk.apiVersion == owner.apiVersion && $0.gvk.kind == owner.kind }) else {
            // A kind this collector does not know is never presumed gone.
            return .present
        }
        return try await liveOwnerState(kind, owner: owner, namespace: namespace)
    }

    private func liveOwnerState<T: APIResource>(_ type: T.Type, owner: OwnerReference, namespace: String) async throws -> OwnerState {
        guard let found = try await client.getIfPresent(T.self, namespace: T.resource.namespaced ? namespace : "", name: owner.name),
            found.uid == owner.uid
        else { return .absent }
        let foreground = found.metadata.isDeleting && found.metadata.hasFinalizer(Self.foregroundFinalizer)
        return foreground ? .deletingForeground : .present
    }

    private func delete(_ node: GraphNode, propagation: String) async throws {
        try await delete(kinds[node.kind], node: node, propagation: propagation)
    }

    private func delete<T: APIResource>(_ type: T.Type, node: GraphNode, propagation: String) async throws {
        var options = DeleteOptions(propagationPolicy: propagation)
        options.preconditions = .init(uid: node.uid)
        do {
            try await client.delete(T.self, namespace: node.namespace, name: node.name, options: options, ignoreNotFound: true)
        } catch {
            // A conflict means the name now belongs to a newer object: nothing of ours to delete.
            if !error.isConflict { throw error }
        }
    }

    /// Removes the owner from its dependents' references. Each kind has its own watch, so
    /// the graph may not yet hold a dependent made just before the owner was deleted: a
    /// live list of every kind sees each one, and none is left to be collected as an
    /// orphan's dangling dependent.
    private func orphanDependents(of owner: GraphNode) async throws {
        for (index, kind) in kinds.enumerated() { try await orphanDependents(kind, index: index, of: owner) }
    }

    private func orphanDependents<T: APIResource>(_ type: T.Type, index: Int, of owner: GraphNode) async throws {
        // A namespaced owner has dependents only in its namespace, never cluster-scoped ones.
        if !T.resource.namespaced && !owner.namespace.isEmpty { return }
        let namespace = T.resource.namespaced && !owner.namespace.isEmpty ? owner.namespace : nil
        for object in try await client.list(T.self, namespace: namespace).items {
            let owners = object.metadata.ownerReferences ?? []
            guard owners.contains(where: { $0.uid == owner.uid }) else { continue }
            let dependent = GraphNode(kind: index, namespace: object.namespace, name: object.name, uid: object.uid, owners: owners,
                                      deleting: object.metadata.isDeleting, finalizers: object.metadata.finalizers ?? [])
            try await setOwners(dependent, to: owners.filter { $0.uid != owner.uid })
        }
    }

    private func setOwners(_ node: GraphNode, to owners: [OwnerReference]) async throws {
        try await patchMetadata(kinds[node.kind], node: node,
                                metadata: ["ownerReferences": owners.isEmpty ? .null : APICodec.encodeValue(owners), "uid": .string(node.uid)])
    }

    private func removeFinalizer(_ finalizer: String, from node: GraphNode) async throws {
        let rest = node.finalizers.filter { $0 != finalizer }
        try await patchMetadata(kinds[node.kind], node: node,
                                metadata: ["finalizers": rest.isEmpty ? .null : .array(rest.map { .string($0) }), "uid": .string(node.uid)])
    }

    /// A merge patch of metadata; the uid in it makes the write fail if the name was reused.
    private func patchMetadata<T: APIResource>(_ type: T.Type, node: GraphNode, metadata: [String: JSONValue]) async throws {
        do {
            _ = try await client.patch(T.self, namespace: node.namespace, name: node.name, patch: ["metadata": .object(metadata)], as: .merge)
        } catch {
            if !error.isNotFound { throw error }
        }
    }
}
