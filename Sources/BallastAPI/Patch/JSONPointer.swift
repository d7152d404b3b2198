/// An RFC 6901 JSON pointer ("/spec/containers/0/image", "~1" for "/", "~0" for "~"), as
/// JSON patch addresses values.
struct JSONPointer: Sendable, Equatable {
    /// The decoded reference tokens; never empty (the whole document is not addressable, as
    /// in evanphx/json-patch).
    var tokens: [String]

    /// Parses `text`; nil unless it starts with "/".
    init?(_ text: String) {
        guard text.hasPrefix("/") else { return nil }
        tokens = text.dropFirst().split(separator: "/", omittingEmptySubsequences: false).map(Self.unescape)
    }

    /// Decodes "~1" to "/" and "~0" to "~" in one pass, so "~01" stays "~1".
    private static func unescape(_ token: Substring) -> String {
        guard token.contains("~") else { return String(token) }
        var result = ""
        var escaping = false
        for character in token {
            if escaping {
                switch character {
                case "0": result.append("~")
                case "1": result.append("/")
                default: result.append("~"); result.append(character)
                }
                escaping = false
            } else if character == "~" {
                escaping = true
            } else {
                result.append(character)
            }
        }
        if escaping { result.append("~") }
        return result
    }

    var last: String { tokens.last ?? "" }
    var parent: ArraySlice<String> { tokens.dropLast() }

    /// Why a step on the last token failed, worded as evanphx/json-patch words it.
    enum Failure: Error {
        case missingKey(String)
        case notAnIndex(String)
        case outOfRange(Int)

        var text: String {
            switch self {
            case .missingKey(let key): return "Unable to remove nonexistent key: \(key): missing value"
            case .notAnIndex(let token): return "strconv.Atoi: parsing \(JSONValue.string(token).jsonString): invalid syntax"
            case .outOfRange(let index): return "Unable to access invalid index: \(index): invalid index referenced"
            }
        }
    }
}

extension JSONValue {
    /// Whether every token above the last one names an existing object member or array
    /// element, and the value it reaches is an object or an array.
    func contains(parentOf pointer: JSONPointer) -> Bool {
        var current = self
        for token in pointer.parent {
            guard let next = current.child(token) else { return false }
            current = next
        }
        switch current {
        case .object, .array: return true
        default: return false
        }
    }

    private func child(_ token: String) -> JSONValue? {
        switch self {
        case .object(let members): return members[token]
        case .array(let items):
            guard let index = Int(token), items.indices.contains(index) else { return nil }
            return items[index]
        default: return nil
        }
    }

    /// Runs `body` on the parent container of `pointer`, which `contains(parentOf:)` checked.
    private mutating func withParent<T>(
        of pointer: JSONPointer, depth: Int = 0, _ body: (inout JSONValue) throws(JSONPointer.Failure) -> T
    ) throws(JSONPointer.Failure) -> T {
        if depth == pointer.tokens.count - 1 { return try body(&self) }
        let token = pointer.tokens[depth]
        switch self {
        case .object(var members):
            guard var next = members[token] else { throw .missingKey(token) }
            self = .null  // drop our reference so `next` is uniquely owned while it changes
            defer { members[token] = next; self = .object(members) }
            return try next.withParent(of: pointer, depth: depth + 1, body)
        case .array(var items):
            guard let index = Int(token), items.indices.contains(index) else { throw .notAnIndex(token) }
            var next = items[index]
            self = .null
            defer { items[index] = next; self = .array(items) }
            return try next.withParent(of: pointer, depth: depth + 1, body)
        default:
            throw .missingKey(token)
        }
    }

    /// The "add" step: sets an object member, or inserts into an array ("-" appends).
    mutating func insert(_ value: JSONValue, at pointer: JSONPointer) throws(JSONPointer.Failure) {
        let key = pointer.last
        try withParent(of: pointer) { (container: inout JSONValue) throws(JSONPointer.Failure) in
            switch container {
            case .object(var members):
                members[key] = value
                container = .object(members)
            case .array(var items):
                if key == "-" {
                    items.append(value)
                } else {
                    guard var index = Int(key) else { throw .notAnIndex(key) }
                    guard index <= items.count, index >= -(items.count + 1) else { throw .outOfRange(index) }
                    if index < 0 { index += items.count + 1 }
                    items.insert(value, at: index)
                }
                container = .array(items)
            default:
                throw .missingKey(key)
            }
        }
    }

    /// The "remove" step; returns what was removed.
    mutating func remove(at pointer: JSONPointer) throws(JSONPointer.Failure) -> JSONValue {
        let key = pointer.last
        return try withParent(of: pointer) { (container: inout JSONValue) throws(JSONPointer.Failure) -> JSONValue in
            switch container {
            case .object(var members):
                guard let removed = members.removeValue(forKey: key) else { throw .missingKey(key) }
                container = .object(members)
                return removed
            case .array(var items):
                guard var index = Int(key) else { throw .notAnIndex(key) }
                guard index < items.count, index >= -items.count else { throw .outOfRange(index) }
                if index < 0 { index += items.count }
                let removed = items.remove(at: index)
                container = .array(items)
                return removed
            default:
                throw .missingKey(key)
            }
        }
    }

    /// The "replace" step. A missing object member is added, as upstream's v4 does.
    mutating func replace(at pointer: JSONPointer, with value: JSONValue) throws(JSONPointer.Failure) {
        let key = pointer.last
        try withParent(of: pointer) { (container: inout JSONValue) throws(JSONPointer.Failure) in
            switch container {
            case .object(var members):
                members[key] = value
                container = .object(members)
            case .array(var items):
                guard let index = Int(key) else { throw .notAnIndex(key) }
                guard items.indices.contains(index) else { throw .outOfRange(index) }
                items[index] = value
                container = .array(items)
            default:
                throw .missingKey(key)
            }
        }
    }

    /// The value `pointer` names.
    func value(at pointer: JSONPointer) throws(JSONPointer.Failure) -> JSONValue {
        var current = self
        for token in pointer.parent {
            guard let next = current.child(token) else { throw .missingKey(token) }
            current = next
        }
        let key = pointer.last
        switch current {
        case .object(let members):
            guard let found = members[key] else { throw .missingKey(key) }
            return found
        case .array(let items):
            guard let index = Int(key) else { throw .notAnIndex(key) }
            guard items.indices.contains(index) else { throw .outOfRange(index) }
            return items[index]
        default:
            throw .missingKey(key)
        }
    }
}
