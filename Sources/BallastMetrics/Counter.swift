/// A counter family: a value per label set that only goes up (requests, failures).
public final class Counter: MetricsCollector {
    public let name: String
    public let help: String
    public let labelNames: [String]
    private let series = SeriesValues()

    /// Makes a counter; `MetricsRegistry.counter` makes and registers one.
    public init(name: String, help: String, labelNames: [String] = []) {
        MetricRules.check(name: name, labelNames: labelNames)
        self.name = name
        self.help = help
        self.labelNames = labelNames
    }

    public var familyNames: [String] { [name] }

    /// Adds `amount` (not negative) to the series of `labels` (values in the order of `labelNames`).
    public func increment(by amount: Double = 1, labels: [String] = []) {
        precondition(amount >= 0, "a counter only goes up")
        MetricRules.check(labels, of: self.name, names: labelNames)
        series.modify(labels) { $0 = ($0 ?? 0) + amount }
    }

    /// The current value of the series of `labels` (0 when it has none yet).
    public func value(labels: [String] = []) -> Double { series.value(labels) ?? 0 }

    public func collect() -> [MetricFamily] {
        [MetricFamily(name: name, help: help, type: .counter, samples: series.samples(labelNames: labelNames))]
    }
}
