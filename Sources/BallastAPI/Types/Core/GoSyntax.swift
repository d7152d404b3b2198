/// Renders values the way Go's `%#v` does, because Kubernetes puts such renderings into
/// "Invalid value: …" messages for maps and structs and clients show them verbatim.
public enum GoSyntax {
    /// `map[string]string{"app":"web", "tier":"db"}`, keys sorted as Go prints them; a nil
    /// map is `map[string]string(nil)`.
    public static func stringMap(_ map: [String: String]?) -> String {
        guard let map else { return "map[string]string(nil)" }
        let items = map.sorted { $0.key < $1.key }.map { "\(FieldError.quote($0.key)):\(FieldError.quote($0.value))" }
        return "map[string]string{" + items.joined(separator: ", ") + "}"
    }

    /// `v1.LabelSelector{MatchLabels:map[string]string{…}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}`;
    /// field errors print the pointee of a pointer, and "null" for a nil one.
    public static func labelSelector(_ selector: LabelSelector?) -> String {
        guard let selector else { return "null" }
        let expressions: String
        if let list = selector.matchExpressions {
            let items = list.map { requirement in
                let values = requirement.values.map { "[]string{" + $0.map(FieldError.quote).joined(separator: ", ") + "}" } ?? "[]string(nil)"
                return "v1.LabelSelectorRequirement{Key:\(FieldError.quote(requirement.key)), Operator:\(FieldError.quote(requirement.operator)), Values:\(values)}"
            }
            expressions = "[]v1.LabelSelectorRequirement{" + items.joined(separator: ", ") + "}"
        } else {
            expressions = "[]v1.LabelSelectorRequirement(nil)"
        }
        return "v1.LabelSelector{MatchLabels:\(stringMap(selector.matchLabels)), MatchExpressions:\(expressions)}"
    }

    /// A Go `*string` in a field error: the pointee, quoted, or "null".
    public static func stringPointer(_ value: String?) -> String {
        value.map(FieldError.quote) ?? "null"
    }
}
