/// core/v1 NodeSelector: ORed terms of ANDed requirements (node affinity, a PV's nodeAffinity).
public struct NodeSelector: Codable, Sendable, Equatable, Hashable {
    public var nodeSelectorTerms: [NodeSelectorTerm]

    public init(nodeSelectorTerms: [NodeSelectorTerm]) { self.nodeSelectorTerms = nodeSelectorTerms }

    /// Whether a node with these labels and fields (metadata.name) matches any term.
    public func matches(labels: [String: String], fields: [String: String]) -> Bool {
        nodeSelectorTerms.contains { $0.matches(labels: labels, fields: fields) }
    }
}

public struct NodeSelectorTerm: Codable, Sendable, Equatable, Hashable {
    public var matchExpressions: [NodeSelectorRequirement]?
    public var matchFields: [NodeSelectorRequirement]?

    public init(matchExpressions: [NodeSelectorRequirement]? = nil, matchFields: [NodeSelectorRequirement]? = nil) {
        self.matchExpressions = matchExpressions
        self.matchFields = matchFields
    }

    /// A term with no requirements matches nothing, as in Kubernetes.
    public func matches(labels: [String: String], fields: [String: String]) -> Bool {
        let expressions = matchExpressions ?? []
        let fieldTerms = matchFields ?? []
        if expressions.isEmpty && fieldTerms.isEmpty { return false }
        return expressions.allSatisfy { $0.matches(labels) } && fieldTerms.allSatisfy { $0.matches(fields) }
    }
}

/// core/v1 NodeSelectorRequirement: In, NotIn, Exists, DoesNotExist, Gt, Lt.
public struct NodeSelectorRequirement: Codable, Sendable, Equatable, Hashable {
    public var key: String
    public var `operator`: String
    public var values: [String]?

    public init(key: String, operator op: String, values: [String]? = nil) {
        self.key = key
        self.operator = op
        self.values = values
    }

    public static let operators = ["DoesNotExist", "Exists", "Gt", "In", "Lt", "NotIn"]

    public func matches(_ labels: [String: String]) -> Bool {
        let values = self.values ?? []
        let have = labels[key]
        switch self.operator {
        case "In": return have.map { values.contains($0) } ?? false
        case "NotIn": return have.map { !values.contains($0) } ?? true
        case "Exists": return have != nil
        case "DoesNotExist": return have == nil
        case "Gt", "Lt":
            guard let have, let number = Int64(have), values.count == 1, let bound = Int64(values[0]) else { return false }
            return self.operator == "Gt" ? number > bound : number < bound
        default: return false
        }
    }

    public func validate(field: FieldPath) -> [FieldError] {
        var errors: [FieldError] = []
        let count = values?.count ?? 0
        switch self.operator {
        case "In", "NotIn":
            if count == 0 { errors.append(.required(field.child("values"), "must be specified when `operator` is 'In' or 'NotIn'")) }
        case "Exists", "DoesNotExist":
            if count > 0 { errors.append(.forbidden(field.child("values"), "may not be specified when `operator` is 'Exists' or 'DoesNotExist'")) }
        case "Gt", "Lt":
            if count != 1 { errors.append(.required(field.child("values"), "must be specified single value when `operator` is 'Lt' or 'Gt'")) }
        default:
            errors.append(.invalid(field.child("operator"), self.operator, "not a valid selector operator"))
        }
        errors += NameRules.qualifiedName(key).map { FieldError.invalid(field.child("key"), key, $0) }
        // Values are label values, whatever the operator (ValidateNodeSelectorRequirement).
        for (index, value) in (values ?? []).enumerated() {
            errors += NameRules.labelValue(value).map { FieldError.invalid(field.child("values").index(index), value, $0) }
        }
        return errors
    }
}

/// core/v1 TopologySelectorTerm (a StorageClass's allowedTopologies).
public struct TopologySelectorTerm: Codable, Sendable, Equatable, Hashable {
    public var matchLabelExpressions: [TopologySelectorLabelRequirement]?

    public init(matchLabelExpressions: [TopologySelectorLabelRequirement]? = nil) {
        self.matchLabelExpressions = matchLabelExpressions
    }

    public func matches(_ labels: [String: String]) -> Bool {
        (matchLabelExpressions ?? []).allSatisfy { requirement in
            labels[requirement.key].map { requirement.values.contains($0) } ?? false
        }
    }
}

public struct TopologySelectorLabelRequirement: Codable, Sendable, Equatable, Hashable {
    public var key: String
    public var values: [String]

    public init(key: String, values: [String]) {
        self.key = key
        self.values = values
    }
}

/// core/v1 Taint, on a Node.
public struct Taint: Codable, Sendable, Equatable, Hashable {
    public var key: String
    public var value: String?
    public var effect: String
    public var timeAdded: Time?

    public init(key: String, value: String? = nil, effect: String, timeAdded: Time? = nil) {
        self.key = key
        self.value = value
        self.effect = effect
        self.timeAdded = timeAdded
    }

    public static let effects = ["NoExecute", "NoSchedule", "PreferNoSchedule"]
}

/// core/v1 Toleration, on a Pod.
public struct Toleration: Codable, Sendable, Equatable, Hashable {
    public var key: String?
    public var `operator`: String?
    public var value: String?
    public var effect: String?
    public var tolerationSeconds: Int64?

    public init(key: String? = nil, operator op: String? = nil, value: String? = nil, effect: String? = nil, tolerationSeconds: Int64? = nil) {
        self.key = key
        self.operator = op
        self.value = value
        self.effect = effect
        self.tolerationSeconds = tolerationSeconds
    }

    /// Whether this toleration tolerates `taint` (v1helper.ToleratesTaint).
    public func tolerates(_ taint: Taint) -> Bool {
        if let effect, !effect.isEmpty, effect != taint.effect { return false }
        if let key, !key.isEmpty, key != taint.key { return false }
        switch self.operator ?? "Equal" {
        case "Exists": return (key ?? "").isEmpty || key == taint.key
        case "Equal", "": return (key ?? "") == taint.key && (value ?? "") == (taint.value ?? "")
        default: return false
        }
    }
}
