/// core/v1 Endpoints: the addresses and ports behind a Service.
public struct Endpoints: KubernetesObject {
    public static let gvk = GroupVersionKind(group: "", version: "v1", kind: "Endpoints")

    public var apiVersion: String?
    public var kind: String?
    public var metadata: ObjectMeta
    public var subsets: [EndpointSubset]?

    public init(metadata: ObjectMeta = ObjectMeta(), subsets: [EndpointSubset]? = nil) {
        self.apiVersion = Self.gvk.apiVersion
        self.kind = Self.gvk.kind
        self.metadata = metadata
        self.subsets = subsets
    }
}

/// core/v1 EndpointSubset: addresses that all serve the same ports.
public struct EndpointSubset: Codable, Sendable, Equatable {
    public var addresses: [EndpointAddress]?
    public var notReadyAddresses: [EndpointAddress]?
    public var ports: [EndpointPort]?

    public init(addresses: [EndpointAddress]? = nil, notReadyAddresses: [EndpointAddress]? = nil, ports: [EndpointPort]? = nil) {
        self.addresses = addresses
        self.notReadyAddresses = notReadyAddresses
        self.ports = ports
    }
}

/// core/v1 EndpointAddress.
public struct EndpointAddress: Codable, Sendable, Equatable {
    public var ip: String
    public var hostname: String?
    public var nodeName: String?
    public var targetRef: ObjectReference?

    public init(ip: String, hostname: String? = nil, nodeName: String? = nil, targetRef: ObjectReference? = nil) {
        self.ip = ip
        self.hostname = hostname
        self.nodeName = nodeName
        self.targetRef = targetRef
    }
}

/// core/v1 EndpointPort.
public struct EndpointPort: Codable, Sendable, Equatable {
    public var name: String?
    public var port: Int32
    public var `protocol`: String?
    public var appProtocol: String?

    public init(name: String? = nil, port: Int32, protocol: String? = nil, appProtocol: String? = nil) {
        self.name = name
        self.port = port
        self.protocol = `protocol`
        self.appProtocol = appProtocol
    }
}
