/// A parsed label selector: the `labelSelector=` query parameter or a converted
/// metav1.LabelSelector. Supports `=`, `==`, `!=`, `in (…)`, `notin (…)`, `key`, `!key`,
/// `>` and `<` as labels.Parse does.
public struct LabelQuery: Sendable, Equatable, CustomStringConvertible {
    public enum Operator: String, Sendable {
        case equals = "=", doubleEquals = "==", notEquals = "!=", `in` = "in", notIn = "notin"
        case exists = "exists", doesNotExist = "!", greaterThan = "gt", lessThan = "lt"
    }

    public struct Requirement: Sendable, Equatable {
        public var key: String
        public var op: Operator
        public var values: [String]

        public init(key: String, op: Operator, values: [String]) {
            self.key = key
            self.op = op
            self.values = values
        }

        public func matches(_ labels: [String: String]) -> Bool {
            switch op {
            case .equals, .doubleEquals, .in:
                guard let value = labels[key] else { return false }
                return values.contains(value)
            case .notEquals, .notIn:
                guard let value = labels[key] else { return true }
                return !values.contains(value)
            case .exists: return labels[key] != nil
            case .doesNotExist: return labels[key] == nil
            case .greaterThan, .lessThan:
                guard let text = labels[key], let have = Int64(text), let want = values.first.flatMap({ Int64($0) }) else { return false }
                return op == .greaterThan ? have > want : have < want
            }
        }

        var text: String {
            switch op {
            case .equals, .doubleEquals: return "\(key)=\(values.first ?? "")"
            case .notEquals: return "\(key)!=\(values.first ?? "")"
            case .in: return "\(key) in (\(values.sorted().joined(separator: ",")))"
            case .notIn: return "\(key) notin (\(values.sorted().joined(separator: ",")))"
            case .exists: return key
            case .doesNotExist: return "!\(key)"
            case .greaterThan: return "\(key)>\(values.first ?? "")"
            case .lessThan: return "\(key)<\(values.first ?? "")"
            }
        }
    }

    public var requirements: [Requirement]

    public init(requirements: [Requirement] = []) { self.requirements = requirements }

    /// Matches everything.
    public static let everything = LabelQuery()

    public var isEmpty: Bool { requirements.isEmpty }

    public func matches(_ labels: [String: String]?) -> Bool {
        let labels = labels ?? [:]
        return requirements.allSatisfy { $0.matches(labels) }
    }

    public var description: String { requirements.map(\.text).joined(separator: ",") }

    /// Parses the query form; throws with a message kubectl users recognise.
    public init(parsing text: String) throws(SelectorError) {
        var lexer = SelectorLexer(text)
        var requirements: [Requirement] = []
        while true {
            lexer.skipSpaces()
            if lexer.atEnd { break }
            requirements.append(try LabelQuery.parseRequirement(&lexer))
            lexer.skipSpaces()
            if lexer.atEnd { break }
            guard lexer.consume(",") else { throw SelectorError("found '\(lexer.rest)', expected: ',' or 'end of string'") }
        }
        for requirement in requirements {
            let problems = NameRules.qualifiedName(requirement.key)
            if let problem = problems.first {
                throw SelectorError("key: Invalid value: \"\(requirement.key)\": \(problem)")
            }
            for value in requirement.values where requirement.op != .greaterThan && requirement.op != .lessThan {
                if let problem = NameRules.labelValue(value).first {
                    throw SelectorError("values[0][\(requirement.key)]: Invalid value: \"\(value)\": \(problem)")
                }
            }
        }
        self.requirements = requirements
    }

    private static func parseRequirement(_ lexer: inout SelectorLexer) throws(SelectorError) -> Requirement {
        if lexer.consume("!") {
            lexer.skipSpaces()
            let key = lexer.identifier()
            if key.isEmpty { throw SelectorError("found '\(lexer.rest)', expected: identifier") }
            return Requirement(key: key, op: .doesNotExist, values: [])
        }
        let key = lexer.identifier()
        if key.isEmpty { throw SelectorError("found '\(lexer.rest)', expected: identifier") }
        lexer.skipSpaces()
        if lexer.atEnd || lexer.peek(",") { return Requirement(key: key, op: .exists, values: []) }
        if lexer.consume("==") { return Requirement(key: key, op: .doubleEquals, values: [lexer.value()]) }
        if lexer.consume("=") { return Requirement(key: key, op: .equals, values: [lexer.value()]) }
        if lexer.consume("!=") { return Requirement(key: key, op: .notEquals, values: [lexer.value()]) }
        if lexer.consume(">") { return Requirement(key: key, op: .greaterThan, values: [lexer.value()]) }
        if lexer.consume("<") { return Requirement(key: key, op: .lessThan, values: [lexer.value()]) }
        let word = lexer.identifier()
        let op: Operator
        switch word {
        case "in": op = .in
        case "notin": op = .notIn
        default: throw SelectorError("found '\(word)', expected: in, notin, =, ==, !=, gt, lt")
        }
        lexer.skipSpaces()
        guard lexer.consume("(") else { throw SelectorError("found '\(lexer.rest)', expected: '('") }
        var values: [String] = []
        while true {
            lexer.skipSpaces()
            if lexer.consume(")") { break }
            values.append(lexer.value())
            lexer.skipSpaces()
            if lexer.consume(",") { continue }
            if lexer.consume(")") { break }
            throw SelectorError("found '\(lexer.rest)', expected: ',', or ')'")
        }
        return Requirement(key: key, op: op, values: values)
    }
}

/// A tiny lexer shared by the label and field selector parsers.
struct SelectorLexer {
    private let chars: [Character]
    private var index = 0

    init(_ text: String) { chars = Array(text) }

    var atEnd: Bool { index >= chars.count }
    var rest: String { String(chars[min(index, chars.count)...]) }

    mutating func skipSpaces() {
        while index < chars.count, chars[index] == " " { index += 1 }
    }

    func peek(_ text: String) -> Bool {
        let needle = Array(text)
        guard index + needle.count <= chars.count else { return false }
        return Array(chars[index..<index + needle.count]) == needle
    }

    mutating func consume(_ text: String) -> Bool {
        guard peek(text) else { return false }
        index += text.count
        return true
    }

    /// Characters up to a space, an operator or a separator.
    mutating func identifier() -> String {
        let start = index
        while index < chars.count, !" ,=!<>()".contains(chars[index]) { index += 1 }
        return String(chars[start..<index])
    }

    /// A value: characters up to a space, ',' or ')'.
    mutating func value() -> String {
        skipSpaces()
        let start = index
        while index < chars.count, !" ,)(".contains(chars[index]) { index += 1 }
        return String(chars[start..<index])
    }

    /// Raw text up to an unescaped ',' (field selector values may contain '=').
    mutating func fieldValue() -> String {
        var out = ""
        while index < chars.count, chars[index] != "," {
            if chars[index] == "\\", index + 1 < chars.count {
                out.append(chars[index + 1])
                index += 2
                continue
            }
            out.append(chars[index])
            index += 1
        }
        return out
    }
}
