import Synchronization

/// The metrics one process (or one agent) serves: counters, gauges and histograms made
/// through it, and collectors that compute their families at scrape time.
///
/// ```swift
/// let registry = MetricsRegistry()
/// let requests = registry.counter("apiserver_request_total", help: "Requests.", labels: ["verb", "code"])
/// requests.increment(labels: ["GET", "200"])
/// let text = registry.render()   // the Prometheus text format
/// ```
///
/// Asking twice for a metric of the same name, type and labels returns the first one, so
/// several instances of a controller in one process share their series. Asking for a name
/// already used otherwise is a programming error and traps.
public final class MetricsRegistry: Sendable {
    private struct State {
        var collectors: [any MetricsCollector] = []
        var owners: [String: Int] = [:]
    }

    private let state = Mutex(State())

    /// An empty registry.
    public init() {}

    /// The counter `name`, made and registered on first use.
    public func counter(_ name: String, help: String, labels: [String] = []) -> Counter {
        metric(name) { Counter(name: name, help: help, labelNames: labels) } matches: { $0.labelNames == labels }
    }

    /// The gauge `name`, made and registered on first use.
    public func gauge(_ name: String, help: String, labels: [String] = []) -> Gauge {
        metric(name) { Gauge(name: name, help: help, labelNames: labels) } matches: { $0.labelNames == labels }
    }

    /// The histogram `name`, made and registered on first use.
    public func histogram(_ name: String, help: String, labels: [String] = [], buckets: [Double] = Histogram.defaultBuckets) -> Histogram {
        metric(name) { Histogram(name: name, help: help, labelNames: labels, buckets: buckets) } matches: {
            $0.labelNames == labels && $0.buckets == buckets.filter { $0 != .infinity }
        }
    }

    /// Adds a collector whose families are computed at every scrape.
    /// - Precondition: none of its family names is registered yet.
    public func register(_ collector: any MetricsCollector) {
        state.withLock { state in
            for name in collector.familyNames {
                precondition(MetricName.isValid(name), "invalid metric name \(name)")
                precondition(state.owners[name] == nil, "metric \(name) is registered twice")
                state.owners[name] = state.collectors.count
            }
            state.collectors.append(collector)
        }
    }

    /// Every family, sorted by name.
    public func collect() -> [MetricFamily] {
        let collectors = state.withLock { $0.collectors }
        return collectors.flatMap { $0.collect() }.sorted { $0.name < $1.name }
    }

    /// Every family in the Prometheus text format 0.0.4.
    public func render() -> String { PrometheusText.render(collect()) }

    private func metric<M: MetricsCollector>(_ name: String, make: () -> M, matches: (M) -> Bool) -> M {
        state.withLock { state in
            if let index = state.owners[name] {
                guard let existing = state.collectors[index] as? M, matches(existing) else {
                    preconditionFailure("metric \(name) is already registered with another type, labels or buckets")
                }
                return existing
            }
            let made = make()
            state.owners[name] = state.collectors.count
            state.collectors.append(made)
            return made
        }
    }
}
