/// A path to a field, written as Kubernetes writes it: "spec.containers[0].name",
/// "metadata.labels[app]".
public struct FieldPath: Sendable, Hashable, CustomStringConvertible {
    public private(set) var description: String

    public init(_ root: String) { description = root }

    public func child(_ name: String) -> FieldPath {
        FieldPath(description.isEmpty ? name : "\(description).\(name)")
    }

    public func index(_ index: Int) -> FieldPath { FieldPath("\(description)[\(index)]") }

    public func key(_ key: String) -> FieldPath { FieldPath("\(description)[\(key)]") }
}

/// One validation failure, rendered exactly as Kubernetes renders field.Error.
public struct FieldError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        case required = "FieldValueRequired"
        case invalid = "FieldValueInvalid"
        case forbidden = "FieldValueForbidden"
        case notSupported = "FieldValueNotSupported"
        case duplicate = "FieldValueDuplicate"
        case tooLong = "FieldValueTooLong"
        case tooMany = "FieldValueTooMany"
        case notFound = "FieldValueNotFound"
        case typeInvalid = "FieldValueTypeInvalid"
        case `internal` = "InternalError"
    }

    public var kind: Kind
    public var field: String
    public var badValue: String?
    public var detail: String

    public init(_ kind: Kind, _ field: FieldPath, value: String? = nil, detail: String = "") {
        self.kind = kind
        self.field = field.description
        self.badValue = value
        self.detail = detail
    }

    public static func required(_ field: FieldPath, _ detail: String = "") -> FieldError {
        FieldError(.required, field, detail: detail)
    }

    /// An invalid value; `value` is rendered quoted when it is a string, as Go's %#v does.
    public static func invalid(_ field: FieldPath, _ value: String, _ detail: String) -> FieldError {
        FieldError(.invalid, field, value: quote(value), detail: detail)
    }

    public static func invalid(_ field: FieldPath, number value: some BinaryInteger, _ detail: String) -> FieldError {
        FieldError(.invalid, field, value: String(value), detail: detail)
    }

    public static func invalid(_ field: FieldPath, raw value: String, _ detail: String) -> FieldError {
        FieldError(.invalid, field, value: value, detail: detail)
    }

    public static func forbidden(_ field: FieldPath, _ detail: String) -> FieldError {
        FieldError(.forbidden, field, detail: detail)
    }

    public static func notSupported(_ field: FieldPath, _ value: String, _ supported: [String]) -> FieldError {
        let list = supported.map { quote($0) }.joined(separator: ", ")
        return FieldError(.notSupported, field, value: quote(value), detail: supported.isEmpty ? "" : "supported values: \(list)")
    }

    public static func duplicate(_ field: FieldPath, _ value: String) -> FieldError {
        FieldError(.duplicate, field, value: quote(value))
    }

    public static func tooLong(_ field: FieldPath, max: Int) -> FieldError {
        FieldError(.tooLong, field, detail: "must have at most \(max) bytes")
    }

    public static func tooMany(_ field: FieldPath, actual: Int, max: Int) -> FieldError {
        FieldError(.tooMany, field, detail: "must have at most \(max) items")
    }

    static func quote(_ text: String) -> String {
        var out = "\""
        for ch in text.unicodeScalars {
            switch ch {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            default: out.unicodeScalars.append(ch)
            }
        }
        return out + "\""
    }

    /// The message without the field: "Invalid value: \"Foo\": a lowercase RFC 1123 …".
    public var errorBody: String {
        var text: String
        switch kind {
        case .required: text = "Required value"
        case .invalid: text = "Invalid value"
        case .forbidden: text = "Forbidden"
        case .notSupported: text = "Unsupported value"
        case .duplicate: text = "Duplicate value"
        case .tooLong: text = "Too long"
        case .tooMany: text = "Too many"
        case .notFound: text = "Not found"
        case .typeInvalid: text = "Invalid value"
        case .internal: text = "Internal error"
        }
        if let badValue, kind != .required, kind != .forbidden, kind != .tooLong, kind != .internal {
            text += ": \(badValue)"
        }
        if !detail.isEmpty { text += ": \(detail)" }
        return text
    }

    /// "spec.accessModes: Required value: at least 1 access mode is required".
    public var description: String { "\(field): \(errorBody)" }
}

/// Collects field errors while a validator walks an object.
public struct FieldErrors: Sendable, Equatable {
    public private(set) var all: [FieldError] = []

    public init() {}

    public var isEmpty: Bool { all.isEmpty }

    public mutating func append(_ error: FieldError) { all.append(error) }

    public mutating func append(contentsOf errors: [FieldError]) { all.append(contentsOf: errors) }

    public mutating func append(contentsOf errors: FieldErrors) { all.append(contentsOf: errors.all) }

    public static func += (lhs: inout FieldErrors, rhs: FieldError) { lhs.append(rhs) }

    public static func += (lhs: inout FieldErrors, rhs: [FieldError]) { lhs.append(contentsOf: rhs) }

    public static func += (lhs: inout FieldErrors, rhs: FieldErrors) { lhs.append(contentsOf: rhs.all) }
}
