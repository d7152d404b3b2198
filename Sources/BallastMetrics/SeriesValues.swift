import Synchronization

/// The values of a counter's or a gauge's series, by label values, behind a lock.
final class SeriesValues: Sendable {
    private let values = Mutex<[[String]: Double]>([:])

    /// Changes the value of the series of `labels` (nil: it has none).
    func modify(_ labels: [String], _ change: (inout Double?) -> Void) {
        values.withLock { change(&$0[labels]) }
    }

    func value(_ labels: [String]) -> Double? { values.withLock { $0[labels] } }

    func remove(_ labels: [String]) {
        _ = values.withLock { $0.removeValue(forKey: labels) }
    }

    /// Every series as a sample, in the order of their label values.
    func samples(labelNames: [String]) -> [MetricSample] {
        values.withLock { $0 }.sorted { $0.key.lexicographicallyPrecedes($1.key) }.map {
            MetricSample(labels: MetricRules.labels(labelNames, $0.key), value: $0.value)
        }
    }
}
