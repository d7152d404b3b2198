/// The difference Kubernetes appends to "… is immutable after creation" errors, in the shape
/// of go-cmp's output: the changed fields with `-` (old) and `+` (new), runs of unchanged
/// fields folded into "... // N identical fields".
///
/// go-cmp itself deliberately varies its spacing from run to run, so only the first line of
/// such a message is stable upstream; this keeps the shape and shows values as JSON.
enum PersistentVolumeDiff {
    /// One field of a Go struct: its Go name and its JSON name.
    struct Field {
        var goName: String
        var jsonName: String

        init(_ jsonName: String, go goName: String? = nil) {
            self.jsonName = jsonName
            self.goName = goName ?? (jsonName.prefix(1).uppercased() + jsonName.dropFirst())
        }
    }

    static func render(type: String, fields: [Field], old: some Encodable, new: some Encodable) -> String {
        let oldValue = APICodec.encodeValue(old)
        let newValue = APICodec.encodeValue(new)
        var lines = ["  \(type){"]
        var identical = 0
        func flush() {
            guard identical > 0 else { return }
            lines.append("  \t... // \(identical) identical field\(identical == 1 ? "" : "s")")
            identical = 0
        }
        for field in fields {
            let before = oldValue[field.jsonName]
            let after = newValue[field.jsonName]
            if (before ?? .null) == (after ?? .null) {
                identical += 1
                continue
            }
            flush()
            lines.append("- \t\(field.goName): \(text(before)),")
            lines.append("+ \t\(field.goName): \(text(after)),")
        }
        flush()
        lines.append("  }")
        return lines.joined(separator: "\n")
    }

    private static func text(_ value: JSONValue?) -> String {
        guard let value, value != .null else { return "nil" }
        return value.jsonString
    }
}
