public import BallastAPI
public import BallastClient
import Foundation

/// Empties a namespace that is being deleted, then finalizes it so it goes, as Kubernetes'
/// namespace controller does: everything namespaced in it is deleted (with background
/// propagation), and once nothing is left the "kubernetes" entry leaves spec.finalizers.
public final class NamespaceController: Sendable {
    private let client: KubeClient
    private let kinds: [any APIResource.Type]
    private let queue = WorkQueue()

    public init(client: KubeClient, kinds: [any APIResource.Type]) {
        self.client = client
        self.kinds = kinds.filter { $0.resource.namespaced }
    }

    public func run() async {
        let namespaces = Informer<Namespace>(client: client)
        namespaces.addHandler { [queue] event in
            switch event {
            case .added(let namespace), .updated(_, let namespace):
                if namespace.metadata.isDeleting { queue.add(namespace.name) }
            case .deleted:
                break
            }
        }
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await namespaces.run() }
            group.addTask {
                await Workers.run(self.queue, count: 1) { name in
                    guard let namespace = namespaces.get(name: name) else { return .done }
                    return try await self.reconcile(namespace)
                }
            }
        }
    }

    func reconcile(_ namespace: Namespace) async throws -> Workers.Outcome {
        guard namespace.metadata.isDeleting, namespace.spec?.finalizers?.contains(Namespace.kubernetesFinalizer) == true else { return .done }
        var remaining = 0
        for kind in kinds {
            remaining += try await deleteContent(kind, in: namespace.name)
        }
        if remaining > 0 { return .requeue(after: 1) }
        var finalized = namespace
        var spec = finalized.spec ?? NamespaceSpec()
        spec.finalizers = (spec.finalizers ?? []).filter { $0 != Namespace.kubernetesFinalizer }
        finalized.spec = spec
        let request = ClientRequest(method: "PUT", path: KubeClient.path(Namespace.self, namespace: nil, name: namespace.name, subresource: "finalize"),
                                    headers: [("Content-Type", "application/json")], body: APICodec.encode(finalized))
        do {
            _ = try await client.raw(request)
        } catch {
            if !error.isNotFound { throw error }
        }
        return .done
    }

    /// Deletes every object of `type` in the namespace; returns how many are still there.
    private func deleteContent<T: APIResource>(_ type: T.Type, in namespace: String) async throws -> Int {
        let objects = try await client.list(T.self, namespace: namespace).items
        for object in objects where !object.metadata.isDeleting {
            try await client.delete(T.self, namespace: namespace, name: object.name, options: DeleteOptions(propagationPolicy: "Background"),
                                    ignoreNotFound: true)
        }
        return objects.count
    }
}
