/// A gauge family: a value per label set that goes up and down (pods running, bytes free).
public final class Gauge: MetricsCollector {
    public let name: String
    public let help: String
    public let labelNames: [String]
    private let series = SeriesValues()

    /// Makes a gauge; `MetricsRegistry.gauge` makes and registers one.
    public init(name: String, help: String, labelNames: [String] = []) {
        MetricRules.check(name: name, labelNames: labelNames)
        self.name = name
        self.help = help
        self.labelNames = labelNames
    }

    public var familyNames: [String] { [name] }

    /// Sets the series of `labels` to `value`.
    public func set(_ value: Double, labels: [String] = []) {
        MetricRules.check(labels, of: name, names: labelNames)
        series.modify(labels) { $0 = value }
    }

    /// Adds `amount` (maybe negative) to the series of `labels`.
    public func add(_ amount: Double, labels: [String] = []) {
        MetricRules.check(labels, of: name, names: labelNames)
        series.modify(labels) { $0 = ($0 ?? 0) + amount }
    }

    /// Removes the series of `labels` (its object is gone).
    public func remove(labels: [String]) {
        series.remove(labels)
    }

    /// The current value of the series of `labels`, if it has one.
    public func value(labels: [String] = []) -> Double? { series.value(labels) }

    public func collect() -> [MetricFamily] {
        [MetricFamily(name: name, help: help, type: .gauge, samples: series.samples(labelNames: labelNames))]
    }
}
