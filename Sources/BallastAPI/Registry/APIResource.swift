public import Foundation

/// How a kind is served: its REST names and which subresources it has.
public struct ResourceInfo: Sendable, Hashable {
    public var gvk: GroupVersionKind
    /// The REST name: "persistentvolumeclaims".
    public var plural: String
    public var singular: String
    public var shortNames: [String]
    public var namespaced: Bool
    public var categories: [String]
    /// Whether the kind has a /status subresource.
    public var hasStatus: Bool
    /// Whether the kind has a /scale subresource (autoscaling/v1 Scale).
    public var hasScale: Bool

    public init(gvk: GroupVersionKind, plural: String, singular: String, shortNames: [String] = [], namespaced: Bool,
                categories: [String] = [], hasStatus: Bool = false, hasScale: Bool = false) {
        self.gvk = gvk
        self.plural = plural
        self.singular = singular
        self.shortNames = shortNames
        self.namespaced = namespaced
        self.categories = categories
        self.hasStatus = hasStatus
        self.hasScale = hasScale
    }

    public var group: String { gvk.group }
    public var version: String { gvk.version }
    public var kind: String { gvk.kind }
    public var listKind: String { gvk.kind + "List" }
    /// "persistentvolumeclaims" or "deployments.apps": the resource as errors name it.
    public var qualifiedName: String { gvk.group.isEmpty ? plural : "\(plural).\(gvk.group)" }
}

/// One column of server-side Table printing (meta.k8s.io/v1 TableColumnDefinition).
public struct TableColumn: Sendable, Equatable, Codable {
    public var name: String
    public var type: String
    public var format: String
    public var description: String
    public var priority: Int

    public init(_ name: String, type: String = "string", format: String = "", priority: Int = 0, description: String = "") {
        self.name = name
        self.type = type
        self.format = format
        self.priority = priority
        self.description = description.isEmpty ? name : description
    }

    /// The Name column every kind starts with.
    public static let name = TableColumn("Name", format: "name", description: "Name must be unique within a namespace.")
    /// The Age column, a human duration since creation.
    public static let age = TableColumn("Age", description: "CreationTimestamp is a timestamp representing the server time when this object was created.")
}

/// A kind the API server stores and serves, with the rules Kubernetes' registry strategy
/// applies to it: defaults, validation, what create and update may change, Table columns
/// and the fields a field selector can name.
///
/// Every requirement is pure: no I/O, no clock but the `now` it is given.
public protocol APIResource: KubernetesObject {
    static var resource: ResourceInfo { get }

    /// The rule a name must follow (most kinds: an RFC 1123 subdomain).
    static func nameProblems(_ name: String) -> [String]

    /// Fills in defaults, as the API server does on every write. Must be idempotent.
    mutating func applyDefaults()

    /// Checks a new object's kind-specific rules; errors name each bad field. The server
    /// checks ObjectMeta itself (ObjectMetaValidation), so kinds do not repeat it.
    func validate() -> [FieldError]

    /// Checks an update against the stored object (immutability rules live here).
    func validateUpdate(old: Self) -> [FieldError]

    /// Resets what a client may not set on create (usually status).
    mutating func prepareForCreate()

    /// Keeps what a write to the main resource may not change (usually status).
    mutating func prepareForUpdate(old: Self)

    /// Keeps what a write to /status may not change (spec and most metadata).
    mutating func prepareForStatusUpdate(old: Self)

    /// The Table columns after Name; `tableCells` returns one cell per column, Name first.
    static var tableColumns: [TableColumn] { get }

    /// Every Table column in the order Kubernetes prints them: Name then `tableColumns` for
    /// most kinds. Events are the exception (Name is their last, wide-only column), so the
    /// server builds Tables from this list, never from `tableColumns` alone.
    static var allTableColumns: [TableColumn] { get }

    /// One Table row: one cell per `allTableColumns` entry (Name first for most kinds).
    func tableCells(now: Date) -> [JSONValue]

    /// The fields a field selector may name, beyond metadata.name and metadata.namespace.
    /// Every supported field is present, with "" where the object leaves it unset.
    var selectableFields: [String: String] { get }

    /// Whether the spec changed (which bumps metadata.generation); nil for kinds without one.
    func specDiffers(from old: Self) -> Bool?

    /// How long a deletion waits before the object goes (pods on a node wait for their
    /// containers to stop); nil deletes at once. `requested` is DeleteOptions.gracePeriodSeconds.
    func deletionGracePeriod(requested: Int64?) -> Int64?

    /// Whether something in the object itself (a Namespace's spec.finalizers) keeps it
    /// after deletion is requested, as metadata.finalizers do.
    func holdsDeletion() -> Bool

    /// Changes the object once deletion is requested (a Namespace becomes Terminating).
    mutating func prepareForDeletion()
}

extension APIResource {
    public static func nameProblems(_ name: String) -> [String] { NameRules.dns1123Subdomain(name) }
    public mutating func applyDefaults() {}
    public func validate() -> [FieldError] { [] }
    public func validateUpdate(old: Self) -> [FieldError] { validate() }
    public mutating func prepareForCreate() {}
    public mutating func prepareForUpdate(old: Self) {}
    public mutating func prepareForStatusUpdate(old: Self) {
        let status = self
        self = old
        self.metadata = status.metadata
    }
    public static var tableColumns: [TableColumn] { [TableColumn.age] }
    public static var allTableColumns: [TableColumn] { [TableColumn.name] + tableColumns }
    public func tableCells(now: Date) -> [JSONValue] { [.string(name), .string(HumanDuration.since(metadata.creationTimestamp, now: now))] }
    public var selectableFields: [String: String] { [:] }
    public func specDiffers(from old: Self) -> Bool? { nil }
    public func deletionGracePeriod(requested: Int64?) -> Int64? { nil }
    public func holdsDeletion() -> Bool { false }
    public mutating func prepareForDeletion() {}
}

extension APIResource where Self: HasSpec {
    public func specDiffers(from old: Self) -> Bool? { spec != old.spec }
}

extension APIResource where Self: HasStatus {
    public mutating func prepareForCreate() { status = nil }
    public mutating func prepareForUpdate(old: Self) { status = old.status }
    public mutating func prepareForStatusUpdate(old: Self) {
        let status = self.status
        let labels = metadata.labels, annotations = metadata.annotations
        self = old
        self.status = status
        // Kubernetes keeps labels and annotations from a status write; nothing else.
        metadata.labels = labels
        metadata.annotations = annotations
    }
}

/// Kubernetes' human-readable durations ("45s", "3m2s", "5h", "12d"), as kubectl prints AGE.
public enum HumanDuration {
    public static func since(_ time: Time?, now: Date) -> String {
        guard let time else { return "<unknown>" }
        return format(now.timeIntervalSince(time.date))
    }

    /// duration.HumanDuration from apimachinery.
    public static func format(_ interval: TimeInterval) -> String {
        let seconds = Int(interval.rounded(.down))
        if seconds < -1 { return "<invalid>" }
        if seconds < 0 { return "0s" }
        if seconds < 60 * 2 { return "\(seconds)s" }
        let minutes = seconds / 60
        if minutes < 10 {
            let s = seconds % 60
            return s == 0 ? "\(minutes)m" : "\(minutes)m\(s)s"
        }
        if minutes < 60 * 3 { return "\(minutes)m" }
        let hours = minutes / 60
        if hours < 8 {
            let m = minutes % 60
            return m == 0 ? "\(hours)h" : "\(hours)h\(m)m"
        }
        if hours < 48 { return "\(hours)h" }
        if hours < 24 * 8 {
            let h = hours % 24
            return h == 0 ? "\(hours / 24)d" : "\(hours / 24)d\(h)h"
        }
        if hours < 24 * 365 * 2 { return "\(hours / 24)d" }
        if hours < 24 * 365 * 8 {
            let d = (hours / 24) % 365
            return d == 0 ? "\(hours / 24 / 365)y" : "\(hours / 24 / 365)y\(d)d"
        }
        return "\(hours / 24 / 365)y"
    }
}
