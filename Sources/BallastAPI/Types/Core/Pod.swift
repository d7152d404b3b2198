/// core/v1 Pod: one or more containers scheduled together on a node.
public struct Pod: APIResource, HasSpec, HasStatus {
    public static let gvk = GroupVersionKind(group: "", version: "v1", kind: "Pod")
    public static let resource = ResourceInfo(
        gvk: gvk, plural: "pods", singular: "pod", shortNames: ["po"], namespaced: true, categories: ["all"], hasStatus: true)

    public var apiVersion: String?
    public var kind: String?
    public var metadata: ObjectMeta
    public var spec: PodSpec?
    public var status: PodStatus?

    public init(apiVersion: String? = nil, kind: String? = nil, metadata: ObjectMeta = ObjectMeta(), spec: PodSpec? = nil,
                status: PodStatus? = nil) {
        self.apiVersion = apiVersion
        self.kind = kind
        self.metadata = metadata
        self.spec = spec
        self.status = status
    }
}

extension Pod {
    /// The phases a Pod moves through.
    public enum Phase {
        public static let pending = "Pending"
        public static let running = "Running"
        public static let succeeded = "Succeeded"
        public static let failed = "Failed"
        public static let unknown = "Unknown"
    }

    /// Whether the Pod has finished for good (Succeeded or Failed).
    public var isTerminal: Bool { status?.phase == Phase.succeeded || status?.phase == Phase.failed }

    /// The fields a field selector may name (PodToSelectableFields); every key is present,
    /// and spec.hostNetwork reads "false" when unset, as upstream.
    public var selectableFields: [String: String] {
        [
            "spec.nodeName": spec?.nodeName ?? "",
            "spec.restartPolicy": spec?.restartPolicy ?? "",
            "spec.schedulerName": spec?.schedulerName ?? "",
            "spec.serviceAccountName": spec?.serviceAccountName ?? "",
            "spec.hostNetwork": (spec?.hostNetwork ?? false) ? "true" : "false",
            "status.phase": status?.phase ?? "",
            "status.podIP": status?.primaryPodIP ?? "",
            "status.nominatedNodeName": status?.nominatedNodeName ?? "",
        ]
    }
}
