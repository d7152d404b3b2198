/// Server-side apply (`application/apply-patch+yaml`) and the field ownership that every
/// write records in `metadata.managedFields`.
///
/// A simplification of structured-merge-diff, faithful where kubectl can see it: fields
/// are owned per manager (FieldsV1 paths; merge-list elements by key, atomic lists whole);
/// an apply conflicts on fields another manager owns and whose value it would change; it
/// removes the fields its manager applied last time but no longer does, unless someone
/// else owns them; it merges with strategic-merge-patch rules.
public enum ServerSideApply {
    /// An object after a write, with the managed fields that go with it.
    public struct Result: Sendable, Equatable {
        /// The new object. Its `metadata.managedFields` is already `managedFields` (absent
        /// when empty).
        public var object: JSONValue
        /// The new managed fields, in upstream's order.
        public var managedFields: [ManagedFieldsEntry]

        /// A result from its parts.
        public init(object: JSONValue, managedFields: [ManagedFieldsEntry]) {
            self.object = object
            self.managedFields = managedFields
        }
    }

    /// Applies `applied`, the request body, to `live` for `manager`.
    ///
    /// - Parameters:
    ///   - live: the stored object, or nil when the apply creates it.
    ///   - applied: the applied configuration; it must be an object without managedFields.
    ///   - manager: the `fieldManager` query parameter ("kubectl").
    ///   - force: `force=true`: take conflicting fields instead of failing.
    ///   - managedFields: the live object's managed fields (see `managedFields(of:)`). When a
    ///     live object has none, upstream's rule applies: a manager "before-first-apply" owns
    ///     everything it has.
    ///   - subresource: nil for the main resource (status is never owned), "status" for
    ///     /status (only status is owned).
    ///   - now: the time written on this manager's entry.
    /// - Throws: `PatchError.conflicts` listing each field another manager owns and this
    ///   apply would change (unless `force`); `PatchError.badRequest` for a body that is not
    ///   an object or that sets managedFields; `PatchError.invalid` when it cannot merge.
    public static func apply(
        live: JSONValue?, applied: JSONValue, manager: String, force: Bool, managedFields: [ManagedFieldsEntry],
        schema: PatchSchema = .kubernetes, subresource: String? = nil, now: Time
    ) throws(PatchError) -> Result {
        guard case .object(let config) = applied else { throw .badRequest("apply patch must be a JSON object") }
        switch applied[path: ["metadata", "managedFields"]] {
        case nil, .null?, .array([])?: break
        default: throw .badRequest("metadata.managedFields must be nil")
        }
        let scope = FieldSet.Scope(subresource: subresource)
        var table = ManagedFields(managedFields)
        if let live, table.managers.isEmpty {
            // Upstream's rule for objects written before field tracking: a pseudo-manager
            // owns everything they hold, so an apply cannot silently overwrite it.
            let apiVersion = live["apiVersion"]?.stringValue
            let identity = ManagedFields.Identity(manager: "before-first-apply", operation: "Update", subresource: subresource, apiVersion: apiVersion)
            let entry = ManagedFields.entry(for: identity, apiVersion: apiVersion, time: nil)
            table.managers.append(.init(entry: entry, fields: FieldSet(of: live, schema: schema, scope: scope)))
        }

        let identity = ManagedFields.Identity(manager: manager, operation: "Apply", subresource: subresource, apiVersion: nil)
        let mine = table.index(of: identity)
        let appliedFields = FieldSet(of: applied, schema: schema, scope: scope)
        let previous = mine.map { table.managers[$0].fields } ?? FieldSet()

        try settleConflicts(applied: applied, fields: appliedFields, live: live, table: &table, applier: identity, force: force, schema: schema)

        var object = live ?? .object([:])
        let others = table.managers.filter { $0.identity != identity }.reduce(FieldSet()) { $0.union($1.fields) }
        let wanted = appliedFields.union(others)
        for path in previous.subtracting(appliedFields).sorted where !others.containsAny(under: path) {
            object.remove(at: path) { wanted.containsAny(under: $0) }
        }
        guard case .object(let base) = object else { throw .invalid("the live object is not a JSON object") }
        let merger = StrategicMerger(schema: schema, replacesAtomicObjects: true)
        object = .object(try merger.mergeObject(base, config, parent: nil))

        let apiVersion = applied["apiVersion"]?.stringValue ?? live?["apiVersion"]?.stringValue
        let unchanged = live.map { stripped($0) == stripped(object) } ?? false
        if let mine {
            table.managers[mine].fields = appliedFields
            table.managers[mine].entry.apiVersion = apiVersion
            if !(unchanged && previous == appliedFields) { table.managers[mine].entry.time = now }
        } else {
            table.managers.append(.init(entry: ManagedFields.entry(for: identity, apiVersion: apiVersion, time: now), fields: appliedFields))
        }
        table.forgetFieldsMissing(from: object)
        return finish(object, table)
    }

    /// Finds the fields other managers own that this apply would change; throws them
    /// unless `force`, in which case they move to the applier.
    private static func settleConflicts(
        applied: JSONValue, fields: FieldSet, live: JSONValue?, table: inout ManagedFields, applier: ManagedFields.Identity,
        force: Bool, schema: PatchSchema
    ) throws(PatchError) {
        var conflicts: [ApplyConflict] = []
        var taken: [(index: Int, fields: FieldSet)] = []
        for (index, other) in table.managers.enumerated() where other.identity != applier {
            let contested = other.fields.intersection(fields).filter {
                ManagedFields.differs(at: $0, live, applied, schema: schema)
            }
            guard !contested.isEmpty else { continue }
            taken.append((index, contested))
            for path in contested.sorted {
                conflicts.append(ApplyConflict(manager: other.identity.manager, operation: other.identity.operation,
                                               apiVersion: other.entry.apiVersion, subresource: other.identity.subresource,
                                               field: FieldSet.description(of: path)))
            }
        }
        guard !conflicts.isEmpty else { return }
        guard force else { throw .conflicts(conflicts) }
        for (index, lost) in taken {
            table.managers[index].fields = table.managers[index].fields.subtracting(lost)
        }
    }

    /// `object` without its managed fields, for telling whether a write changed anything.
    static func stripped(_ object: JSONValue) -> JSONValue {
        guard case .object(var members) = object, case .object(var metadata)? = members["metadata"] else { return object }
        metadata.removeValue(forKey: "managedFields")
        members["metadata"] = .object(metadata)
        return .object(members)
    }

    /// Writes the table into the object's metadata and returns both.
    static func finish(_ object: JSONValue, _ table: ManagedFields) -> Result {
        let entries = table.entries
        guard case .object(var members) = object else { return Result(object: object, managedFields: entries) }
        var metadata = members["metadata"]?.objectValue ?? [:]
        if entries.isEmpty {
            metadata.removeValue(forKey: "managedFields")
        } else {
            metadata["managedFields"] = APICodec.encodeValue(entries)
        }
        members["metadata"] = .object(metadata)
        return Result(object: .object(members), managedFields: entries)
    }
}
