import Dispatch
import Synchronization
internal import Logging

/// The default ObjectStore: every object in one SQLite file (WAL, synchronous=FULL) and in
/// memory, so reads never touch the disk.
///
/// Writes go to one serial writer that commits whatever has queued up in a single
/// transaction (group commit), so concurrent writers share an fsync. A write's call returns
/// only after its transaction is durable.
public final class SQLiteStore: ObjectStore {
    /// Computes what a stored document's resource indexes on, when the store reloads it.
    public typealias Indexer = @Sendable (_ resource: String, _ data: [UInt8]) -> RenderedObject?

    private let memory: Mutex<MemoryState>
    private let writer: CommitQueue

    /// Opens (creating if needed) the store at `path`.
    /// - Parameters:
    ///   - eventWindow: how many recent changes a watch can resume from.
    ///   - indexer: recomputes uid, labels and selectable fields of stored documents.
    public init(path: String, eventWindow: Int = 50_000, indexer: @escaping Indexer) throws(StoreError) {
        let database: SQLiteDatabase
        var state: MemoryState
        do {
            database = try SQLiteDatabase(path: path)
            try database.execute("PRAGMA journal_mode=WAL")
            try database.execute("PRAGMA synchronous=FULL")
            try database.execute(
                """
                CREATE TABLE IF NOT EXISTS objects (
                  resource TEXT NOT NULL, namespace TEXT NOT NULL, name TEXT NOT NULL,
                  revision INTEGER NOT NULL, data BLOB NOT NULL,
                  PRIMARY KEY (resource, namespace, name)) WITHOUT ROWID;
                CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
                INSERT OR IGNORE INTO meta (key, value) VALUES ('revision', 0), ('schema', 1);
                """)
            var revision: Int64 = 0
            try database.query("SELECT value FROM meta WHERE key = 'revision'") { row in revision = row.integer(0) }
            state = MemoryState(revision: revision, windowCapacity: eventWindow)
            try database.query("SELECT resource, namespace, name, revision, data FROM objects") { row in
                let key = ObjectKey(resource: row.text(0), namespace: row.text(1), name: row.text(2))
                let data = row.blob(4)
                let index = indexer(key.resource, data) ?? RenderedObject(uid: "", data: data, labels: [:], fields: [:])
                state.put(StoredObject(key: key, revision: row.integer(3), uid: index.uid, data: data,
                                       labels: index.labels, fields: index.fields))
            }
        } catch let error as SQLiteError {
            throw .storage(error.description)
        } catch {
            throw .storage("\(error)")
        }
        memory = Mutex(state)
        writer = CommitQueue(database: database)
    }

    public var currentRevision: Int64 { memory.withLock { $0.revision } }

    public var oldestWatchableRevision: Int64 { memory.withLock { $0.oldestWatchable } }

    public func get(_ key: ObjectKey) -> StoredObject? {
        memory.withLock { $0.objects[key.resource]?[key] }
    }

    public func list(resource: String, namespace: String?) -> ListResult {
        let (items, revision) = memory.withLock { state -> ([StoredObject], Int64) in
            let all = state.objects[resource] ?? [:]
            if let namespace {
                return (all.values.filter { $0.key.namespace == namespace }, state.revision)
            }
            return (Array(all.values), state.revision)
        }
        return ListResult(items: items.sorted { $0.key < $1.key }, revision: revision)
    }

    public func create(_ key: ObjectKey, render: @escaping Renderer) async throws(StoreError) -> StoredObject {
        try await submit(Write(operation: .create, key: key, expectedRevision: nil, render: render))
    }

    public func update(_ key: ObjectKey, expectedRevision: Int64, render: @escaping Renderer) async throws(StoreError) -> StoredObject {
        try await submit(Write(operation: .update, key: key, expectedRevision: expectedRevision, render: render))
    }

    public func delete(_ key: ObjectKey, expectedRevision: Int64?, render: @escaping Renderer) async throws(StoreError) -> StoredObject {
        try await submit(Write(operation: .delete, key: key, expectedRevision: expectedRevision, render: render))
    }

    public func watch(resource: String, namespace: String?, after revision: Int64) throws(StoreError) -> WatchStream {
        try memory.withLock { state throws(StoreError) -> WatchStream in
            try state.addWatcher(resource: resource, namespace: namespace, after: revision, store: self)
        }
    }

    func removeWatcher(_ id: Int) {
        memory.withLock { state in state.removeWatcher(id) }
    }

    /// Ends every open watch (its stream finishes; the client resumes elsewhere or later)
    /// while writes go on: a stopping server's requests then finish by themselves.
    public func finishWatches() {
        memory.withLock { state in state.finishAllWatchers() }
    }

    /// Stops accepting writes and closes every watch.
    public func close() {
        writer.close()
        memory.withLock { state in state.finishAllWatchers() }
    }

    private func submit(_ write: Write) async throws(StoreError) -> StoredObject {
        let result = await withCheckedContinuation { (continuation: CheckedContinuation<Result<StoredObject, StoreError>, Never>) in
            writer.enqueue(write, store: self) { continuation.resume(returning: $0) }
        }
        return try result.get()
    }

    /// Decides a batch against the in-memory state, commits it, then publishes it. Runs only
    /// on the writer's queue, so the revision cannot move underneath it.
    fileprivate func commit(_ batch: [PendingWrite], database: SQLiteDatabase) {
        var revision = currentRevision
        var overlay: [ObjectKey: StoredObject?] = [:]
        var accepted: [(PendingWrite, StoreEvent)] = []
        var results: [(PendingWrite, Result<StoredObject, StoreError>)] = []

        for pending in batch {
            let write = pending.write
            let current: StoredObject? = overlay[write.key] ?? get(write.key)
            switch (write.operation, current) {
            case (.create, .some):
                results.append((pending, .failure(.alreadyExists(write.key))))
                continue
            case (.update, nil), (.delete, nil):
                results.append((pending, .failure(.notFound(write.key))))
                continue
            case (.update, .some(let existing)), (.delete, .some(let existing)):
                if let expected = write.expectedRevision, expected != existing.revision {
                    results.append((pending, .failure(.conflict(write.key, currentRevision: existing.revision))))
                    continue
                }
            case (.create, nil):
                break
            }
            revision += 1
            let rendered = write.render(revision)
            let object = StoredObject(key: write.key, revision: revision, uid: rendered.uid, data: rendered.data,
                                      labels: rendered.labels, fields: rendered.fields)
            let kind: StoreEvent.Kind = write.operation == .create ? .added : (write.operation == .update ? .modified : .deleted)
            overlay[write.key] = write.operation == .delete ? .some(nil) : .some(object)
            accepted.append((pending, StoreEvent(kind: kind, object: object, previous: current)))
        }

        if !accepted.isEmpty {
            do {
                try database.execute("BEGIN IMMEDIATE")
                for (_, event) in accepted {
                    let key = event.object.key
                    if event.kind == .deleted {
                        try database.run("DELETE FROM objects WHERE resource = ?1 AND namespace = ?2 AND name = ?3",
                                         [.text(key.resource), .text(key.namespace), .text(key.name)])
                    } else {
                        try database.run(
                            "INSERT OR REPLACE INTO objects (resource, namespace, name, revision, data) VALUES (?1, ?2, ?3, ?4, ?5)",
                            [.text(key.resource), .text(key.namespace), .text(key.name), .integer(event.revision), .blob(event.object.data)])
                    }
                }
                try database.run("UPDATE meta SET value = ?1 WHERE key = 'revision'", [.integer(revision)])
                try database.execute("COMMIT")
            } catch {
                try? database.execute("ROLLBACK")
                let failure = StoreError.storage("\(error)")
                for (pending, _) in accepted { pending.complete(.failure(failure)) }
                for (pending, result) in results { pending.complete(result) }
                return
            }
            let events = accepted.map(\.1)
            memory.withLock { state in state.publish(events, revision: revision) }
        }
        for (pending, event) in accepted { pending.complete(.success(event.object)) }
        for (pending, result) in results { pending.complete(result) }
    }
}

/// One requested write.
struct Write: Sendable {
    enum Operation: Sendable { case create, update, delete }
    var operation: Operation
    var key: ObjectKey
    var expectedRevision: Int64?
    var render: Renderer
}

struct PendingWrite: Sendable {
    var write: Write
    var complete: @Sendable (Result<StoredObject, StoreError>) -> Void
}

/// The single writer: a serial queue that owns the database connection and drains queued
/// writes in batches.
final class CommitQueue: Sendable {
    private let queue = DispatchQueue(label: "ballast.store.writer")
    private let pending = Mutex<(writes: [PendingWrite], scheduled: Bool, closed: Bool)>(([], false, false))
    // The connection is touched only on `queue`; the box makes that ownership explicit.
    private let database: DatabaseBox

    init(database: SQLiteDatabase) {
        self.database = DatabaseBox(database)
    }

    func enqueue(_ write: Write, store: SQLiteStore, completion: @escaping @Sendable (Result<StoredObject, StoreError>) -> Void) {
        let schedule = pending.withLock { state -> Bool? in
            if state.closed { return nil }
            state.writes.append(PendingWrite(write: write, complete: completion))
            if state.scheduled { return false }
            state.scheduled = true
            return true
        }
        guard let schedule else {
            completion(.failure(.closed))
            return
        }
        if schedule {
            queue.async { [self] in drain(store: store) }
        }
    }

    private func drain(store: SQLiteStore) {
        while true {
            let batch = pending.withLock { state -> [PendingWrite] in
                let batch = state.writes
                state.writes = []
                if batch.isEmpty { state.scheduled = false }
                return batch
            }
            if batch.isEmpty { return }
            store.commit(batch, database: database.value)
        }
    }

    func close() {
        let stranded = pending.withLock { state -> [PendingWrite] in
            state.closed = true
            let writes = state.writes
            state.writes = []
            return writes
        }
        for write in stranded { write.complete(.failure(.closed)) }
        queue.sync {}
    }
}

/// Holds the connection that only the writer queue uses.
final class DatabaseBox: @unchecked Sendable {
    // Safe because every access happens on CommitQueue's serial queue.
    let value: SQLiteDatabase
    init(_ value: SQLiteDatabase) { self.value = value }
}
