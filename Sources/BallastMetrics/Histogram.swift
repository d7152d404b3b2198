import Synchronization

/// A histogram family: per label set, how many observations fell at or under each bucket's
/// upper bound, their sum and their count (latencies, durations).
public final class Histogram: MetricsCollector {
    /// Prometheus' default buckets, 5 ms to 10 s.
    public static let defaultBuckets: [Double] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

    /// `count` buckets from `start`, each `factor` times the one before.
    public static func exponentialBuckets(start: Double, factor: Double, count: Int) -> [Double] {
        precondition(start > 0 && factor > 1 && count > 0, "exponential buckets need start > 0, factor > 1, count > 0")
        var bounds: [Double] = []
        var bound = start
        for _ in 0..<count {
            bounds.append(bound)
            bound *= factor
        }
        return bounds
    }

    private struct Series {
        var counts: [UInt64]
        var sum: Double = 0
        var count: UInt64 = 0
    }

    public let name: String
    public let help: String
    public let labelNames: [String]
    /// The upper bounds, ascending, without +Inf (always present).
    public let buckets: [Double]
    private let series = Mutex<[[String]: Series]>([:])

    /// Makes a histogram; `MetricsRegistry.histogram` makes and registers one.
    public init(name: String, help: String, labelNames: [String] = [], buckets: [Double] = Histogram.defaultBuckets) {
        MetricRules.check(name: name, labelNames: labelNames)
        precondition(!labelNames.contains("le"), "le is the bucket label of \(name)")
        let bounds = buckets.filter { $0 != .infinity }
        precondition(!bounds.isEmpty && zip(bounds, bounds.dropFirst()).allSatisfy { $0 < $1 }, "buckets of \(name) must ascend")
        self.name = name
        self.help = help
        self.labelNames = labelNames
        self.buckets = bounds
    }

    public var familyNames: [String] { [name] }

    /// Records `value` in the series of `labels`.
    public func observe(_ value: Double, labels: [String] = []) {
        MetricRules.check(labels, of: name, names: labelNames)
        let index = buckets.firstIndex { value <= $0 }
        series.withLock { table in
            var entry = table[labels] ?? Series(counts: Array(repeating: 0, count: buckets.count))
            if let index { entry.counts[index] += 1 }
            entry.sum += value
            entry.count += 1
            table[labels] = entry
        }
    }

    /// Records `duration` in seconds.
    public func observe(_ duration: Duration, labels: [String] = []) {
        observe(duration.seconds, labels: labels)
    }

    /// How many observations the series of `labels` has.
    public func count(labels: [String] = []) -> UInt64 { series.withLock { $0[labels]?.count ?? 0 } }

    /// The sum of the observations of the series of `labels`.
    public func sum(labels: [String] = []) -> Double { series.withLock { $0[labels]?.sum ?? 0 } }

    public func collect() -> [MetricFamily] {
        let snapshot = series.withLock { $0 }
        var samples: [MetricSample] = []
        for (values, entry) in snapshot.sorted(by: { $0.key.lexicographicallyPrecedes($1.key) }) {
            let labels = MetricRules.labels(labelNames, values)
            var cumulative: UInt64 = 0
            for (bound, count) in zip(buckets, entry.counts) {
                cumulative += count
                samples.append(MetricSample(suffix: "_bucket", labels: labels + [MetricLabel("le", PrometheusText.format(bound))], value: Double(cumulative)))
            }
            samples.append(MetricSample(suffix: "_bucket", labels: labels + [MetricLabel("le", "+Inf")], value: Double(entry.count)))
            samples.append(MetricSample(suffix: "_sum", labels: labels, value: entry.sum))
            samples.append(MetricSample(suffix: "_count", labels: labels, value: Double(entry.count)))
        }
        return [MetricFamily(name: name, help: help, type: .histogram, samples: samples)]
    }
}

extension Duration {
    /// The duration in seconds, with its fraction.
    public var seconds: Double {
        let parts = components
        return Double(parts.seconds) + Double(parts.attoseconds) / 1e18
    }
}
