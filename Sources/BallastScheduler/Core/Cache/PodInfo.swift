public import BallastAPI

/// A claim a Pod's volume refers to: a PersistentVolumeClaim by name, or the claim a
/// generic ephemeral volume gets ("<pod>-<volume>").
public struct PodClaimReference: Sendable, Hashable {
    public var name: String
    /// The volume is a generic ephemeral volume: the claim must be owned by the Pod.
    public var ephemeral: Bool
}

/// A host port a container asks for, with the address and protocol it binds.
public struct HostPortUse: Sendable, Hashable {
    public var ip: String
    public var proto: String
    public var port: Int32

    /// The wildcard address: it conflicts with every address on the same port and protocol.
    static let anyAddress = "0.0.0.0"

    func conflicts(with other: HostPortUse) -> Bool {
        guard port == other.port, proto == other.proto else { return false }
        return ip == other.ip || ip == Self.anyAddress || other.ip == Self.anyAddress
    }
}

/// The facts about a Pod the plugins read, computed once per scheduling attempt.
public struct PodInfo: Sendable {
    public let pod: Pod
    /// "namespace/name".
    public let key: String
    public let request: PodResourceRequest
    /// The claims the Pod's volumes use, in volume order.
    public let claims: [PodClaimReference]
    public let hostPorts: [HostPortUse]

    public init(_ pod: Pod) {
        self.pod = pod
        key = SchedulerCache.key(namespace: pod.namespace, name: pod.name)
        request = PodResourceRequest(pod.spec)
        var claims: [PodClaimReference] = []
        for volume in pod.spec?.volumes ?? [] {
            if let claim = volume.source.persistentVolumeClaim {
                claims.append(PodClaimReference(name: claim.claimName, ephemeral: false))
            } else if volume.source.ephemeral != nil {
                claims.append(PodClaimReference(name: "\(pod.name)-\(volume.name)", ephemeral: true))
            }
        }
        self.claims = claims
        var ports: [HostPortUse] = []
        for container in pod.spec?.allContainers ?? [] {
            for port in container.ports ?? [] {
                guard let hostPort = port.hostPort, hostPort > 0 else { continue }
                let ip = port.hostIP.flatMap { $0.isEmpty ? nil : $0 } ?? HostPortUse.anyAddress
                ports.append(HostPortUse(ip: ip, proto: port.protocol ?? "TCP", port: hostPort))
            }
        }
        hostPorts = ports
    }

    public var namespace: String { pod.namespace }
    public var name: String { pod.name }
    public var spec: PodSpec { pod.spec ?? PodSpec() }

    /// The "namespace/name" keys of the claims the Pod uses.
    public var claimKeys: [String] { claims.map { SchedulerCache.key(namespace: pod.namespace, name: $0.name) } }
}
