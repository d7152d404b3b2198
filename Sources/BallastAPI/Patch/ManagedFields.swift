import Foundation

/// The managers of an object with their field sets decoded: what server-side apply and
/// update tracking work on between reading and writing `metadata.managedFields`.
struct ManagedFields: Sendable {
    /// What makes two entries the same manager, as upstream's BuildManagerIdentifier: the
    /// name, the operation, the subresource, and for Update managers the API version.
    struct Identity: Hashable, Sendable {
        var manager: String
        var operation: String
        var subresource: String?
        var apiVersion: String?

        init(manager: String, operation: String, subresource: String?, apiVersion: String?) {
            self.manager = manager
            self.operation = operation
            self.subresource = subresource?.isEmpty == true ? nil : subresource
            self.apiVersion = operation == "Apply" ? nil : apiVersion
        }

        init(_ entry: ManagedFieldsEntry) {
            self.init(manager: entry.manager ?? "", operation: entry.operation ?? "", subresource: entry.subresource, apiVersion: entry.apiVersion)
        }
    }

    struct Manager: Sendable {
        var entry: ManagedFieldsEntry
        var fields: FieldSet
        var identity: Identity { Identity(entry) }
    }

    var managers: [Manager]

    init(_ entries: [ManagedFieldsEntry]) {
        var managers: [Manager] = []
        for entry in entries {
            let fields = FieldSet(fieldsV1: entry.fieldsV1 ?? .object([:]))
            if let index = managers.firstIndex(where: { $0.identity == Identity(entry) }) {
                managers[index].fields = managers[index].fields.union(fields)
            } else {
                managers.append(Manager(entry: entry, fields: fields))
            }
        }
        self.managers = managers
    }

    func index(of identity: Identity) -> Int? { managers.firstIndex { $0.identity == identity } }

    /// A new, empty entry for `identity`.
    static func entry(for identity: Identity, apiVersion: String?, time: Time?) -> ManagedFieldsEntry {
        ManagedFieldsEntry(manager: identity.manager, operation: identity.operation, apiVersion: apiVersion, time: time,
                           fieldsType: "FieldsV1", subresource: identity.subresource)
    }

    /// Forgets, for every manager, the fields `object` no longer has.
    mutating func forgetFieldsMissing(from object: JSONValue) {
        for index in managers.indices {
            managers[index].fields = managers[index].fields.filter { object.value(at: $0) != nil }
        }
    }

    /// The entries to store: empty managers dropped, in upstream's order (operation, then
    /// time, then manager name, API version and subresource).
    var entries: [ManagedFieldsEntry] {
        managers.filter { !$0.fields.isEmpty }
            .map { manager in
                var entry = manager.entry
                entry.fieldsType = "FieldsV1"
                entry.fieldsV1 = manager.fields.fieldsV1
                return entry
            }
            .sorted { p, q in
                if p.operation != q.operation { return (p.operation ?? "") < (q.operation ?? "") }
                let pSeconds = p.time.map { Int64($0.date.timeIntervalSince1970.rounded(.down)) } ?? 0
                let qSeconds = q.time.map { Int64($0.date.timeIntervalSince1970.rounded(.down)) } ?? 0
                if pSeconds != qSeconds { return pSeconds < qSeconds }
                if p.manager != q.manager { return (p.manager ?? "") < (q.manager ?? "") }
                if p.apiVersion != q.apiVersion { return (p.apiVersion ?? "") < (q.apiVersion ?? "") }
                return (p.subresource ?? "") < (q.subresource ?? "")
            }
    }

    /// Whether a value changed at `path` between two versions of an object. A merge-list
    /// element or a non-atomic object counts as changed only when it appears or disappears:
    /// what changed inside it is recorded at its own fields.
    static func differs(at path: FieldSet.Path, _ before: JSONValue?, _ after: JSONValue?, schema: PatchSchema) -> Bool {
        let old = before?.value(at: path)
        let new = after?.value(at: path)
        guard let old, let new else { return (old == nil) != (new == nil) }
        if case .key? = path.last { return false }
        if case .object(let members) = new, !members.isEmpty, case .object = old,
            case .field(let name)? = path.last, !schema.isAtomicObject(name)
        {
            return false
        }
        return old != new
    }
}
