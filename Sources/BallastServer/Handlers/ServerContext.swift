import BallastAPI
import BallastStore
import Foundation
internal import Logging

/// What every endpoint shares: the store, the registry, admission and the clock.
final class ServerContext: AdmissionContext, Sendable {
    let store: any ObjectStore
    let registry: ResourceRegistry
    let admission: [any AdmissionPlugin]
    let pager = ListPager()
    let logger: Logger
    let clock: @Sendable () -> Date
    /// Handlers for subresources served outside TypedEndpoint ("pods/log", "pods/exec").
    let subresources: [String: any SubresourceHandler]

    init(store: any ObjectStore, registry: ResourceRegistry, admission: [any AdmissionPlugin],
         subresources: [String: any SubresourceHandler], logger: Logger, clock: @escaping @Sendable () -> Date = { Date() }) {
        self.store = store
        self.registry = registry
        self.admission = admission
        self.subresources = subresources
        self.logger = logger
        self.clock = clock
    }

    func now() -> Date { clock() }

    func object<T: APIResource>(_ type: T.Type, namespace: String, name: String) -> T? {
        let key = ObjectKey(resource: T.resource.qualifiedName, namespace: T.resource.namespaced ? namespace : "", name: name)
        guard let stored = store.get(key) else { return nil }
        return try? APICodec.decode(T.self, from: stored.data)
    }

    func objects<T: APIResource>(_ type: T.Type, namespace: String?) -> [T] {
        store.list(resource: T.resource.qualifiedName, namespace: namespace).items.compactMap {
            try? APICodec.decode(T.self, from: $0.data)
        }
    }

    /// Runs every admission plugin in order.
    func admit(_ attributes: inout AdmissionAttributes) async throws(APIError) {
        for plugin in admission {
            try await plugin.admit(&attributes, context: self)
        }
    }
}

/// Serves a subresource that is not part of the generic object lifecycle (pod logs, exec,
/// binding, eviction).
protocol SubresourceHandler: Sendable {
    func handle(_ request: APIRequest, path: RequestTarget.ResourcePath, server: ServerContext) async throws(APIError) -> APIResponse
}
