/// core/v1 Service: a stable name and virtual address for a set of pods.
public struct Service: HasSpec, HasStatus {
    public static let gvk = GroupVersionKind(group: "", version: "v1", kind: "Service")

    public var apiVersion: String?
    public var kind: String?
    public var metadata: ObjectMeta
    public var spec: ServiceSpec?
    public var status: ServiceStatus?

    public init(metadata: ObjectMeta = ObjectMeta(), spec: ServiceSpec? = nil, status: ServiceStatus? = nil) {
        self.apiVersion = Self.gvk.apiVersion
        self.kind = Self.gvk.kind
        self.metadata = metadata
        self.spec = spec
        self.status = status
    }
}

/// core/v1 ServiceSpec.
public struct ServiceSpec: Codable, Sendable, Equatable {
    public var ports: [ServicePort]?
    public var selector: [String: String]?
    /// The virtual IP, "None" for a headless service; allocated by the server when empty.
    public var clusterIP: String?
    public var clusterIPs: [String]?
    /// ClusterIP, NodePort, LoadBalancer or ExternalName.
    public var type: String?
    public var externalIPs: [String]?
    public var sessionAffinity: String?
    public var loadBalancerIP: String?
    public var loadBalancerSourceRanges: [String]?
    public var externalName: String?
    public var externalTrafficPolicy: String?
    public var healthCheckNodePort: Int32?
    public var publishNotReadyAddresses: Bool?
    public var sessionAffinityConfig: SessionAffinityConfig?
    public var ipFamilies: [String]?
    public var ipFamilyPolicy: String?
    public var allocateLoadBalancerNodePorts: Bool?
    public var loadBalancerClass: String?
    public var internalTrafficPolicy: String?
    public var trafficDistribution: String?

    public init(
        ports: [ServicePort]? = nil, selector: [String: String]? = nil, clusterIP: String? = nil, clusterIPs: [String]? = nil,
        type: String? = nil, externalIPs: [String]? = nil, sessionAffinity: String? = nil, loadBalancerIP: String? = nil,
        loadBalancerSourceRanges: [String]? = nil, externalName: String? = nil, externalTrafficPolicy: String? = nil,
        healthCheckNodePort: Int32? = nil, publishNotReadyAddresses: Bool? = nil, sessionAffinityConfig: SessionAffinityConfig? = nil,
        ipFamilies: [String]? = nil, ipFamilyPolicy: String? = nil, allocateLoadBalancerNodePorts: Bool? = nil,
        loadBalancerClass: String? = nil, internalTrafficPolicy: String? = nil, trafficDistribution: String? = nil
    ) {
        self.ports = ports
        self.selector = selector
        self.clusterIP = clusterIP
        self.clusterIPs = clusterIPs
        self.type = type
        self.externalIPs = externalIPs
        self.sessionAffinity = sessionAffinity
        self.loadBalancerIP = loadBalancerIP
        self.loadBalancerSourceRanges = loadBalancerSourceRanges
        self.externalName = externalName
        self.externalTrafficPolicy = externalTrafficPolicy
        self.healthCheckNodePort = healthCheckNodePort
        self.publishNotReadyAddresses = publishNotReadyAddresses
        self.sessionAffinityConfig = sessionAffinityConfig
        self.ipFamilies = ipFamilies
        self.ipFamilyPolicy = ipFamilyPolicy
        self.allocateLoadBalancerNodePorts = allocateLoadBalancerNodePorts
        self.loadBalancerClass = loadBalancerClass
        self.internalTrafficPolicy = internalTrafficPolicy
        self.trafficDistribution = trafficDistribution
    }

    /// Whether the service has no cluster IP ("None").
    public var isHeadless: Bool { clusterIPs?.count == 1 && clusterIPs?.first == "None" }

    /// Whether the service is reachable from outside the cluster (ExternallyAccessible).
    public var isExternallyAccessible: Bool {
        type == ServiceType.loadBalancer || type == ServiceType.nodePort
            || (type == ServiceType.clusterIP && !(externalIPs ?? []).isEmpty)
    }
}

/// core/v1 ServicePort.
public struct ServicePort: Codable, Sendable, Equatable {
    public var name: String?
    public var `protocol`: String?
    public var appProtocol: String?
    public var port: Int32
    /// The pods' port, by number or by name; the service port when unset.
    public var targetPort: IntOrString?
    public var nodePort: Int32?

    public init(name: String? = nil, protocol: String? = nil, appProtocol: String? = nil, port: Int32,
                targetPort: IntOrString? = nil, nodePort: Int32? = nil) {
        self.name = name
        self.protocol = `protocol`
        self.appProtocol = appProtocol
        self.port = port
        self.targetPort = targetPort
        self.nodePort = nodePort
    }
}

/// core/v1 SessionAffinityConfig.
public struct SessionAffinityConfig: Codable, Sendable, Equatable {
    public var clientIP: ClientIPConfig?

    public init(clientIP: ClientIPConfig? = nil) { self.clientIP = clientIP }
}

/// core/v1 ClientIPConfig.
public struct ClientIPConfig: Codable, Sendable, Equatable {
    public var timeoutSeconds: Int32?

    public init(timeoutSeconds: Int32? = nil) { self.timeoutSeconds = timeoutSeconds }
}

/// core/v1 ServiceStatus.
public struct ServiceStatus: Codable, Sendable, Equatable {
    public var loadBalancer: LoadBalancerStatus?
    public var conditions: [Condition]?

    public init(loadBalancer: LoadBalancerStatus? = nil, conditions: [Condition]? = nil) {
        self.loadBalancer = loadBalancer
        self.conditions = conditions
    }
}

/// core/v1 LoadBalancerStatus.
public struct LoadBalancerStatus: Codable, Sendable, Equatable {
    public var ingress: [LoadBalancerIngress]?

    public init(ingress: [LoadBalancerIngress]? = nil) { self.ingress = ingress }
}

/// core/v1 LoadBalancerIngress: one address a load balancer answers on.
public struct LoadBalancerIngress: Codable, Sendable, Equatable {
    public var ip: String?
    public var hostname: String?
    public var ipMode: String?
    public var ports: [PortStatus]?

    public init(ip: String? = nil, hostname: String? = nil, ipMode: String? = nil, ports: [PortStatus]? = nil) {
        self.ip = ip
        self.hostname = hostname
        self.ipMode = ipMode
        self.ports = ports
    }
}

/// core/v1 PortStatus.
public struct PortStatus: Codable, Sendable, Equatable {
    public var port: Int32
    public var `protocol`: String
    public var error: String?

    public init(port: Int32, protocol: String, error: String? = nil) {
        self.port = port
        self.protocol = `protocol`
        self.error = error
    }
}

/// The service types.
public enum ServiceType {
    /// A virtual IP inside the cluster (the default).
    public static let clusterIP = "ClusterIP"
    /// A cluster IP plus a port on every node.
    public static let nodePort = "NodePort"
    /// A node port plus an external load balancer.
    public static let loadBalancer = "LoadBalancer"
    /// A DNS alias (CNAME) for an outside name.
    public static let externalName = "ExternalName"
    /// Sorted, as Kubernetes lists them in errors.
    public static let supported = [clusterIP, externalName, loadBalancer, nodePort]
}

extension Service {
    /// The node ports Ballast allocates from, as Kubernetes' default range.
    public static let nodePortRange: ClosedRange<Int32> = 30000...32767
}
