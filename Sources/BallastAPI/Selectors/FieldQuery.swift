/// A parsed field selector: "metadata.name=x,status.phase!=Running". Only equality and
/// inequality exist, as in Kubernetes; values may be empty ("involvedObject.namespace=").
public struct FieldQuery: Sendable, Equatable, CustomStringConvertible {
    public struct Requirement: Sendable, Equatable {
        public var field: String
        public var equals: Bool
        public var value: String

        public init(field: String, equals: Bool, value: String) {
            self.field = field
            self.equals = equals
            self.value = value
        }
    }

    public var requirements: [Requirement]

    public init(requirements: [Requirement] = []) { self.requirements = requirements }

    public static let everything = FieldQuery()

    public var isEmpty: Bool { requirements.isEmpty }

    public init(parsing text: String) throws(SelectorError) {
        var lexer = SelectorLexer(text)
        var requirements: [Requirement] = []
        while true {
            lexer.skipSpaces()
            if lexer.atEnd { break }
            let field = lexer.identifier().trimmingSpaces()
            guard !field.isEmpty else { throw SelectorError("invalid selector: '\(text)'; can't understand '\(lexer.rest)'") }
            let equals: Bool
            if lexer.consume("==") || lexer.consume("=") {
                equals = true
            } else if lexer.consume("!=") {
                equals = false
            } else {
                throw SelectorError("invalid selector: '\(text)'; can't understand '\(field)\(lexer.rest)'")
            }
            requirements.append(Requirement(field: field, equals: equals, value: lexer.fieldValue()))
            if lexer.atEnd { break }
            _ = lexer.consume(",")
        }
        self.requirements = requirements
    }

    /// The value the requirement for `field` pins with `=`, if any (for index lookups).
    public func exactValue(for field: String) -> String? {
        requirements.first { $0.field == field && $0.equals }?.value
    }

    /// Whether an object with these selectable fields matches. A field the kind does not
    /// support never matches; callers reject such selectors up front with `unsupported(…)`.
    public func matches(_ fields: [String: String]) -> Bool {
        requirements.allSatisfy { requirement in
            let have = fields[requirement.field] ?? ""
            return requirement.equals ? have == requirement.value : have != requirement.value
        }
    }

    /// The first field this selector names that `supported` lacks.
    public func unsupported(among supported: Set<String>) -> String? {
        requirements.first { !supported.contains($0.field) }?.field
    }

    public var description: String {
        requirements.map { "\($0.field)\($0.equals ? "=" : "!=")\($0.value)" }.joined(separator: ",")
    }
}
