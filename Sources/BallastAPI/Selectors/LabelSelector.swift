/// metav1.LabelSelector, as objects carry it (matchLabels and matchExpressions).
public struct LabelSelector: Codable, Sendable, Equatable, Hashable {
    public var matchLabels: [String: String]?
    public var matchExpressions: [LabelSelectorRequirement]?

    public init(matchLabels: [String: String]? = nil, matchExpressions: [LabelSelectorRequirement]? = nil) {
        self.matchLabels = matchLabels
        self.matchExpressions = matchExpressions
    }

    /// True when the selector has no terms; Kubernetes reads that as "everything" for most
    /// fields and as "nothing" for a few, so callers decide.
    public var isEmpty: Bool { (matchLabels ?? [:]).isEmpty && (matchExpressions ?? []).isEmpty }

    /// The selector as requirements (an empty selector matches everything).
    public func requirements() throws(SelectorError) -> LabelQuery {
        var terms: [LabelQuery.Requirement] = []
        for (key, value) in (matchLabels ?? [:]).sorted(by: { $0.key < $1.key }) {
            terms.append(.init(key: key, op: .equals, values: [value]))
        }
        for expression in matchExpressions ?? [] {
            let op: LabelQuery.Operator
            switch expression.operator {
            case "In": op = .in
            case "NotIn": op = .notIn
            case "Exists": op = .exists
            case "DoesNotExist": op = .doesNotExist
            default: throw SelectorError("\"\(expression.operator)\" is not a valid label selector operator")
            }
            let values = expression.values ?? []
            switch op {
            case .in, .notIn:
                if values.isEmpty { throw SelectorError("for 'in', 'notin' operators, values set can't be empty") }
            case .exists, .doesNotExist:
                if !values.isEmpty { throw SelectorError("values set must be empty for exists and does not exist") }
            default: break
            }
            terms.append(.init(key: expression.key, op: op, values: values))
        }
        return LabelQuery(requirements: terms)
    }

    /// Whether `labels` satisfy the selector; an invalid selector matches nothing.
    public func matches(_ labels: [String: String]?) -> Bool {
        guard let query = try? requirements() else { return false }
        return query.matches(labels ?? [:])
    }

    /// Checks the selector's keys, values and operators.
    public func validate(field: FieldPath) -> [FieldError] {
        var errors: [FieldError] = []
        errors += NameRules.validateLabels(matchLabels, field: field.child("matchLabels"))
        for (index, expression) in (matchExpressions ?? []).enumerated() {
            let path = field.child("matchExpressions").index(index)
            errors += NameRules.qualifiedName(expression.key).map { FieldError.invalid(path.child("key"), expression.key, $0) }
            switch expression.operator {
            case "In", "NotIn":
                if (expression.values ?? []).isEmpty {
                    errors.append(.required(path.child("values"), "must be specified when `operator` is 'In' or 'NotIn'"))
                }
            case "Exists", "DoesNotExist":
                if !(expression.values ?? []).isEmpty {
                    errors.append(.forbidden(path.child("values"), "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"))
                }
            default:
                errors.append(.invalid(path.child("operator"), expression.operator, "not a valid selector operator"))
            }
        }
        return errors
    }

    /// The selector in query form ("app=web,tier in (a,b)"), as kubectl shows it.
    public var queryString: String {
        (try? requirements().description) ?? ""
    }
}

public struct LabelSelectorRequirement: Codable, Sendable, Equatable, Hashable {
    public var key: String
    public var `operator`: String
    public var values: [String]?

    public init(key: String, operator op: String, values: [String]? = nil) {
        self.key = key
        self.operator = op
        self.values = values
    }
}

/// A label selector or field selector the user wrote wrongly.
public struct SelectorError: Error, Sendable, Equatable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
