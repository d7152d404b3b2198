/// JSON merge patch (RFC 7386, `application/merge-patch+json`): what `kubectl label`,
/// `annotate`, `scale` and `patch --type=merge` send.
public enum MergePatch {
    /// Applies `patch` to `target`. Objects merge key by key, `null` deletes a key, and any
    /// other patch value (a scalar, an array, a non-object patch) replaces what was there.
    ///
    /// Like evanphx/json-patch, which kube-apiserver uses, a value that lands where nothing
    /// was merged into has its nulls dropped, including inside objects held in arrays, so no
    /// `null` written as "delete" is ever stored.
    public static func apply(_ patch: JSONValue, to target: JSONValue) -> JSONValue {
        guard case .object(let patchMembers) = patch else { return withoutNulls(patch) }
        guard case .object(var members) = target else { return withoutNulls(patch) }
        for (key, value) in patchMembers {
            if value.isNull {
                members[key] = nil
            } else if let current = members[key], case .object = current, case .object = value {
                members[key] = apply(value, to: current)
            } else {
                members[key] = withoutNulls(value)
            }
        }
        return .object(members)
    }

    /// `value` with every null object member removed, at any depth.
    static func withoutNulls(_ value: JSONValue) -> JSONValue {
        switch value {
        case .object(let members):
            var kept: [String: JSONValue] = [:]
            for (key, member) in members where !member.isNull { kept[key] = withoutNulls(member) }
            return .object(kept)
        case .array(let items):
            return .array(items.map(withoutNulls))
        default:
            return value
        }
    }
}
