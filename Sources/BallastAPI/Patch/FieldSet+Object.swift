extension FieldSet {
    /// Which fields of an object are never owned by anyone.
    struct Scope: Sendable {
        /// nil for writes to the main resource, "status" for the status subresource.
        var subresource: String?

        /// What structured-merge-diff's strip-meta manager removes, plus the resource's
        /// reset fields: `status` for the main resource, everything else for /status.
        func ignores(_ path: Path) -> Bool {
            guard case .field(let top)? = path.first else { return false }
            if subresource == "status" { return top != "status" }
            switch top {
            case "apiVersion", "kind", "status": return true
            case "metadata":
                guard path.count == 2, case .field(let name) = path[1] else { return false }
                return Self.serverMetadata.contains(name)
            default: return false
            }
        }

        private static let serverMetadata: Set<String> = [
            "name", "namespace", "creationTimestamp", "selfLink", "uid", "clusterName", "generation",
            "managedFields", "resourceVersion",
        ]
    }

    /// The fields an object sets, as structured-merge-diff's ToFieldSet lists them: every
    /// scalar, every atomic list or object as one field, every set-list value and every
    /// merge-list element (which also owns the fields inside it), and every empty object.
    init(of object: JSONValue, schema: PatchSchema, scope: Scope) {
        var paths: Set<Path> = []
        if case .object(let members) = object {
            Self.walk(members, path: [], parent: nil, schema: schema, scope: scope, into: &paths)
        }
        self.paths = paths
    }

    private static func walk(
        _ members: [String: JSONValue], path: Path, parent: String?, schema: PatchSchema, scope: Scope, into paths: inout Set<Path>
    ) {
        for (name, value) in members {
            let here = path + [.field(name)]
            if scope.ignores(here) { continue }
            switch value {
            case .object(let children):
                if children.isEmpty || schema.isAtomicObject(name) {
                    paths.insert(here)
                } else {
                    walk(children, path: here, parent: name, schema: schema, scope: scope, into: &paths)
                }
            case .array(let items):
                switch schema.strategy(of: name, in: parent) {
                case .atomic:
                    paths.insert(here)
                case .set:
                    for item in items { paths.insert(here + [.value(item)]) }
                case .merge(let key):
                    let keyed = items.compactMap { item -> (PathElement, [String: JSONValue])? in
                        guard case .object(let fields) = item, let identity = fields[key] else { return nil }
                        return (.key(.object([key: identity])), fields)
                    }
                    guard keyed.count == items.count else {
                        paths.insert(here)
                        continue
                    }
                    for (element, fields) in keyed {
                        paths.insert(here + [element])
                        walk(fields, path: here + [element], parent: name, schema: schema, scope: scope, into: &paths)
                    }
                }
            default:
                paths.insert(here)
            }
        }
    }
}

extension JSONValue {
    /// The value a field path names, or nil where it is absent.
    func value(at path: FieldSet.Path) -> JSONValue? {
        var current = self
        for element in path {
            guard let next = current.child(element) else { return nil }
            current = next
        }
        return current
    }

    private func child(_ element: PathElement) -> JSONValue? {
        switch (element, self) {
        case (.field(let name), .object(let members)):
            return members[name]
        case (.key, .array(let items)):
            return items.first { element.matches($0) }
        case (.value(let value), .array(let items)):
            return items.contains(value) ? value : nil
        case (.index(let index), .array(let items)):
            return items.indices.contains(index) ? items[index] : nil
        default:
            return nil
        }
    }

    /// Removes what `path` names. A container that the removal leaves empty goes too,
    /// unless `keeps` says its path is still wanted.
    /// - Returns: whether anything was removed.
    @discardableResult
    mutating func remove(at path: FieldSet.Path, keeps: (FieldSet.Path) -> Bool) -> Bool {
        remove(path[...], prefix: [], keeps: keeps)
    }

    private mutating func remove(_ path: ArraySlice<PathElement>, prefix: FieldSet.Path, keeps: (FieldSet.Path) -> Bool) -> Bool {
        guard let element = path.first else { return false }
        let rest = path.dropFirst()
        if rest.isEmpty { return removeChild(element) }
        guard var child = child(element) else { return false }
        let wasEmpty = child.isEmptyContainer
        guard child.remove(rest, prefix: prefix + [element], keeps: keeps) else { return false }
        if child.isEmptyContainer, !wasEmpty, !keeps(prefix + [element]) {
            return removeChild(element)
        }
        return replaceChild(element, with: child)
    }

    private var isEmptyContainer: Bool {
        switch self {
        case .object(let members): return members.isEmpty
        case .array(let items): return items.isEmpty
        default: return false
        }
    }

    private mutating func removeChild(_ element: PathElement) -> Bool {
        switch (element, self) {
        case (.field(let name), .object(var members)):
            guard members.removeValue(forKey: name) != nil else { return false }
            self = .object(members)
        case (.key, .array(var items)):
            let before = items.count
            items.removeAll { element.matches($0) }
            guard items.count < before else { return false }
            self = .array(items)
        case (.value(let value), .array(var items)):
            let before = items.count
            items.removeAll { $0 == value }
            guard items.count < before else { return false }
            self = .array(items)
        case (.index(let index), .array(var items)):
            guard items.indices.contains(index) else { return false }
            items.remove(at: index)
            self = .array(items)
        default:
            return false
        }
        return true
    }

    private mutating func replaceChild(_ element: PathElement, with child: JSONValue) -> Bool {
        switch (element, self) {
        case (.field(let name), .object(var members)):
            members[name] = child
            self = .object(members)
        case (.key, .array(var items)):
            guard let index = items.firstIndex(where: { element.matches($0) }) else { return false }
            items[index] = child
            self = .array(items)
        case (.index(let index), .array(var items)):
            guard items.indices.contains(index) else { return false }
            items[index] = child
            self = .array(items)
        default:
            return false
        }
        return true
    }
}

extension PathElement {
    /// Whether a list element has the key fields of a `.key` step.
    func matches(_ item: JSONValue) -> Bool {
        guard case .key(let keys) = self, case .object(let fields) = keys, case .object(let members) = item else { return false }
        return fields.allSatisfy { members[$0.key] == $0.value }
    }
}
