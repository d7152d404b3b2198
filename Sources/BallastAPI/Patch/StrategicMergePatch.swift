/// Strategic merge patch (`application/strategic-merge-patch+json`): what client-side
/// `kubectl apply`, `edit`, `set image`, `patch` and `rollout restart/pause/resume` send for
/// built-in kinds.
///
/// It is a JSON merge patch that knows, from a `PatchSchema`, which lists merge element by
/// element, plus the directives kubectl writes:
/// - `{"$patch": "delete", <key>: v}` in a merge list removes that element;
/// - `{"$patch": "replace"}` replaces a map, or (as a list element) the whole list;
///   `{"$patch": "delete"}` empties a map; `{"$patch": "merge"}` is the default;
/// - `"$setElementOrder/<field>": [...]` orders the merged list;
/// - `"$deleteFromPrimitiveList/<field>": [...]` removes values from a set list;
/// - `"$retainKeys": [...]` drops the target's keys that are not listed.
/// No `$` key is ever left in the result. Semantics follow apimachinery's strategicpatch
/// (`StrategicMergeMapPatch`), including where new merge-list elements land.
public enum StrategicMergePatch {
    /// Applies `patch`, which must be an object, to `target` (an object, or null for none).
    ///
    /// - Throws: `PatchError.badRequest` for a malformed patch or directive,
    ///   `PatchError.invalid` for a patch that does not fit the target (a merge-list element
    ///   without its key, an unknown `$patch` value).
    public static func apply(_ patch: JSONValue, to target: JSONValue, schema: PatchSchema = .kubernetes) throws(PatchError) -> JSONValue {
        guard case .object(let patchMembers) = patch else {
            throw .badRequest("json: cannot unmarshal \(JSONPatch.goTypeName(patch)) into Go value of type map[string]interface {}")
        }
        let original: [String: JSONValue]
        switch target {
        case .object(let members): original = members
        case .null: original = [:]
        default: throw .invalid("expected a map[string]interface {}, but received a \(JSONPatch.goTypeName(target))")
        }
        let merger = StrategicMerger(schema: schema)
        return .object(try merger.mergeObject(original, patchMembers, parent: nil))
    }
}
