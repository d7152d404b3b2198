/// JSON patch (RFC 6902, `application/json-patch+json`): what `kubectl patch --type=json`
/// and `kubectl rollout undo` send.
///
/// Behaviour and error texts follow evanphx/json-patch v4, the library kube-apiserver uses:
/// the operations run in order on a copy, and the first failure aborts the whole patch. Two
/// of its leniencies are kept because clients rely on them: `replace` of a missing object
/// member adds it, and a negative array index counts from the end.
public enum JSONPatch {
    /// Applies `operations`, an array of `{"op", "path", "value"|"from"}` objects, to `target`.
    ///
    /// - Throws: `PatchError.badRequest` when `operations` is not an array of objects (the
    ///   document cannot be decoded); `PatchError.invalid` when an operation does not apply.
    ///   Nothing of the patch is applied when it throws.
    public static func apply(_ operations: JSONValue, to target: JSONValue) throws(PatchError) -> JSONValue {
        var document = target
        for operation in try decode(operations) {
            try operation.apply(to: &document)
        }
        return document
    }

    static func decode(_ operations: JSONValue) throws(PatchError) -> [Operation] {
        switch operations {
        case .null:
            return []
        case .array(let items):
            var decoded: [Operation] = []
            for item in items {
                switch item {
                case .object(let members): decoded.append(Operation(members: members))
                case .null: decoded.append(Operation(members: [:]))
                default: throw .badRequest("json: cannot unmarshal \(goTypeName(item)) into Go value of type jsonpatch.Operation")
                }
            }
            return decoded
        default:
            throw .badRequest("json: cannot unmarshal \(goTypeName(operations)) into Go value of type jsonpatch.Patch")
        }
    }

    /// How Go's encoding/json names a JSON value in its type errors.
    static func goTypeName(_ value: JSONValue) -> String {
        if case .bool = value { return "bool" }
        return value.typeName
    }

    /// One decoded operation. Fields are read lazily, as upstream does, so a missing "path"
    /// is reported by the operation that needs it, in that operation's words.
    struct Operation {
        var members: [String: JSONValue]

        var kind: String { members["op"]?.stringValue ?? "unknown" }
        var path: String? { members["path"]?.stringValue }
        var from: String? { members["from"]?.stringValue }
        /// A missing "value" is JSON null, as evanphx/json-patch treats it.
        var value: JSONValue { members["value"] ?? .null }

        func apply(to document: inout JSONValue) throws(PatchError) {
            switch kind {
            case "add": try add(to: &document)
            case "remove": try remove(from: &document)
            case "replace": try replace(in: &document)
            case "move": try move(in: &document)
            case "copy": try copy(in: &document)
            case "test": try test(document)
            default: throw .invalid("Unexpected kind: \(kind)")
            }
        }

        private func requirePath(_ operation: String) throws(PatchError) -> String {
            guard let path else { throw .invalid("\(operation) operation failed to decode path: missing value") }
            return path
        }

        private func requireFrom(_ operation: String) throws(PatchError) -> String {
            guard let from else { throw .invalid("\(operation) operation failed to decode from: operation, missing from field: missing value") }
            return from
        }

        private func add(to document: inout JSONValue) throws(PatchError) {
            let path = try requirePath("add")
            guard let pointer = JSONPointer(path), document.contains(parentOf: pointer) else {
                throw .invalid("add operation does not apply: doc is missing path: \"\(path)\": missing value")
            }
            do throws(JSONPointer.Failure) {
                try document.insert(value, at: pointer)
            } catch {
                throw .invalid("error in add for path: '\(path)': \(error.text)")
            }
        }

        private func remove(from document: inout JSONValue) throws(PatchError) {
            let path = try requirePath("remove")
            guard let pointer = JSONPointer(path), document.contains(parentOf: pointer) else {
                throw .invalid("remove operation does not apply: doc is missing path: \"\(path)\": missing value")
            }
            do throws(JSONPointer.Failure) {
                _ = try document.remove(at: pointer)
            } catch {
                throw .invalid("error in remove for path: '\(path)': \(error.text)")
            }
        }

        private func replace(in document: inout JSONValue) throws(PatchError) {
            let path = try requirePath("replace")
            guard let pointer = JSONPointer(path), document.contains(parentOf: pointer) else {
                throw .invalid("replace operation does not apply: doc is missing path: \(path): missing value")
            }
            do throws(JSONPointer.Failure) {
                try document.replace(at: pointer, with: value)
            } catch {
                throw .invalid("replace operation does not apply: doc is missing key: \(path): missing value")
            }
        }

        private func move(in document: inout JSONValue) throws(PatchError) {
            let from = try requireFrom("move")
            guard let source = JSONPointer(from), document.contains(parentOf: source) else {
                throw .invalid("move operation does not apply: doc is missing from path: \(from): missing value")
            }
            let moved: JSONValue
            do throws(JSONPointer.Failure) {
                moved = try document.remove(at: source)
            } catch {
                throw .invalid("error in move for path: '\(source.last)': \(error.text)")
            }
            guard let path else { throw .invalid("move operation failed to decode path: operation missing path field: missing value") }
            guard let destination = JSONPointer(path), document.contains(parentOf: destination) else {
                throw .invalid("move operation does not apply: doc is missing destination path: \(path): missing value")
            }
            do throws(JSONPointer.Failure) {
                try document.insert(moved, at: destination)
            } catch {
                throw .invalid("error in move for path: '\(path)': \(error.text)")
            }
        }

        private func copy(in document: inout JSONValue) throws(PatchError) {
            let from = try requireFrom("copy")
            guard let source = JSONPointer(from), document.contains(parentOf: source) else {
                throw .invalid("copy operation does not apply: doc is missing from path: \(from): missing value")
            }
            let copied: JSONValue
            do throws(JSONPointer.Failure) {
                copied = try document.value(at: source)
            } catch {
                if case .missingKey = error {
                    throw .invalid("copy operation does not apply: doc is missing from path: \(from): missing value")
                }
                throw .invalid("error in copy for from: '\(from)': \(error.text)")
            }
            let path = try requirePath("copy")
            guard let destination = JSONPointer(path), document.contains(parentOf: destination) else {
                throw .invalid("copy operation does not apply: doc is missing destination path: \(path): missing value")
            }
            do throws(JSONPointer.Failure) {
                try document.insert(copied, at: destination)
            } catch {
                throw .invalid("error while adding value during copy: \(error.text)")
            }
        }

        private func test(_ document: JSONValue) throws(PatchError) {
            guard let path else { throw .invalid("test operation failed to decode path: operation missing path field: missing value") }
            guard let pointer = JSONPointer(path), document.contains(parentOf: pointer) else {
                throw .invalid("test operation does not apply: is missing path: \(path): missing value")
            }
            let actual: JSONValue?
            do throws(JSONPointer.Failure) {
                actual = try document.value(at: pointer)
            } catch {
                // A missing object member compares as null, as upstream's does.
                if case .missingKey = error { actual = nil } else { throw .invalid("error in test for path: '\(path)': \(error.text)") }
            }
            guard (actual ?? .null) == value else { throw .invalid("testing value \(path) failed: test failed") }
        }
    }
}
