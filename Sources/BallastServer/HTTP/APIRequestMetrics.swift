import BallastMetrics

/// kube-apiserver's request metrics, with its names and label meanings:
/// `apiserver_request_total` and `apiserver_request_duration_seconds`.
struct APIRequestMetrics: Sendable {
    /// kube-apiserver's buckets for request latency.
    static let durationBuckets: [Double] = [0.005, 0.025, 0.05, 0.1, 0.2, 0.4, 0.6, 0.8, 1.0, 1.25, 1.5, 2, 3, 4, 5, 6, 8, 10, 15, 20, 30, 45, 60]
    static let labels = ["verb", "group", "version", "resource", "subresource", "scope", "component"]

    let requests: Counter
    let durations: Histogram

    init(registry: MetricsRegistry) {
        requests = registry.counter("apiserver_request_total",
                                    help: "Counter of apiserver requests broken out for each verb, group, version, resource, scope, component, and HTTP response code.",
                                    labels: Self.labels + ["code"])
        durations = registry.histogram("apiserver_request_duration_seconds",
                                       help: "Response latency distribution in seconds for each verb, group, version, resource, subresource, scope and component.",
                                       labels: Self.labels, buckets: Self.durationBuckets)
    }

    /// Counts one answered request; its latency too unless it is long-running (a watch or a
    /// connection such as exec, whose answer is a stream that lasts as long as the client).
    func record(_ request: APIRequest, target: RequestTarget, status: Int, elapsed: Duration) {
        let values = Self.labelValues(request, target: target)
        requests.increment(labels: values + [String(status)])
        if values[0] != "WATCH" && values[0] != "CONNECT" { durations.observe(elapsed, labels: values) }
    }

    /// The label values, as upstream's metrics.CleanVerb and CleanScope make them: LIST and
    /// WATCH for reads of collections, APPLY for server-side apply, CONNECT for proxy
    /// subresources; scope "resource" for one object (or a create), "namespace" for a
    /// namespace's collection, "cluster" for a collection across namespaces.
    static func labelValues(_ request: APIRequest, target: RequestTarget) -> [String] {
        let method = request.method.uppercased()
        guard case .resource(let path) = target else {
            return [method, "", "", "", "", "", "apiserver"]
        }
        let watching = request.query["watch"] == "true" || request.query["watch"] == "1"
        var verb = method
        if method == "GET" {
            if watching {
                verb = "WATCH"
            } else if path.name == nil {
                verb = "LIST"
            }
        } else if method == "PATCH", request.contentType.hasPrefix("application/apply-patch") {
            verb = "APPLY"
        }
        if let subresource = path.subresource, ["exec", "attach", "portforward", "proxy"].contains(subresource) {
            verb = "CONNECT"
        }
        let scope = path.name != nil || method == "POST" ? "resource" : path.namespace != nil ? "namespace" : "cluster"
        return [verb, path.group, path.version, path.resource, path.subresource ?? "", scope, "apiserver"]
    }
}
