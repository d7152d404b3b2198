/// Where an object lives: its resource ("pods", "deployments.apps"), namespace ("" for
/// cluster-scoped kinds) and name.
public struct ObjectKey: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var resource: String
    public var namespace: String
    public var name: String

    public init(resource: String, namespace: String, name: String) {
        self.resource = resource
        self.namespace = namespace
        self.name = name
    }

    public static func < (lhs: ObjectKey, rhs: ObjectKey) -> Bool {
        (lhs.resource, lhs.namespace, lhs.name) < (rhs.resource, rhs.namespace, rhs.name)
    }

    public var description: String { namespace.isEmpty ? "\(resource)/\(name)" : "\(resource)/\(namespace)/\(name)" }
}

/// What the store keeps for an object: its encoded JSON (with resourceVersion set to
/// `revision`) and the facts it filters and indexes by, computed once when it was written.
public struct StoredObject: Sendable {
    public var key: ObjectKey
    /// The revision of the write that produced this state: its resourceVersion.
    public var revision: Int64
    public var uid: String
    public var data: [UInt8]
    public var labels: [String: String]
    /// Selectable fields (field selectors), metadata.name and metadata.namespace included.
    public var fields: [String: String]

    public init(key: ObjectKey, revision: Int64, uid: String, data: [UInt8], labels: [String: String], fields: [String: String]) {
        self.key = key
        self.revision = revision
        self.uid = uid
        self.data = data
        self.labels = labels
        self.fields = fields
    }
}

/// An object's state as a writer renders it once the store has chosen its revision.
public struct RenderedObject: Sendable {
    public var uid: String
    public var data: [UInt8]
    public var labels: [String: String]
    public var fields: [String: String]

    public init(uid: String, data: [UInt8], labels: [String: String], fields: [String: String]) {
        self.uid = uid
        self.data = data
        self.labels = labels
        self.fields = fields
    }
}

/// Renders an object at the revision the store assigns to the write.
public typealias Renderer = @Sendable (_ revision: Int64) -> RenderedObject

/// One change, as watchers see it.
public struct StoreEvent: Sendable {
    public enum Kind: Sendable, Equatable { case added, modified, deleted }

    public var kind: Kind
    /// The new state (for a deletion: the last state, at the deletion's revision).
    public var object: StoredObject
    /// The state before this change (nil for an addition), so a filtered watch can tell
    /// "stopped matching" from "changed".
    public var previous: StoredObject?

    public var revision: Int64 { object.revision }
}

/// Why a store operation failed.
public enum StoreError: Error, Sendable, Equatable {
    case alreadyExists(ObjectKey)
    case notFound(ObjectKey)
    /// The object changed since the caller read it (optimistic concurrency).
    case conflict(ObjectKey, currentRevision: Int64)
    /// A watch asked for history older than the store keeps.
    case expired(requested: Int64, oldest: Int64)
    /// The watcher fell too far behind and was dropped; it should resume from its last revision.
    case watcherTooSlow
    /// The backing storage failed; nothing was applied.
    case storage(String)
    case closed
}

/// The state of one resource at one revision.
public struct ListResult: Sendable {
    /// Items sorted by namespace, then name.
    public var items: [StoredObject]
    public var revision: Int64

    public init(items: [StoredObject], revision: Int64) {
        self.items = items
        self.revision = revision
    }
}

/// A stream of changes; ends with `StoreError.watcherTooSlow` if the consumer lags, or
/// when the consumer stops iterating.
public typealias WatchStream = AsyncThrowingStream<StoreEvent, any Error>

/// The durable object store behind the API server: one global revision, optimistic
/// concurrency, and watches that replay from any revision in a retained window.
///
/// Every write is durable when its call returns. Writes are linearised: revisions are
/// assigned in the order writes take effect.
public protocol ObjectStore: Sendable {
    /// The revision of the last write.
    var currentRevision: Int64 { get }

    /// The object at `key`, or nil.
    func get(_ key: ObjectKey) -> StoredObject?

    /// Every object of `resource` (in `namespace`, or in all when nil).
    func list(resource: String, namespace: String?) -> ListResult

    /// Creates the object at `key`; throws `alreadyExists` if one is there.
    func create(_ key: ObjectKey, render: @escaping Renderer) async throws(StoreError) -> StoredObject

    /// Replaces the object at `key` if its revision is still `expectedRevision`.
    /// - Throws: `notFound`, or `conflict` when the object changed meanwhile.
    func update(_ key: ObjectKey, expectedRevision: Int64, render: @escaping Renderer) async throws(StoreError) -> StoredObject

    /// Removes the object at `key` if its revision is still `expectedRevision` (any revision
    /// when nil). `render` gives the final state that watchers see in the DELETED event.
    func delete(_ key: ObjectKey, expectedRevision: Int64?, render: @escaping Renderer) async throws(StoreError) -> StoredObject

    /// Changes to `resource` (in `namespace`, or all when nil) after `revision`, then live.
    /// - Throws: `expired` when `revision` is older than the retained window.
    func watch(resource: String, namespace: String?, after revision: Int64) throws(StoreError) -> WatchStream

    /// The oldest revision a watch may still start after.
    var oldestWatchableRevision: Int64 { get }
}
