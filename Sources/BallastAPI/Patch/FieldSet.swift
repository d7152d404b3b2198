/// One step of a path into an object, as structured-merge-diff names them: an object
/// member, a merge-list element by its key, a set-list element by its value, or a
/// list position.
enum PathElement: Hashable, Comparable, Sendable {
    case field(String)
    /// The key fields of a merge-list element, as an object: `{"name": "nginx"}`.
    case key(JSONValue)
    case value(JSONValue)
    case index(Int)

    private var rank: Int {
        switch self {
        case .field: return 0
        case .key: return 1
        case .value: return 2
        case .index: return 3
        }
    }

    static func < (lhs: PathElement, rhs: PathElement) -> Bool {
        switch (lhs, rhs) {
        case (.field(let a), .field(let b)): return a < b
        case (.key(let a), .key(let b)), (.value(let a), .value(let b)): return a.jsonString < b.jsonString
        case (.index(let a), .index(let b)): return a < b
        default: return lhs.rank < rhs.rank
        }
    }

    /// The member name in a FieldsV1 document: `f:image`, `k:{"name":"nginx"}`,
    /// `v:"a/b"`, `i:0`.
    var fieldsV1Key: String {
        switch self {
        case .field(let name): return "f:" + name
        case .key(let keys): return "k:" + keys.jsonString
        case .value(let value): return "v:" + value.jsonString
        case .index(let index): return "i:" + String(index)
        }
    }

    init?(fieldsV1Key text: String) {
        let body = String(text.dropFirst(2))
        switch text.prefix(2) {
        case "f:": self = .field(body)
        case "k:":
            guard let keys = try? JSONValue.parse(body), keys.objectValue != nil else { return nil }
            self = .key(keys)
        case "v:":
            guard let value = try? JSONValue.parse(body) else { return nil }
            self = .value(value)
        case "i:":
            guard let index = Int(body) else { return nil }
            self = .index(index)
        default:
            return nil
        }
    }

    /// How structured-merge-diff prints the step in a conflict: `.image`,
    /// `[name="nginx"]`, `[="a/b"]`, `[0]`.
    var description: String {
        switch self {
        case .field(let name): return "." + name
        case .key(let keys):
            let members = keys.objectValue ?? [:]
            return "[" + members.keys.sorted().map { "\($0)=\(members[$0]?.jsonString ?? "null")" }.joined(separator: ",") + "]"
        case .value(let value): return "[=" + value.jsonString + "]"
        case .index(let index): return "[\(index)]"
        }
    }
}

/// A set of field paths one manager owns, read from and written to the FieldsV1 format of
/// `metadata.managedFields[].fieldsV1`.
struct FieldSet: Equatable, Sendable {
    typealias Path = [PathElement]

    var paths: Set<Path> = []

    init(_ paths: Set<Path> = []) { self.paths = paths }

    var isEmpty: Bool { paths.isEmpty }

    func contains(_ path: Path) -> Bool { paths.contains(path) }

    /// Whether the set holds `path` or anything below it.
    func containsAny(under path: Path) -> Bool {
        paths.contains { $0.count >= path.count && $0.starts(with: path) }
    }

    func union(_ other: FieldSet) -> FieldSet { FieldSet(paths.union(other.paths)) }
    func subtracting(_ other: FieldSet) -> FieldSet { FieldSet(paths.subtracting(other.paths)) }
    func intersection(_ other: FieldSet) -> FieldSet { FieldSet(paths.intersection(other.paths)) }
    func filter(_ isIncluded: (Path) -> Bool) -> FieldSet { FieldSet(paths.filter(isIncluded)) }

    /// The paths in structured-merge-diff order.
    var sorted: [Path] { paths.sorted { $0.lexicographicallyPrecedes($1) } }

    static func description(of path: Path) -> String { path.map(\.description).joined() }

    /// Reads a FieldsV1 document; members it cannot parse are skipped.
    init(fieldsV1: JSONValue) {
        var paths: Set<Path> = []
        Self.collect(fieldsV1, prefix: [], into: &paths)
        self.paths = paths
    }

    private static func collect(_ node: JSONValue, prefix: Path, into paths: inout Set<Path>) {
        guard case .object(let members) = node else { return }
        if members.isEmpty, !prefix.isEmpty { paths.insert(prefix) }
        for (name, child) in members {
            if name == "." {
                if !prefix.isEmpty { paths.insert(prefix) }
            } else if let element = PathElement(fieldsV1Key: name) {
                collect(child, prefix: prefix + [element], into: &paths)
            }
        }
    }

    /// The FieldsV1 document: a tree of `f:`/`k:`/`v:`/`i:` members, where a member that is
    /// owned itself and also has owned children carries `".": {}`.
    var fieldsV1: JSONValue { Self.tree(of: Array(paths)[...]) }

    private static func tree(of paths: ArraySlice<Path>) -> JSONValue {
        var groups: [PathElement: [Path]] = [:]
        for path in paths {
            guard let first = path.first else { continue }
            groups[first, default: []].append(Array(path.dropFirst()))
        }
        var members: [String: JSONValue] = [:]
        for (element, rests) in groups {
            let children = rests.filter { !$0.isEmpty }
            var node = tree(of: children[...])
            if children.count < rests.count, !children.isEmpty { node["."] = .object([:]) }
            members[element.fieldsV1Key] = node
        }
        return .object(members)
    }
}
