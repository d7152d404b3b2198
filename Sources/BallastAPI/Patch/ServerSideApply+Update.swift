extension ServerSideApply {
    /// Records a non-apply write (create, update, any other patch) in the managed fields:
    /// `manager` comes to own every field the write added or changed, other managers lose
    /// those fields, everyone loses the fields the object no longer has, and managers left
    /// with nothing are dropped. Update writes never conflict.
    ///
    /// - Parameters:
    ///   - old: the object before the write, nil for a create.
    ///   - new: the object the write stores.
    ///   - manager: the `fieldManager` query parameter, or the name the server derives
    ///     from the user agent when there is none ("kubectl", "kube-controller-manager").
    ///   - operation: "Update" (upstream uses nothing else here).
    ///   - managedFields: the managed fields of `old`.
    ///   - subresource: nil for the main resource, "status" for /status.
    ///   - now: the time written on this manager's entry when it changed.
    public static func recordUpdate(
        old: JSONValue?, new: JSONValue, manager: String, operation: String = "Update", managedFields: [ManagedFieldsEntry],
        schema: PatchSchema = .kubernetes, subresource: String? = nil, now: Time
    ) -> Result {
        let scope = FieldSet.Scope(subresource: subresource)
        var table = ManagedFields(managedFields)
        let apiVersion = new["apiVersion"]?.stringValue ?? old?["apiVersion"]?.stringValue
        let changed = FieldSet(of: new, schema: schema, scope: scope).filter {
            ManagedFields.differs(at: $0, old, new, schema: schema)
        }
        let identity = ManagedFields.Identity(manager: manager, operation: operation, subresource: subresource, apiVersion: apiVersion)
        for index in table.managers.indices where table.managers[index].identity != identity {
            table.managers[index].fields = table.managers[index].fields.subtracting(changed)
        }
        if let mine = table.index(of: identity) {
            table.managers[mine].fields = table.managers[mine].fields.union(changed)
            if !changed.isEmpty { table.managers[mine].entry.time = now }
        } else if !changed.isEmpty {
            table.managers.append(.init(entry: ManagedFields.entry(for: identity, apiVersion: apiVersion, time: now), fields: changed))
        }
        table.forgetFieldsMissing(from: new)
        return finish(new, table)
    }

    /// The managed fields stored in an object's `metadata.managedFields`; entries that do
    /// not decode are skipped.
    public static func managedFields(of object: JSONValue) -> [ManagedFieldsEntry] {
        guard case .array(let items)? = object[path: ["metadata", "managedFields"]] else { return [] }
        return items.compactMap { try? APICodec.decode(ManagedFieldsEntry.self, from: $0) }
    }
}
