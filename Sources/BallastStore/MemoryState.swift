import Dispatch

/// The store's in-memory state: every object, the recent-change window and the watchers.
/// Guarded by the store's mutex.
struct MemoryState {
    var revision: Int64
    var objects: [String: [ObjectKey: StoredObject]] = [:]
    private var window: EventWindow
    private var watchers: [String: [Int: Watcher]] = [:]
    private var nextWatcherID = 0

    /// How many undelivered events a watcher may have before it is dropped.
    static let watcherBacklog = 100_000

    struct Watcher {
        var namespace: String?
        var continuation: WatchStream.Continuation
    }

    init(revision: Int64, windowCapacity: Int) {
        self.revision = revision
        self.window = EventWindow(capacity: windowCapacity)
    }

    var oldestWatchable: Int64 {
        guard let first = window.firstRevision else { return revision }
        return first - 1
    }

    mutating func put(_ object: StoredObject) {
        objects[object.key.resource, default: [:]][object.key] = object
    }

    mutating func publish(_ events: [StoreEvent], revision: Int64) {
        for event in events {
            if event.kind == .deleted {
                objects[event.object.key.resource]?[event.object.key] = nil
            } else {
                put(event.object)
            }
            window.append(event)
            deliver(event)
        }
        self.revision = revision
    }

    private mutating func deliver(_ event: StoreEvent) {
        guard let interested = watchers[event.object.key.resource] else { return }
        var slow: [Int] = []
        for (id, watcher) in interested {
            if let namespace = watcher.namespace, namespace != event.object.key.namespace { continue }
            if case .dropped = watcher.continuation.yield(event) { slow.append(id) }
        }
        for id in slow {
            watchers[event.object.key.resource]?[id]?.continuation.finish(throwing: StoreError.watcherTooSlow)
            watchers[event.object.key.resource]?[id] = nil
        }
    }

    mutating func addWatcher(resource: String, namespace: String?, after: Int64, store: SQLiteStore) throws(StoreError) -> WatchStream {
        if after < oldestWatchable { throw .expired(requested: after, oldest: oldestWatchable) }
        let id = nextWatcherID
        nextWatcherID += 1
        let (stream, continuation) = WatchStream.makeStream(bufferingPolicy: .bufferingOldest(MemoryState.watcherBacklog))
        // Termination can fire inside `finish` while the state lock is held, so the removal
        // runs later, off this thread; removing an already removed watcher is harmless.
        continuation.onTermination = { [weak store] _ in
            guard let store else { return }
            DispatchQueue.global().async { store.removeWatcher(id) }
        }
        for event in window.events(after: after) where event.object.key.resource == resource {
            if let namespace, namespace != event.object.key.namespace { continue }
            continuation.yield(event)
        }
        watchers[resource, default: [:]][id] = Watcher(namespace: namespace, continuation: continuation)
        return stream
    }

    mutating func removeWatcher(_ id: Int) {
        for resource in watchers.keys { watchers[resource]?[id] = nil }
    }

    mutating func finishAllWatchers() {
        for (_, byID) in watchers {
            for (_, watcher) in byID { watcher.continuation.finish() }
        }
        watchers = [:]
    }

    func testOnly_verifyInvariants() -> Bool { window.testOnly_verifyInvariants() }
}
