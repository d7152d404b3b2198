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
