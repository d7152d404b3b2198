/// The name and label rules of Kubernetes (apimachinery/pkg/util/validation), with the
/// exact messages users see.
public enum NameRules {
    static let dns1123LabelMessage =
        "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"
    static let dns1123SubdomainMessage =
        "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
    static let dns1035LabelMessage =
        "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')"
    static let qualifiedNameMessage =
        "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"
    static let labelValueMessage =
        "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"

    private static func isLowerAlnum(_ c: UInt8) -> Bool { (c >= 97 && c <= 122) || (c >= 48 && c <= 57) }
    private static func isAlnum(_ c: UInt8) -> Bool { isLowerAlnum(c) || (c >= 65 && c <= 90) }

    /// Problems with `value` as an RFC 1123 label (container names, namespaces, ports' names).
    public static func dns1123Label(_ value: String) -> [String] {
        var errors: [String] = []
        let bytes = Array(value.utf8)
        if bytes.count > 63 { errors.append("must be no more than 63 characters") }
        if !isDNS1123Label(bytes) { errors.append(dns1123LabelMessage) }
        return errors
    }

    private static func isDNS1123Label(_ bytes: some BidirectionalCollection<UInt8>) -> Bool {
        guard let first = bytes.first, let last = bytes.last, isLowerAlnum(first), isLowerAlnum(last) else { return false }
        return bytes.allSatisfy { isLowerAlnum($0) || $0 == 45 }
    }

    /// Problems with `value` as an RFC 1123 subdomain (most object names).
    public static func dns1123Subdomain(_ value: String) -> [String] {
        var errors: [String] = []
        let bytes = Array(value.utf8)
        if bytes.count > 253 { errors.append("must be no more than 253 characters") }
        let parts = bytes.split(separator: 46, omittingEmptySubsequences: false)
        if bytes.isEmpty || !parts.allSatisfy({ isDNS1123Label($0) }) { errors.append(dns1123SubdomainMessage) }
        return errors
    }

    /// Problems with `value` as a DNS-1035 label (service names).
    public static func dns1035Label(_ value: String) -> [String] {
        var errors: [String] = []
        let bytes = Array(value.utf8)
        if bytes.count > 63 { errors.append("must be no more than 63 characters") }
        let ok = isDNS1123Label(bytes) && (bytes.first.map { $0 >= 97 && $0 <= 122 } ?? false)
        if !ok { errors.append(dns1035LabelMessage) }
        return errors
    }

    /// Problems with `value` as a qualified name ("prefix/name"), used for label and
    /// annotation keys and finalizers.
    public static func qualifiedName(_ value: String) -> [String] {
        var errors: [String] = []
        let parts = value.split(separator: "/", omittingEmptySubsequences: false)
        var name = Substring(value)
        switch parts.count {
        case 1: break
        case 2:
            let prefix = String(parts[0])
            name = parts[1]
            if prefix.isEmpty {
                errors.append("prefix part must be non-empty")
            } else {
                errors.append(contentsOf: dns1123Subdomain(prefix).map { "prefix part \($0)" })
            }
        default:
            return [qualifiedNameMessage.replacingPrefix("name part", with: "a qualified name")
                + " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"]
        }
        let bytes = Array(name.utf8)
        if bytes.isEmpty {
            errors.append("name part must be non-empty")
        } else if bytes.count > 63 {
            errors.append("name part must be no more than 63 characters")
        }
        if !bytes.isEmpty, !isQualifiedNamePart(bytes) { errors.append(qualifiedNameMessage) }
        return errors
    }

    private static func isQualifiedNamePart(_ bytes: [UInt8]) -> Bool {
        guard let first = bytes.first, let last = bytes.last, isAlnum(first), isAlnum(last) else { return false }
        return bytes.allSatisfy { isAlnum($0) || $0 == 45 || $0 == 95 || $0 == 46 }
    }

    /// Problems with `value` as a label value.
    public static func labelValue(_ value: String) -> [String] {
        var errors: [String] = []
        let bytes = Array(value.utf8)
        if bytes.count > 63 { errors.append("must be no more than 63 characters") }
        if !bytes.isEmpty, !isQualifiedNamePart(bytes) { errors.append(labelValueMessage) }
        return errors
    }

    /// Validates an object name with `rule`, as ValidateObjectMeta does.
    public static func validateName(_ name: String, rule: (String) -> [String], field: FieldPath) -> [FieldError] {
        rule(name).map { FieldError.invalid(field, name, $0) }
    }

    /// Validates a label map: qualified-name keys, label values.
    public static func validateLabels(_ labels: [String: String]?, field: FieldPath) -> [FieldError] {
        var errors: [FieldError] = []
        for (key, value) in (labels ?? [:]).sorted(by: { $0.key < $1.key }) {
            errors += qualifiedName(key).map { FieldError.invalid(field, key, $0) }
            errors += labelValue(value).map { FieldError.invalid(field.key(key), value, $0) }
        }
        return errors
    }

    /// Validates annotation keys, and their total size (256 KiB, as upstream).
    public static func validateAnnotations(_ annotations: [String: String]?, field: FieldPath) -> [FieldError] {
        var errors: [FieldError] = []
        var total = 0
        for (key, value) in (annotations ?? [:]).sorted(by: { $0.key < $1.key }) {
            errors += qualifiedName(key.lowercased()).map { FieldError.invalid(field, key, $0) }
            total += key.utf8.count + value.utf8.count
        }
        if total > 256 * 1024 { errors.append(FieldError.tooLong(field, max: 256 * 1024)) }
        return errors
    }
}

extension String {
    func replacingPrefix(_ prefix: String, with replacement: String) -> String {
        hasPrefix(prefix) ? replacement + dropFirst(prefix.count) : self
    }
}
