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
