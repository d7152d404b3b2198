import BallastAPI

/// Finds fields a client sent that the kind does not have, for fieldValidation=Strict (400)
/// and Warn (a Warning header), by comparing the input with its typed re-encoding.
enum UnknownFields {
    static func find(input: JSONValue, known: JSONValue) -> [String] {
        var found: [String] = []
        walk(input, known, path: "", into: &found)
        return found.sorted()
    }

    private static func walk(_ input: JSONValue, _ known: JSONValue, path: String, into found: inout [String]) {
        switch (input, known) {
        case (.object(let have), .object(let keep)):
            for (key, value) in have {
                let child = path.isEmpty ? key : "\(path).\(key)"
                if let kept = keep[key] {
                    walk(value, kept, path: child, into: &found)
                } else if !value.isNull {
                    found.append(child)
                }
            }
        case (.array(let have), .array(let keep)):
            for (index, value) in have.enumerated() where index < keep.count {
                walk(value, keep[index], path: "\(path)[\(index)]", into: &found)
            }
        default:
            return
        }
    }
}
