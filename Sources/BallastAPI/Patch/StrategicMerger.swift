/// The merge engine behind `StrategicMergePatch` and server-side apply.
///
/// Objects are addressed by `parent`, the name of the field that holds them (nil for the
/// root), because that is what `PatchSchema` needs to tell `containers[].ports` from a
/// Service's `spec.ports`.
struct StrategicMerger {
    var schema: PatchSchema
    /// Server-side apply replaces atomic objects (`selector`) instead of merging into them,
    /// as structured-merge-diff does; a strategic merge patch merges them like any map.
    var replacesAtomicObjects = false

    static let directiveKey = "$patch"
    static let retainKeysKey = "$retainKeys"
    static let setElementOrderPrefix = "$setElementOrder/"
    static let deleteFromPrimitiveListPrefix = "$deleteFromPrimitiveList/"

    /// Merges `patch` into `original`.
    func mergeObject(_ original: [String: JSONValue], _ patch: [String: JSONValue], parent: String?) throws(PatchError) -> [String: JSONValue] {
        var patch = patch
        if let directive = patch.removeValue(forKey: Self.directiveKey) {
            switch directive {
            case "replace": return try mergeObject([:], patch, parent: parent)
            case "delete": return [:]
            case "merge": break
            default:
                patch[Self.directiveKey] = directive
                throw .invalid("unknown patch type: \(text(directive)) in map: \(JSONValue.object(patch).jsonString)")
            }
        }
        var result = original
        if let retained = patch.removeValue(forKey: Self.retainKeysKey) {
            result = try retainingKeys(retained, of: result, patch: patch)
        }

        var handled: Set<String> = []
        for key in patch.keys.sorted() where key.hasPrefix(Self.setElementOrderPrefix) {
            handled.insert(key)
            let field = String(key.dropFirst(Self.setElementOrderPrefix.count))
            guard !field.isEmpty, case .array(let order)? = patch[key] else {
                throw .badRequest("invalid patch format of setElementOrder list")
            }
            if patch[field]?.isNull == true { continue }  // the list is deleted below
            let originalItems = try listValue(result[field], field: field)
            let patchItems = try listValue(patch[field], field: field)
            let merged: [JSONValue]
            switch (originalItems, patchItems) {
            case (nil, nil): continue
            case (let items?, nil): merged = items
            case (nil, let items?): merged = try mergeList([], items, field: field, parent: parent)
            case (let current?, let items?): merged = try mergeList(current, items, field: field, parent: parent)
            }
            handled.insert(field)
            let strategy = schema.strategy(of: field, in: parent)
            result[field] = .array(Self.ordered(merged, by: order, serverOrder: originalItems ?? [], strategy: strategy))
        }

        var deletions: [(field: String, values: [JSONValue])] = []
        for key in patch.keys.sorted() where !handled.contains(key) {
            guard let value = patch[key] else { continue }
            if key.hasPrefix(Self.deleteFromPrimitiveListPrefix) {
                let field = String(key.dropFirst(Self.deleteFromPrimitiveListPrefix.count))
                guard !field.isEmpty, case .array(let values) = value else {
                    throw .badRequest("invalid patch format of primitive list")
                }
                deletions.append((field, values))
                continue
            }
            // Unknown directives are dropped: no `$` key may be stored.
            if key.hasPrefix("$") { continue }
            if value.isNull {
                result[key] = nil
                continue
            }
            guard let current = result[key] else {
                result[key] = try fresh(value, field: key, parent: parent)
                continue
            }
            switch (current, value) {
            case (.object(let currentMembers), .object(let patchMembers)):
                if replacesAtomicObjects && schema.isAtomicObject(key) {
                    result[key] = try fresh(value, field: key, parent: parent)
                } else {
                    result[key] = .object(try mergeObject(currentMembers, patchMembers, parent: key))
                }
            case (.array(let currentItems), .array(let patchItems)):
                result[key] = .array(try mergeList(currentItems, patchItems, field: key, parent: parent))
            default:
                result[key] = try fresh(value, field: key, parent: parent)
            }
        }
        for deletion in deletions {
            guard case .array(let items)? = result[deletion.field] else { continue }
            result[deletion.field] = .array(items.filter { !deletion.values.contains($0) })
        }
        return result
    }

    /// Applies `$retainKeys`: every non-null key the patch sets must be listed, and the
    /// original keeps only listed keys.
    private func retainingKeys(_ retained: JSONValue, of original: [String: JSONValue], patch: [String: JSONValue]) throws(PatchError) -> [String: JSONValue] {
        guard case .array(let names) = retained else { throw .badRequest("invalid patch format of retainKeys") }
        let kept = Set(names.compactMap(\.stringValue))
        for (key, value) in patch where !value.isNull && !key.hasPrefix("$") && !kept.contains(key) {
            throw .badRequest("invalid patch format of retainKeys")
        }
        return original.filter { kept.contains($0.key) }
    }

    /// Merges list field `field` of an object whose own field name is `parent`.
    func mergeList(_ original: [JSONValue], _ patch: [JSONValue], field: String, parent: String?) throws(PatchError) -> [JSONValue] {
        let strategy = schema.strategy(of: field, in: parent)
        switch strategy {
        case .atomic:
            return try patch.map { (item) throws(PatchError) in try fresh(item, field: field, parent: field) }
        case .set:
            var merged = original
            for item in patch where !merged.contains(item) { merged.append(item) }
            return Self.ordered(merged, by: patch, serverOrder: original, strategy: strategy)
        case .merge(let key):
            let isObject: (JSONValue) -> Bool = { $0.objectValue != nil }
            // A list the schema calls mergeable but that holds scalars is not one of ours.
            guard original.allSatisfy(isObject), patch.allSatisfy(isObject) else {
                return try patch.map { (item) throws(PatchError) in try fresh(item, field: field, parent: field) }
            }
            return try mergeKeyedList(original, patch, key: key, field: field)
        }
    }

    private func mergeKeyedList(_ original: [JSONValue], _ patch: [JSONValue], key: String, field: String) throws(PatchError) -> [JSONValue] {
        var base = original
        var elements: [[String: JSONValue]] = []
        var replaces = false
        for case .object(let element) in patch {
            switch element[Self.directiveKey] {
            case "delete"?:
                guard let identity = element[key] else { throw Self.missingMergeKey(element, key) }
                base.removeAll { $0[key] == identity }
            case "replace"?:
                replaces = true
            default:
                elements.append(element)
            }
        }
        if replaces {
            return try elements.map { (element) throws(PatchError) in .object(try mergeObject([:], element, parent: field)) }
        }
        var merged = base
        for element in elements {
            guard let identity = element[key] else {
                if base.isEmpty {
                    merged.append(.object(try mergeObject([:], element, parent: field)))
                    continue
                }
                throw Self.missingMergeKey(element, key)
            }
            if let index = merged.firstIndex(where: { $0[key] == identity }), case .object(let current) = merged[index] {
                merged[index] = .object(try mergeObject(current, element, parent: field))
            } else {
                merged.append(.object(try mergeObject([:], element, parent: field)))
            }
        }
        if base.isEmpty { return merged }
        return Self.ordered(merged, by: elements.map(JSONValue.object), serverOrder: base, strategy: .merge(key: key))
    }

    /// A patch value that lands where nothing was: directives are resolved and nulls
    /// dropped by merging it into nothing.
    func fresh(_ value: JSONValue, field: String, parent: String?) throws(PatchError) -> JSONValue {
        switch value {
        case .object(let members): return .object(try mergeObject([:], members, parent: field))
        case .array(let items): return .array(try mergeList([], items, field: field, parent: parent))
        default: return value
        }
    }

    private func listValue(_ value: JSONValue?, field: String) throws(PatchError) -> [JSONValue]? {
        switch value {
        case nil: return nil
        case .array(let items)?: return items
        case let other?: throw .invalid("expected a []interface {}, but received a \(JSONPatch.goTypeName(other)) for field \(field)")
        }
    }

    static func missingMergeKey(_ element: [String: JSONValue], _ key: String) -> PatchError {
        .invalid("map: \(JSONValue.object(element).jsonString) does not contain declared merge key: \(key)")
    }

    private func text(_ value: JSONValue) -> String { value.stringValue ?? value.jsonString }
}
