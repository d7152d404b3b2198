public import BallastAPI
public import Foundation
import Synchronization

/// A change an informer saw.
public enum InformerEvent<T: APIResource>: Sendable {
    case added(T)
    case updated(old: T, new: T)
    case deleted(T)
}

/// Lists and watches one kind, keeps a local cache, and tells handlers about every change;
/// re-lists when the watch expires and resyncs periodically, so consumers can be
/// level-triggered.
public final class Informer<T: APIResource>: Sendable {
    public typealias Handler = @Sendable (InformerEvent<T>) -> Void

    private let client: KubeClient
    private let namespace: String?
    private let labelSelector: String?
    private let fieldSelector: String?
    private let resyncInterval: TimeInterval
    private let state = Mutex<State>(State())

    private struct State {
        var cache: [String: T] = [:]
        var handlers: [Handler] = []
        var synced = false
        var waiters: [CheckedContinuation<Void, Never>] = []
    }

    public init(client: KubeClient, namespace: String? = nil, labelSelector: String? = nil, fieldSelector: String? = nil,
                resyncInterval: TimeInterval = 300) {
        self.client = client
        self.namespace = namespace
        self.labelSelector = labelSelector
        self.fieldSelector = fieldSelector
        self.resyncInterval = resyncInterval
    }

    /// The cache key of an object: "namespace/name", or "name" for cluster-scoped kinds.
    public static func key(_ object: T) -> String {
        key(namespace: object.namespace, name: object.name)
    }

    public static func key(namespace: String, name: String) -> String {
        namespace.isEmpty ? name : "\(namespace)/\(name)"
    }

    /// Registers a handler; it receives an `added` for every object already cached.
    public func addHandler(_ handler: @escaping Handler) {
        let existing = state.withLock { state -> [T] in
            state.handlers.append(handler)
            return Array(state.cache.values)
        }
        for object in existing { handler(.added(object)) }
    }

    public func get(namespace: String = "", name: String) -> T? {
        state.withLock { $0.cache[Self.key(namespace: namespace, name: name)] }
    }

    public func get(key: String) -> T? {
        state.withLock { $0.cache[key] }
    }

    public func list() -> [T] {
        state.withLock { Array($0.cache.values) }
    }

    public var hasSynced: Bool { state.withLock { $0.synced } }

    /// Returns once the first list has been cached.
    public func waitForSync() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let ready = state.withLock { state -> Bool in
                if state.synced { return true }
                state.waiters.append(continuation)
                return false
            }
            if ready { continuation.resume() }
        }
    }

    /// Lists and watches until the task is cancelled.
    public func run() async {
        var backoff: Double = 0.1
        var lastResync = Date()
        while !Task.isCancelled {
            do {
                var version = try await relist()
                backoff = 0.1
                while !Task.isCancelled {
                    let stream = try await client.watch(T.self, namespace: namespace, resourceVersion: String(version),
                                                        labelSelector: labelSelector, fieldSelector: fieldSelector,
                                                        timeoutSeconds: Int.random(in: 300...600))
                    for try await event in stream {
                        switch event {
                        case .added(let object), .modified(let object):
                            upsert(object)
                            version = max(version, Int64(object.metadata.resourceVersion ?? "") ?? version)
                        case .deleted(let object):
                            remove(object)
                            version = max(version, Int64(object.metadata.resourceVersion ?? "") ?? version)
                        case .bookmark(let resourceVersion):
                            version = Int64(resourceVersion) ?? version
                        }
                        if Date().timeIntervalSince(lastResync) > resyncInterval {
                            resync()
                            lastResync = Date()
                        }
                    }
                }
            } catch let error as ClientError where error.code == 410 {
                continue
            } catch {
                if Task.isCancelled { return }
                try? await Task.sleep(nanoseconds: UInt64(backoff * 1_000_000_000))
                backoff = min(backoff * 2, 10)
            }
        }
    }

    /// Replaces the cache with a fresh list, telling handlers what changed.
    private func relist() async throws -> Int64 {
        let listed = try await client.list(T.self, namespace: namespace, labelSelector: labelSelector, fieldSelector: fieldSelector)
        var fresh: [String: T] = [:]
        for object in listed.items { fresh[Self.key(object)] = object }
        let (events, handlers, waiters) = state.withLock { state -> ([InformerEvent<T>], [Handler], [CheckedContinuation<Void, Never>]) in
            var events: [InformerEvent<T>] = []
            for (key, object) in fresh {
                if let old = state.cache[key] {
                    if old.metadata.resourceVersion != object.metadata.resourceVersion { events.append(.updated(old: old, new: object)) }
                } else {
                    events.append(.added(object))
                }
            }
            for (key, old) in state.cache where fresh[key] == nil { events.append(.deleted(old)) }
            state.cache = fresh
            state.synced = true
            let waiters = state.waiters
            state.waiters = []
            return (events, state.handlers, waiters)
        }
        for event in events { for handler in handlers { handler(event) } }
        for waiter in waiters { waiter.resume() }
        return listed.resourceVersion
    }

    private func upsert(_ object: T) {
        let (event, handlers) = state.withLock { state -> (InformerEvent<T>, [Handler]) in
            let key = Self.key(object)
            let old = state.cache[key]
            state.cache[key] = object
            return (old.map { .updated(old: $0, new: object) } ?? .added(object), state.handlers)
        }
        for handler in handlers { handler(event) }
    }

    private func remove(_ object: T) {
        let handlers = state.withLock { state -> [Handler] in
            state.cache[Self.key(object)] = nil
            return state.handlers
        }
        for handler in handlers { handler(.deleted(object)) }
    }

    /// Tells handlers about every cached object again, so missed work is retried.
    public func resync() {
        let (objects, handlers) = state.withLock { (Array($0.cache.values), $0.handlers) }
        for object in objects { for handler in handlers { handler(.updated(old: object, new: object)) } }
    }
}
