import Foundation

/// Value rules that core/v1 validation shares between Pods and the workloads that embed
/// them (apimachinery/pkg/util/validation and the helpers of core validation), with the
/// messages users see.
public enum CoreRules {
    /// "must be greater than or equal to 0", the message of ValidateNonnegativeField.
    public static let nonNegativeMessage = "must be greater than or equal to 0"

    /// InclusiveRangeError: "must be between 1 and 65535, inclusive".
    public static func rangeMessage(_ low: Int64, _ high: Int64) -> String {
        "must be between \(low) and \(high), inclusive"
    }

    /// ValidateNonnegativeField: one error when `value` is negative.
    public static func nonNegative(_ value: some BinaryInteger, _ field: FieldPath) -> [FieldError] {
        value < 0 ? [.invalid(field, number: value, nonNegativeMessage)] : []
    }

    /// IsValidPortNum.
    public static func portNumberProblems(_ port: Int64) -> [String] {
        (1...65535).contains(port) ? [] : [rangeMessage(1, 65535)]
    }

    /// IsValidPortName (IANA_SVC_NAME): 15 characters of a-z, 0-9 and '-', at least one letter.
    public static func portNameProblems(_ name: String) -> [String] {
        var problems: [String] = []
        let bytes = Array(name.utf8)
        if bytes.count > 15 { problems.append("must be no more than 15 characters") }
        if !bytes.allSatisfy({ isLower($0) || isDigit($0) || $0 == 45 }) {
            problems.append("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)")
        }
        if !bytes.contains(where: isLower) { problems.append("must contain at least one letter (a-z)") }
        if name.contains("--") { problems.append("must not contain consecutive hyphens") }
        if bytes.first == 45 || bytes.last == 45 { problems.append("must not begin or end with a hyphen") }
        return problems
    }

    /// IsRelaxedEnvVarName, the rule of Kubernetes 1.32 (RelaxedEnvironmentVariableValidation
    /// is on by default): printable ASCII other than '='.
    public static func envVarNameProblems(_ name: String) -> [String] {
        let ok = name.utf8.allSatisfy { $0 >= 32 && $0 <= 126 && $0 != 61 }
        return ok ? [] : ["a valid environment variable name must consist only of printable ASCII characters other than '='"]
    }

    /// IsConfigMapKey: a key of a ConfigMap or Secret.
    public static func configMapKeyProblems(_ key: String) -> [String] {
        var problems: [String] = []
        let bytes = Array(key.utf8)
        if bytes.count > 253 { problems.append("must be no more than 253 characters") }
        if bytes.isEmpty || !bytes.allSatisfy({ isAlnum($0) || $0 == 45 || $0 == 46 || $0 == 95 }) {
            problems.append(
                "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')"
            )
        }
        problems += chdirPrefixProblems(key)
        return problems
    }

    /// hasChDirPrefix: "." and ".." are not names.
    static func chdirPrefixProblems(_ value: String) -> [String] {
        switch value {
        case ".": return ["must not be '.'"]
        case "..": return ["must not be '..'"]
        default: return value.hasPrefix("..") ? ["must not start with '..'"] : []
        }
    }

    /// IsValidUserID / IsValidGroupID.
    public static func idProblems(_ id: Int64) -> [String] {
        (0...Int64(Int32.max)).contains(id) ? [] : [rangeMessage(0, Int64(Int32.max))]
    }

    /// IsValidIP, with the message of Kubernetes 1.32.
    public static func ipProblems(_ text: String) -> [String] {
        isIP(text) ? [] : ["must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"]
    }

    /// Whether `text` is an IPv4 address (leading zeros tolerated, as ParseIPSloppy does) or
    /// an IPv6 address.
    public static func isIP(_ text: String) -> Bool { isIPv4(Substring(text)) || isIPv6(text) }

    private static func isIPv4(_ text: Substring) -> Bool {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return false }
        return parts.allSatisfy { part in
            !part.isEmpty && part.count <= 3 && part.utf8.allSatisfy(isDigit) && (Int(part) ?? 256) <= 255
        }
    }

    private static func isIPv6(_ text: String) -> Bool {
        guard text.contains(":") else { return false }
        var body = Substring(text)
        var groupsNeeded = 8
        // An embedded IPv4 tail ("::ffff:10.0.0.1") stands for two groups.
        if let lastColon = body.lastIndex(of: ":"), body[body.index(after: lastColon)...].contains(".") {
            guard isIPv4(body[body.index(after: lastColon)...]) else { return false }
            body = body[...lastColon]
            if body.hasSuffix("::") == false { body = body.dropLast() }
            groupsNeeded = 6
        }
        let halves = body.components(separatedBy: "::")
        guard halves.count <= 2 else { return false }
        func groups(_ half: String) -> [Substring]? {
            if half.isEmpty { return [] }
            let items = half.split(separator: ":", omittingEmptySubsequences: false)
            let valid = items.allSatisfy { !$0.isEmpty && $0.count <= 4 && $0.utf8.allSatisfy(isHex) }
            return valid ? items : nil
        }
        guard let head = groups(halves[0]) else { return false }
        if halves.count == 1 { return head.count == groupsNeeded }
        guard let tail = groups(halves[1]) else { return false }
        return head.count + tail.count < groupsNeeded
    }

    /// validatePathNoBacksteps: no ".." element.
    public static func noBacksteps(_ path: String, _ field: FieldPath) -> [FieldError] {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        return parts.contains("..") ? [.invalid(field, path, "must not contain '..'")] : []
    }

    /// validateLocalDescendingPath: relative and without "..".
    public static func localDescendingPath(_ path: String, _ field: FieldPath) -> [FieldError] {
        var errors: [FieldError] = []
        if path.hasPrefix("/") { errors.append(.invalid(field, path, "must be a relative path")) }
        errors += noBacksteps(path, field)
        return errors
    }

    /// ValidateLocalNonReservedPath: a descending path that does not start with "..".
    public static func localNonReservedPath(_ path: String, _ field: FieldPath) -> [FieldError] {
        var errors = localDescendingPath(path, field)
        if path.hasPrefix(".."), !path.hasPrefix("../") {
            errors.append(.invalid(field, path, "must not start with '..'"))
        }
        return errors
    }

    /// ValidateDNS1123Label on a field.
    public static func dns1123Label(_ value: String, _ field: FieldPath) -> [FieldError] {
        NameRules.dns1123Label(value).map { FieldError.invalid(field, value, $0) }
    }

    /// ValidateDNS1123Subdomain on a field.
    public static func dns1123Subdomain(_ value: String, _ field: FieldPath) -> [FieldError] {
        NameRules.dns1123Subdomain(value).map { FieldError.invalid(field, value, $0) }
    }

    /// ValidateQualifiedName / ValidateLabelName on a field.
    public static func qualifiedName(_ value: String, _ field: FieldPath) -> [FieldError] {
        NameRules.qualifiedName(value).map { FieldError.invalid(field, value, $0) }
    }

    /// The file mode rule of secret, configMap, downwardAPI and projected volumes.
    public static func fileMode(_ mode: Int32?, _ field: FieldPath) -> [FieldError] {
        guard let mode, mode > 0o777 || mode < 0 else { return [] }
        return [.invalid(field, number: mode, "must be a number between 0 and 0777 (octal), both inclusive")]
    }

    private static func isLower(_ c: UInt8) -> Bool { c >= 97 && c <= 122 }
    private static func isDigit(_ c: UInt8) -> Bool { c >= 48 && c <= 57 }
    private static func isAlnum(_ c: UInt8) -> Bool { isLower(c) || isDigit(c) || (c >= 65 && c <= 90) }
    private static func isHex(_ c: UInt8) -> Bool { isDigit(c) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70) }
}
