/// core/v1 PodSpec: the desired state of a Pod, and of every Pod a workload creates.
public struct PodSpec: Codable, Sendable, Equatable {
    public var volumes: [Volume]?
    public var initContainers: [Container]?
    public var containers: [Container]?
    public var ephemeralContainers: [EphemeralContainer]?
    /// "Always", "OnFailure" or "Never".
    public var restartPolicy: String?
    public var terminationGracePeriodSeconds: Int64?
    public var activeDeadlineSeconds: Int64?
    /// "ClusterFirst", "ClusterFirstWithHostNet", "Default" or "None".
    public var dnsPolicy: String?
    public var nodeSelector: [String: String]?
    public var serviceAccountName: String?
    /// Deprecated alias of serviceAccountName.
    public var serviceAccount: String?
    public var automountServiceAccountToken: Bool?
    public var nodeName: String?
    public var hostNetwork: Bool?
    public var hostPID: Bool?
    public var hostIPC: Bool?
    public var shareProcessNamespace: Bool?
    public var securityContext: PodSecurityContext?
    public var imagePullSecrets: [LocalObjectReference]?
    public var hostname: String?
    public var subdomain: String?
    public var affinity: Affinity?
    public var schedulerName: String?
    public var tolerations: [Toleration]?
    public var hostAliases: [HostAlias]?
    public var priorityClassName: String?
    public var priority: Int32?
    public var dnsConfig: PodDNSConfig?
    public var readinessGates: [PodReadinessGate]?
    public var runtimeClassName: String?
    public var enableServiceLinks: Bool?
    /// "PreemptLowerPriority" or "Never".
    public var preemptionPolicy: String?
    public var overhead: [String: Quantity]?
    public var topologySpreadConstraints: [TopologySpreadConstraint]?
    public var setHostnameAsFQDN: Bool?
    public var os: PodOS?
    public var hostUsers: Bool?
    public var schedulingGates: [PodSchedulingGate]?
    public var resourceClaims: [JSONValue]?
    /// Pod-level requests and limits (alpha in Kubernetes 1.32).
    public var resources: ResourceRequirements?

    public init(
        volumes: [Volume]? = nil, initContainers: [Container]? = nil, containers: [Container]? = nil,
        ephemeralContainers: [EphemeralContainer]? = nil, restartPolicy: String? = nil,
        terminationGracePeriodSeconds: Int64? = nil, activeDeadlineSeconds: Int64? = nil, dnsPolicy: String? = nil,
        nodeSelector: [String: String]? = nil, serviceAccountName: String? = nil, serviceAccount: String? = nil,
        automountServiceAccountToken: Bool? = nil, nodeName: String? = nil, hostNetwork: Bool? = nil,
        hostPID: Bool? = nil, hostIPC: Bool? = nil, shareProcessNamespace: Bool? = nil,
        securityContext: PodSecurityContext? = nil, imagePullSecrets: [LocalObjectReference]? = nil,
        hostname: String? = nil, subdomain: String? = nil, affinity: Affinity? = nil, schedulerName: String? = nil,
        tolerations: [Toleration]? = nil, hostAliases: [HostAlias]? = nil, priorityClassName: String? = nil,
        priority: Int32? = nil, dnsConfig: PodDNSConfig? = nil, readinessGates: [PodReadinessGate]? = nil,
        runtimeClassName: String? = nil, enableServiceLinks: Bool? = nil, preemptionPolicy: String? = nil,
        overhead: [String: Quantity]? = nil, topologySpreadConstraints: [TopologySpreadConstraint]? = nil,
        setHostnameAsFQDN: Bool? = nil, os: PodOS? = nil, hostUsers: Bool? = nil,
        schedulingGates: [PodSchedulingGate]? = nil, resourceClaims: [JSONValue]? = nil,
        resources: ResourceRequirements? = nil
    ) {
        self.volumes = volumes
        self.initContainers = initContainers
        self.containers = containers
        self.ephemeralContainers = ephemeralContainers
        self.restartPolicy = restartPolicy
        self.terminationGracePeriodSeconds = terminationGracePeriodSeconds
        self.activeDeadlineSeconds = activeDeadlineSeconds
        self.dnsPolicy = dnsPolicy
        self.nodeSelector = nodeSelector
        self.serviceAccountName = serviceAccountName
        self.serviceAccount = serviceAccount
        self.automountServiceAccountToken = automountServiceAccountToken
        self.nodeName = nodeName
        self.hostNetwork = hostNetwork
        self.hostPID = hostPID
        self.hostIPC = hostIPC
        self.shareProcessNamespace = shareProcessNamespace
        self.securityContext = securityContext
        self.imagePullSecrets = imagePullSecrets
        self.hostname = hostname
        self.subdomain = subdomain
        self.affinity = affinity
        self.schedulerName = schedulerName
        self.tolerations = tolerations
        self.hostAliases = hostAliases
        self.priorityClassName = priorityClassName
        self.priority = priority
        self.dnsConfig = dnsConfig
        self.readinessGates = readinessGates
        self.runtimeClassName = runtimeClassName
        self.enableServiceLinks = enableServiceLinks
        self.preemptionPolicy = preemptionPolicy
        self.overhead = overhead
        self.topologySpreadConstraints = topologySpreadConstraints
        self.setHostnameAsFQDN = setHostnameAsFQDN
        self.os = os
        self.hostUsers = hostUsers
        self.schedulingGates = schedulingGates
        self.resourceClaims = resourceClaims
        self.resources = resources
    }

    /// Init containers, then regular containers: every container that runs in the Pod.
    public var allContainers: [Container] { (initContainers ?? []) + (containers ?? []) }
}

/// core/v1 HostAlias: an /etc/hosts entry.
public struct HostAlias: Codable, Sendable, Equatable {
    public var ip: String
    public var hostnames: [String]?

    public init(ip: String, hostnames: [String]? = nil) {
        self.ip = ip
        self.hostnames = hostnames
    }
}

/// core/v1 PodDNSConfig: resolver settings merged with those of the dnsPolicy.
public struct PodDNSConfig: Codable, Sendable, Equatable {
    public var nameservers: [String]?
    public var searches: [String]?
    public var options: [PodDNSConfigOption]?

    public init(nameservers: [String]? = nil, searches: [String]? = nil, options: [PodDNSConfigOption]? = nil) {
        self.nameservers = nameservers
        self.searches = searches
        self.options = options
    }
}

/// core/v1 PodDNSConfigOption: a resolv.conf option.
public struct PodDNSConfigOption: Codable, Sendable, Equatable {
    public var name: String?
    public var value: String?

    public init(name: String? = nil, value: String? = nil) {
        self.name = name
        self.value = value
    }
}

/// core/v1 PodReadinessGate: an extra condition that must be True for the Pod to be ready.
public struct PodReadinessGate: Codable, Sendable, Equatable {
    public var conditionType: String

    public init(conditionType: String) { self.conditionType = conditionType }
}

/// core/v1 PodSchedulingGate: while any gate remains, the scheduler leaves the Pod alone.
public struct PodSchedulingGate: Codable, Sendable, Equatable {
    public var name: String

    public init(name: String) { self.name = name }
}

/// core/v1 PodOS: "linux" or "windows".
public struct PodOS: Codable, Sendable, Equatable {
    public var name: String

    public init(name: String) { self.name = name }
}

/// core/v1 PodTemplateSpec: the Pod a workload creates, as metadata and spec.
public struct PodTemplateSpec: Codable, Sendable, Equatable {
    public var metadata: ObjectMeta?
    public var spec: PodSpec?

    public init(metadata: ObjectMeta? = nil, spec: PodSpec? = nil) {
        self.metadata = metadata
        self.spec = spec
    }

    /// The template's labels, empty when unset.
    public var labels: [String: String] { metadata?.labels ?? [:] }
}
