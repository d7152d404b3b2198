import BallastAPI

/// metadata.managedFields bookkeeping for every write, over the patch engine's
/// server-side apply: creates and updates are recorded as "Update" operations of their
/// field manager; applies go through conflict detection.
enum FieldManagement {
    /// The managed fields of a newly created object.
    static func created(_ object: JSONValue, manager: String, now: Time) -> [ManagedFieldsEntry]? {
        let result = ServerSideApply.recordUpdate(old: nil, new: object, manager: manager, managedFields: [], now: now)
        return result.managedFields.isEmpty ? nil : result.managedFields
    }

    /// The managed fields after `manager` changed `old` into `new`.
    static func updated(old: JSONValue, new: JSONValue, manager: String, subresource: String?, managedFields: [ManagedFieldsEntry]?,
                        now: Time) -> [ManagedFieldsEntry]? {
        let result = ServerSideApply.recordUpdate(old: old, new: new, manager: manager, managedFields: managedFields ?? [],
                                                  subresource: subresource, now: now)
        return result.managedFields.isEmpty ? nil : result.managedFields
    }

    /// A server-side apply of `config` onto `live` (nil: create); 409 with one cause per
    /// conflicting field unless `force`.
    static func apply(config: JSONValue, live: JSONValue?, manager: String, force: Bool, subresource: String?,
                      managedFields: [ManagedFieldsEntry], now: Time, resource: ResourceInfo,
                      name: String) throws(APIError) -> (object: JSONValue, managedFields: [ManagedFieldsEntry]) {
        do {
            let result = try ServerSideApply.apply(live: live, applied: config, manager: manager, force: force,
                                                   managedFields: managedFields, subresource: subresource, now: now)
            return (result.object, result.managedFields)
        } catch {
            throw apiError(error, resource: resource, name: name)
        }
    }

    static func apiError(_ error: PatchError, resource: ResourceInfo, name: String) -> APIError {
        switch error {
        case .conflicts:
            return APIError(code: 409, reason: "Conflict", message: error.description,
                            details: StatusDetails(name: name, group: resource.group.isEmpty ? nil : resource.group, kind: resource.plural,
                                                   causes: error.causes))
        case .badRequest(let message):
            return APIError.badRequest(message)
        case .invalid(let message):
            return APIError.unprocessable(message)
        }
    }
}
