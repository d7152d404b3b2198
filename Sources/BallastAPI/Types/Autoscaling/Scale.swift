/// autoscaling/v1 Scale: the /scale subresource's view of a Deployment, ReplicaSet or
/// StatefulSet. Not stored: the server builds it from the parent and writes spec.replicas back.
public struct Scale: KubernetesObject {
    public static let gvk = GroupVersionKind(group: "autoscaling", version: "v1", kind: "Scale")

    public var apiVersion: String?
    public var kind: String?
    public var metadata: ObjectMeta
    public var spec: ScaleSpec?
    public var status: ScaleStatus?

    public init(apiVersion: String? = nil, kind: String? = nil, metadata: ObjectMeta = ObjectMeta(), spec: ScaleSpec? = nil,
                status: ScaleStatus? = nil) {
        self.apiVersion = apiVersion
        self.kind = kind
        self.metadata = metadata
        self.spec = spec
        self.status = status
    }
}

/// autoscaling/v1 ScaleSpec: the desired number of replicas.
public struct ScaleSpec: Codable, Sendable, Equatable {
    public var replicas: Int32?

    public init(replicas: Int32? = nil) { self.replicas = replicas }
}

/// autoscaling/v1 ScaleStatus: the observed replicas and the Pods' selector in query form
/// ("app=web").
public struct ScaleStatus: Codable, Sendable, Equatable {
    public var replicas: Int32
    public var selector: String?

    public init(replicas: Int32 = 0, selector: String? = nil) {
        self.replicas = replicas
        self.selector = selector
    }

    private enum CodingKeys: String, CodingKey { case replicas, selector }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        replicas = try c.decodeIfPresent(Int32.self, forKey: .replicas) ?? 0
        selector = try c.decodeIfPresent(String.self, forKey: .selector)
    }
}
