import BallastMetrics
import Testing

/// The text exposition format 0.0.4, line by line, as Prometheus' parser reads it.
struct PrometheusTextTests {
    @Test func aCounterHasHelpTypeAndOneLinePerLabelSetSortedByLabelValues() {
        let registry = MetricsRegistry()
        let requests = registry.counter("apiserver_request_total", help: "Counter of apiserver requests.", labels: ["verb", "code"])
        requests.increment(labels: ["POST", "201"])
        requests.increment(labels: ["GET", "200"])
        requests.increment(by: 2, labels: ["GET", "200"])
        #expect(registry.render() == """
            # HELP apiserver_request_total Counter of apiserver requests.
            # TYPE apiserver_request_total counter
            apiserver_request_total{verb="GET",code="200"} 3
            apiserver_request_total{verb="POST",code="201"} 1

            """)
        #expect(requests.value(labels: ["GET", "200"]) == 3)
        #expect(requests.value(labels: ["PUT", "200"]) == 0)
    }

    @Test func labelValuesEscapeBackslashQuoteAndNewlineAndHelpEscapesBackslashAndNewline() {
        let gauge = Gauge(name: "odd", help: "a \\ b\nc \"q\"", labelNames: ["path"])
        gauge.set(1.5, labels: ["C:\\dir \"x\"\nnext"])
        #expect(PrometheusText.render(gauge.collect()) == """
            # HELP odd a \\\\ b\\nc "q"
            # TYPE odd gauge
            odd{path="C:\\\\dir \\"x\\"\\nnext"} 1.5

            """)
    }

    @Test func aMetricWithoutLabelsHasNoBraces() {
        let gauge = Gauge(name: "up", help: "Up.")
        gauge.set(1)
        #expect(PrometheusText.render(gauge.collect()) == "# HELP up Up.\n# TYPE up gauge\nup 1\n")
    }

    @Test func aHistogramHasCumulativeBucketsWithInfThenSumAndCount() {
        let histogram = Histogram(name: "op_duration_seconds", help: "Durations.", labelNames: ["op"], buckets: [0.1, 1, 2.5])
        for value in [0.05, 0.1, 0.7, 3.0] { histogram.observe(value, labels: ["provision"]) }
        histogram.observe(.milliseconds(1500), labels: ["delete"])
        #expect(PrometheusText.render(histogram.collect()) == """
            # HELP op_duration_seconds Durations.
            # TYPE op_duration_seconds histogram
            op_duration_seconds_bucket{op="delete",le="0.1"} 0
            op_duration_seconds_bucket{op="delete",le="1"} 0
            op_duration_seconds_bucket{op="delete",le="2.5"} 1
            op_duration_seconds_bucket{op="delete",le="+Inf"} 1
            op_duration_seconds_sum{op="delete"} 1.5
            op_duration_seconds_count{op="delete"} 1
            op_duration_seconds_bucket{op="provision",le="0.1"} 2
            op_duration_seconds_bucket{op="provision",le="1"} 3
            op_duration_seconds_bucket{op="provision",le="2.5"} 3
            op_duration_seconds_bucket{op="provision",le="+Inf"} 4
            op_duration_seconds_sum{op="provision"} 3.85
            op_duration_seconds_count{op="provision"} 4

            """)
        #expect(histogram.count(labels: ["provision"]) == 4)
    }

    @Test(arguments: [
        (0.0, "0"), (42.0, "42"), (1_073_741_824.0, "1073741824"), (-3.0, "-3"), (0.005, "0.005"), (2.5e-7, "2.5e-07"),
        (Double.infinity, "+Inf"), (-Double.infinity, "-Inf"), (Double.nan, "NaN"), (1e20, "1e+20"),
    ])
    func valuesAreWrittenAsPrometheusReadsThem(value: Double, text: String) {
        #expect(PrometheusText.format(value) == text)
    }

    @Test func familiesAreSortedByNameAndCollectorsAreAskedAtEveryScrape() {
        let registry = MetricsRegistry()
        _ = registry.counter("b_total", help: "B.")
        let box = Gauge(name: "unused", help: "")
        box.set(7)
        registry.register(CollectorFunction(names: ["a_bytes"]) {
            [MetricFamily.gauge("a_bytes", help: "A.", labelNames: ["pvc"], values: [(["data"], box.value() ?? 0)])]
        })
        #expect(registry.collect().map(\.name) == ["a_bytes", "b_total"])
        #expect(registry.render().contains("a_bytes{pvc=\"data\"} 7\n"))
        box.set(8)
        #expect(registry.render().contains("a_bytes{pvc=\"data\"} 8\n"))
    }

    @Test func askingTwiceForAMetricReturnsTheSameOne() {
        let registry = MetricsRegistry()
        let first = registry.histogram("h_seconds", help: "H.", labels: ["x"], buckets: [1, 2])
        let second = registry.histogram("h_seconds", help: "H.", labels: ["x"], buckets: [1, 2])
        first.observe(1, labels: ["y"])
        #expect(second.count(labels: ["y"]) == 1)
        #expect(first === second)
    }

    @Test func namesFollowTheDataModel() {
        #expect(MetricName.isValid("kubelet_volume_stats_capacity_bytes"))
        #expect(MetricName.isValid("ns:rule_total"))
        #expect(!MetricName.isValid("9lives"))
        #expect(!MetricName.isValid("with-dash"))
        #expect(!MetricName.isValid(""))
        #expect(MetricName.isValidLabel("persistentvolumeclaim"))
        #expect(!MetricName.isValidLabel("__name__"))
        #expect(!MetricName.isValidLabel("a:b"))
    }

    @Test func exponentialBucketsGrowByTheFactor() {
        #expect(Histogram.exponentialBuckets(start: 0.5, factor: 2, count: 4) == [0.5, 1, 2, 4])
    }
}
