import Synchronization

/// A gauge family: a value per label set that goes up and down (pods running, bytes free).
public final class Gauge: MetricsCollector {
    public let name: String
    public let help: String
    public let labelNames: [String]
    private let values = Mutex<[[String]: Double]>([:])

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
        values.withLock { $0[labels] = value }
    }

    /// Adds `amount` (maybe negative) to the series of `labels`.
    public func add(_ amount: Double, labels: [String] = []) {
        MetricRules.check(labels, of: name, names: labelNames)
        values.withLock { $0[labels, default: 0] += amount }
    }

    /// Removes the series of `labels` (its object is gone).
    public func remove(labels: [String]) {
        _ = values.withLock { $0.removeValue(forKey: labels) }
    }

    /// The current value of the series of `labels`, if it has one.
    public func value(labels: [String] = []) -> Double? { values.withLock { $0[labels] } }

    public func collect() -> [MetricFamily] {
        let snapshot = values.withLock { $0 }
        let samples = snapshot.sorted { $0.key.lexicographicallyPrecedes($1.key) }.map {
            MetricSample(labels: MetricRules.labels(labelNames, $0.key), value: $0.value)
        }
        return [MetricFamily(name: name, help: help, type: .gauge, samples: samples)]
    }
}
