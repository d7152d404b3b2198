public import BallastAPI

/// The DefaultTolerationSeconds admission plugin: a Pod created without tolerating the
/// not-ready and unreachable NoExecute taints gets tolerations for them with a limit
/// (300 s upstream), so it is evicted from a dead node after five minutes rather than at
/// once or never.
public struct DefaultTolerationSeconds: AdmissionPlugin {
    public let name = "DefaultTolerationSeconds"
    /// The limit for node.kubernetes.io/not-ready.
    public let notReadySeconds: Int64
    /// The limit for node.kubernetes.io/unreachable.
    public let unreachableSeconds: Int64

    public init(notReadySeconds: Int64 = Self.defaultSeconds, unreachableSeconds: Int64 = Self.defaultSeconds) {
        self.notReadySeconds = notReadySeconds
        self.unreachableSeconds = unreachableSeconds
    }

    public func admit(_ attributes: inout AdmissionAttributes, context: any AdmissionContext) async throws(APIError) {
        guard attributes.operation == .create, attributes.subresource == nil, var pod = attributes.object as? Pod else { return }
        Self.apply(to: &pod, notReadySeconds: notReadySeconds, unreachableSeconds: unreachableSeconds)
        attributes.object = pod
    }

    /// The default limit in seconds (upstream's --default-not-ready-toleration-seconds and
    /// --default-unreachable-toleration-seconds).
    public static let defaultSeconds: Int64 = 300

    /// Adds the missing tolerations to `pod`. A toleration with the taint's key (or no key)
    /// and effect NoExecute (or no effect) counts as present, whatever its operator.
    /// - Parameters:
    ///   - notReadySeconds: the limit for node.kubernetes.io/not-ready.
    ///   - unreachableSeconds: the limit for node.kubernetes.io/unreachable.
    public static func apply(to pod: inout Pod, notReadySeconds: Int64 = defaultSeconds, unreachableSeconds: Int64 = defaultSeconds) {
        var spec = pod.spec ?? PodSpec()
        var tolerations = spec.tolerations ?? []
        func tolerated(_ key: String) -> Bool {
            tolerations.contains { toleration in
                ((toleration.key ?? "").isEmpty || toleration.key == key) && ((toleration.effect ?? "").isEmpty || toleration.effect == "NoExecute")
            }
        }
        let notReady = !tolerated("node.kubernetes.io/not-ready")
        let unreachable = !tolerated("node.kubernetes.io/unreachable")
        if notReady {
            tolerations.append(Toleration(key: "node.kubernetes.io/not-ready", operator: "Exists", effect: "NoExecute",
                                          tolerationSeconds: notReadySeconds))
        }
        if unreachable {
            tolerations.append(Toleration(key: "node.kubernetes.io/unreachable", operator: "Exists", effect: "NoExecute",
                                          tolerationSeconds: unreachableSeconds))
        }
        guard notReady || unreachable else { return }
        spec.tolerations = tolerations
        pod.spec = spec
    }
}
