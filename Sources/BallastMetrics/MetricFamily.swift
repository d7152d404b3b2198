/// What kind of metric a family is, as the `# TYPE` line names it.
public enum MetricType: String, Sendable, Hashable {
    case counter
    case gauge
    case histogram
    case untyped
}

/// One label: a name and its value.
public struct MetricLabel: Sendable, Hashable {
    public var name: String
    public var value: String

    /// Makes a label.
    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }
}

/// One line of the exposition: the family's name plus `suffix` ("", "_bucket", "_sum",
/// "_count"), its labels and its value.
public struct MetricSample: Sendable, Hashable {
    public var suffix: String
    public var labels: [MetricLabel]
    public var value: Double

    /// Makes a sample.
    public init(suffix: String = "", labels: [MetricLabel] = [], value: Double) {
        self.suffix = suffix
        self.labels = labels
        self.value = value
    }
}

/// A metric family at one moment: its name, help text, type and every sample.
public struct MetricFamily: Sendable, Hashable {
    public var name: String
    public var help: String
    public var type: MetricType
    public var samples: [MetricSample]

    /// Makes a family.
    public init(name: String, help: String, type: MetricType, samples: [MetricSample]) {
        self.name = name
        self.help = help
        self.type = type
        self.samples = samples
    }

    /// A gauge family whose samples are `values`, each with its label values in the order of
    /// `labelNames` (collectors that compute their values at scrape time use this).
    public static func gauge(_ name: String, help: String, labelNames: [String], values: [(labels: [String], value: Double)]) -> MetricFamily {
        precondition(MetricName.isValid(name), "invalid metric name \(name)")
        let samples = values.map { entry in
            precondition(entry.labels.count == labelNames.count, "\(name) has labels \(labelNames), got \(entry.labels.count) values")
            return MetricSample(labels: zip(labelNames, entry.labels).map { MetricLabel($0, $1) }, value: entry.value)
        }
        return MetricFamily(name: name, help: help, type: .gauge, samples: samples)
    }
}

/// Something a registry asks for its families at every scrape.
///
/// `collect()` is called from any thread, possibly concurrently; it must not block for
/// long (a scrape waits on it) and must return the same family names every time.
public protocol MetricsCollector: Sendable {
    /// The names of the families `collect()` returns, so a registry can refuse a second
    /// collector of the same name.
    var familyNames: [String] { get }
    /// The families, as they are now.
    func collect() -> [MetricFamily]
}

/// A collector made of a closure, for values computed at scrape time (volume statistics).
public struct CollectorFunction: MetricsCollector {
    public let familyNames: [String]
    private let body: @Sendable () -> [MetricFamily]

    /// Makes a collector that calls `body` at each scrape; `names` are the family names it returns.
    public init(names: [String], _ body: @escaping @Sendable () -> [MetricFamily]) {
        self.familyNames = names
        self.body = body
    }

    public func collect() -> [MetricFamily] { body() }
}

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
