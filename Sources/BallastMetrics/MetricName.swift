/// The rules for metric and label names of the Prometheus data model.
public enum MetricName {
    /// `[a-zA-Z_:][a-zA-Z0-9_:]*`.
    public static func isValid(_ name: String) -> Bool {
        guard let first = name.utf8.first, isLetter(first) || first == UInt8(ascii: "_") || first == UInt8(ascii: ":") else { return false }
        return name.utf8.allSatisfy { isLetter($0) || isDigit($0) || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: ":") }
    }

    /// `[a-zA-Z_][a-zA-Z0-9_]*`, not starting with `__` (reserved for Prometheus itself).
    public static func isValidLabel(_ name: String) -> Bool {
        guard let first = name.utf8.first, isLetter(first) || first == UInt8(ascii: "_"), !name.hasPrefix("__") else { return false }
        return name.utf8.allSatisfy { isLetter($0) || isDigit($0) || $0 == UInt8(ascii: "_") }
    }

    private static func isLetter(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
    }

    private static func isDigit(_ byte: UInt8) -> Bool { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) }
}

/// Checks shared by every metric type: names are programming constants, so a bad one is a
/// bug, stopped at once.
enum MetricRules {
    static func check(name: String, labelNames: [String]) {
        precondition(MetricName.isValid(name), "invalid metric name \(name)")
        for label in labelNames { precondition(MetricName.isValidLabel(label), "invalid label name \(label) of \(name)") }
        precondition(Set(labelNames).count == labelNames.count, "repeated label name in \(labelNames) of \(name)")
    }

    static func check(_ values: [String], of name: String, names: [String]) {
        precondition(values.count == names.count, "\(name) has labels \(names), got \(values.count) values")
    }

    static func labels(_ names: [String], _ values: [String]) -> [MetricLabel] {
        zip(names, values).map { MetricLabel($0, $1) }
    }
}
