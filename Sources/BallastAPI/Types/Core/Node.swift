/// core/v1 Node: a machine that runs pods. Cluster-scoped; its agent creates it and keeps
/// its status fresh.
public struct Node: HasSpec, HasStatus {
    public static let gvk = GroupVersionKind(group: "", version: "v1", kind: "Node")

    public var apiVersion: String?
    public var kind: String?
    public var metadata: ObjectMeta
    public var spec: NodeSpec?
    public var status: NodeStatus?

    public init(metadata: ObjectMeta = ObjectMeta(), spec: NodeSpec? = nil, status: NodeStatus? = nil) {
        self.apiVersion = Self.gvk.apiVersion
        self.kind = Self.gvk.kind
        self.metadata = metadata
        self.spec = spec
        self.status = status
    }
}

/// core/v1 NodeSpec.
public struct NodeSpec: Codable, Sendable, Equatable {
    public var podCIDR: String?
    public var podCIDRs: [String]?
    public var providerID: String?
    public var unschedulable: Bool?
    public var taints: [Taint]?
    /// Deprecated dynamic kubelet configuration, kept as sent.
    public var configSource: JSONValue?
    /// Deprecated, kept as sent.
    public var externalID: String?

    public init(podCIDR: String? = nil, podCIDRs: [String]? = nil, providerID: String? = nil, unschedulable: Bool? = nil,
                taints: [Taint]? = nil, configSource: JSONValue? = nil, externalID: String? = nil) {
        self.podCIDR = podCIDR
        self.podCIDRs = podCIDRs
        self.providerID = providerID
        self.unschedulable = unschedulable
        self.taints = taints
        self.configSource = configSource
        self.externalID = externalID
    }
}

/// core/v1 NodeStatus: what the node's agent reports.
public struct NodeStatus: Codable, Sendable, Equatable {
    public var capacity: [String: Quantity]?
    public var allocatable: [String: Quantity]?
    public var phase: String?
    public var conditions: [NodeCondition]?
    public var addresses: [NodeAddress]?
    public var daemonEndpoints: NodeDaemonEndpoints?
    public var nodeInfo: NodeSystemInfo?
    public var images: [ContainerImage]?
    public var volumesInUse: [String]?
    public var volumesAttached: [AttachedVolume]?
    /// The kubelet's configuration status (deprecated), kept as sent.
    public var config: JSONValue?
    /// The runtime handlers the node offers, kept as sent.
    public var runtimeHandlers: JSONValue?
    /// Node features, kept as sent.
    public var features: JSONValue?

    public init(
        capacity: [String: Quantity]? = nil, allocatable: [String: Quantity]? = nil, phase: String? = nil,
        conditions: [NodeCondition]? = nil, addresses: [NodeAddress]? = nil, daemonEndpoints: NodeDaemonEndpoints? = nil,
        nodeInfo: NodeSystemInfo? = nil, images: [ContainerImage]? = nil, volumesInUse: [String]? = nil,
        volumesAttached: [AttachedVolume]? = nil, config: JSONValue? = nil, runtimeHandlers: JSONValue? = nil,
        features: JSONValue? = nil
    ) {
        self.capacity = capacity
        self.allocatable = allocatable
        self.phase = phase
        self.conditions = conditions
        self.addresses = addresses
        self.daemonEndpoints = daemonEndpoints
        self.nodeInfo = nodeInfo
        self.images = images
        self.volumesInUse = volumesInUse
        self.volumesAttached = volumesAttached
        self.config = config
        self.runtimeHandlers = runtimeHandlers
        self.features = features
    }
}

/// core/v1 NodeCondition (Ready, MemoryPressure, DiskPressure, PIDPressure, NetworkUnavailable).
public struct NodeCondition: Codable, Sendable, Equatable {
    public var type: String
    public var status: String
    public var lastHeartbeatTime: Time?
    public var lastTransitionTime: Time?
    public var reason: String?
    public var message: String?

    public init(type: String, status: String, lastHeartbeatTime: Time? = nil, lastTransitionTime: Time? = nil,
                reason: String? = nil, message: String? = nil) {
        self.type = type
        self.status = status
        self.lastHeartbeatTime = lastHeartbeatTime
        self.lastTransitionTime = lastTransitionTime
        self.reason = reason
        self.message = message
    }

    /// The node is healthy and ready to accept pods.
    public static let ready = "Ready"
    /// The node is short of memory.
    public static let memoryPressure = "MemoryPressure"
    /// The node is short of disk.
    public static let diskPressure = "DiskPressure"
    /// The node is short of process IDs.
    public static let pidPressure = "PIDPressure"
    /// The node's network is not configured.
    public static let networkUnavailable = "NetworkUnavailable"
}

/// core/v1 NodeAddress: one address of a node (Hostname, InternalIP, ExternalIP, ...).
public struct NodeAddress: Codable, Sendable, Equatable, Hashable {
    public var type: String
    public var address: String

    public init(type: String, address: String) {
        self.type = type
        self.address = address
    }

    /// The node's host name.
    public static let hostname = "Hostname"
    /// An address reachable inside the cluster.
    public static let internalIP = "InternalIP"
    /// An address reachable from outside the cluster.
    public static let externalIP = "ExternalIP"
    /// A DNS name that resolves inside the cluster.
    public static let internalDNS = "InternalDNS"
    /// A DNS name that resolves outside the cluster.
    public static let externalDNS = "ExternalDNS"
}

/// core/v1 NodeDaemonEndpoints: the ports the node's daemons listen on.
public struct NodeDaemonEndpoints: Codable, Sendable, Equatable {
    public var kubeletEndpoint: DaemonEndpoint?

    public init(kubeletEndpoint: DaemonEndpoint? = nil) { self.kubeletEndpoint = kubeletEndpoint }
}

/// core/v1 DaemonEndpoint. Its one field is spelled "Port" on the wire.
public struct DaemonEndpoint: Codable, Sendable, Equatable {
    public var port: Int32

    public init(port: Int32) { self.port = port }

    enum CodingKeys: String, CodingKey {
        case port = "Port"
    }
}

/// core/v1 NodeSystemInfo: what the node runs.
public struct NodeSystemInfo: Codable, Sendable, Equatable {
    public var machineID: String?
    public var systemUUID: String?
    public var bootID: String?
    public var kernelVersion: String?
    public var osImage: String?
    public var containerRuntimeVersion: String?
    public var kubeletVersion: String?
    public var kubeProxyVersion: String?
    public var operatingSystem: String?
    public var architecture: String?

    public init(
        machineID: String? = nil, systemUUID: String? = nil, bootID: String? = nil, kernelVersion: String? = nil,
        osImage: String? = nil, containerRuntimeVersion: String? = nil, kubeletVersion: String? = nil,
        kubeProxyVersion: String? = nil, operatingSystem: String? = nil, architecture: String? = nil
    ) {
        self.machineID = machineID
        self.systemUUID = systemUUID
        self.bootID = bootID
        self.kernelVersion = kernelVersion
        self.osImage = osImage
        self.containerRuntimeVersion = containerRuntimeVersion
        self.kubeletVersion = kubeletVersion
        self.kubeProxyVersion = kubeProxyVersion
        self.operatingSystem = operatingSystem
        self.architecture = architecture
    }
}

/// core/v1 ContainerImage: an image present on a node.
public struct ContainerImage: Codable, Sendable, Equatable {
    public var names: [String]?
    public var sizeBytes: Int64?

    public init(names: [String]? = nil, sizeBytes: Int64? = nil) {
        self.names = names
        self.sizeBytes = sizeBytes
    }
}

/// core/v1 AttachedVolume: a volume attached to a node.
public struct AttachedVolume: Codable, Sendable, Equatable {
    public var name: String
    public var devicePath: String

    public init(name: String, devicePath: String) {
        self.name = name
        self.devicePath = devicePath
    }
}

extension Node {
    /// The Ready condition, if the node reports one.
    public var readyCondition: NodeCondition? { status?.conditions?.first { $0.type == NodeCondition.ready } }

    /// Whether the node reports Ready=True.
    public var isReady: Bool { readyCondition?.status == "True" }

    /// spec.unschedulable, false when unset.
    public var isUnschedulable: Bool { spec?.unschedulable ?? false }

    /// The first address of `type`, if any.
    public func address(_ type: String) -> String? { status?.addresses?.first { $0.type == type }?.address }

    /// The roles kubectl shows: node-role.kubernetes.io/<role> labels and the value of
    /// kubernetes.io/role, sorted.
    public var roles: [String] {
        var roles: Set<String> = []
        for (key, value) in metadata.labels ?? [:] {
            if key.hasPrefix("node-role.kubernetes.io/") {
                let role = String(key.dropFirst("node-role.kubernetes.io/".count))
                if !role.isEmpty { roles.insert(role) }
            } else if key == "kubernetes.io/role", !value.isEmpty {
                roles.insert(value)
            }
        }
        return roles.sorted()
    }
}
