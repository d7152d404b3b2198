/// How the API server stores and serves Services (pkg/registry/core/service). Allocating
/// cluster IPs, IP families and node ports is the server's job, before validation.
extension Service: APIResource {
    public static let resource = ResourceInfo(
        gvk: gvk, plural: "services", singular: "service", shortNames: ["svc"], namespaced: true, categories: ["all"],
        hasStatus: true)

    /// A service name is a DNS-1035 label: it becomes a DNS name and an environment variable.
    public static func nameProblems(_ name: String) -> [String] { NameRules.dns1035Label(name) }

    /// SetDefaults_Service.
    public mutating func applyDefaults() {
        var spec = self.spec ?? ServiceSpec()
        if (spec.sessionAffinity ?? "").isEmpty { spec.sessionAffinity = "None" }
        if spec.sessionAffinity == "None" {
            spec.sessionAffinityConfig = nil
        } else if spec.sessionAffinity == "ClientIP", spec.sessionAffinityConfig?.clientIP?.timeoutSeconds == nil {
            spec.sessionAffinityConfig = SessionAffinityConfig(clientIP: ClientIPConfig(timeoutSeconds: 10800))
        }
        if (spec.type ?? "").isEmpty { spec.type = ServiceType.clusterIP }
        if var ports = spec.ports {
            for index in ports.indices {
                if (ports[index].protocol ?? "").isEmpty { ports[index].protocol = "TCP" }
                switch ports[index].targetPort {
                case nil, .int(0), .string(""): ports[index].targetPort = .int(Int(ports[index].port))
                default: break
                }
            }
            spec.ports = ports
        }
        if spec.isExternallyAccessible, (spec.externalTrafficPolicy ?? "").isEmpty {
            spec.externalTrafficPolicy = "Cluster"
        }
        if spec.internalTrafficPolicy == nil,
            [ServiceType.nodePort, ServiceType.loadBalancer, ServiceType.clusterIP].contains(spec.type ?? "")
        {
            spec.internalTrafficPolicy = "Cluster"
        }
        if spec.type == ServiceType.loadBalancer, spec.allocateLoadBalancerNodePorts == nil {
            spec.allocateLoadBalancerNodePorts = true
        }
        self.spec = spec
        if spec.type == ServiceType.loadBalancer, var ingress = status?.loadBalancer?.ingress {
            for index in ingress.indices where !(ingress[index].ip ?? "").isEmpty && ingress[index].ipMode == nil {
                ingress[index].ipMode = "VIP"
            }
            status?.loadBalancer?.ingress = ingress
        }
    }

    /// Clears the status; a client that set only clusterIP gets clusterIPs to match.
    public mutating func prepareForCreate() {
        status = nil
        if let clusterIP = spec?.clusterIP, !clusterIP.isEmpty, (spec?.clusterIPs ?? []).isEmpty {
            spec?.clusterIPs = [clusterIP]
        }
    }

    /// Keeps the status, keeps allocated IPs and node ports a full replace left out
    /// (patchAllocatedValues), and keeps clusterIP and clusterIPs in step for clients that
    /// only know the singular field (NormalizeClusterIPs).
    public mutating func prepareForUpdate(old: Service) {
        status = old.status
        guard var spec = self.spec, let oldSpec = old.spec else { return }
        let needsClusterIP = { (spec: ServiceSpec) in spec.type != ServiceType.externalName }
        if needsClusterIP(oldSpec), needsClusterIP(spec) {
            if (spec.clusterIP ?? "").isEmpty { spec.clusterIP = oldSpec.clusterIP }
            if (spec.clusterIPs ?? []).isEmpty, !(oldSpec.clusterIPs ?? []).isEmpty { spec.clusterIPs = oldSpec.clusterIPs }
        }
        let needsNodePorts = { (spec: ServiceSpec) in spec.type == ServiceType.nodePort || spec.type == ServiceType.loadBalancer }
        if needsNodePorts(oldSpec), needsNodePorts(spec), var ports = spec.ports {
            let oldPorts = Set((oldSpec.ports ?? []).compactMap(\.nodePort).filter { $0 != 0 })
            let used = oldPorts.intersection(ports.compactMap(\.nodePort).filter { $0 != 0 })
            for index in ports.indices where (ports[index].nodePort ?? 0) == 0 {
                let match = (oldSpec.ports ?? []).first { $0.name == ports[index].name && $0.protocol == ports[index].protocol }
                if let previous = match?.nodePort, previous != 0, !used.contains(previous) {
                    ports[index].nodePort = previous
                }
            }
            spec.ports = ports
        }
        if oldSpec.type == ServiceType.loadBalancer, oldSpec.externalTrafficPolicy == "Local",
            spec.type == ServiceType.loadBalancer, spec.externalTrafficPolicy == "Local", (spec.healthCheckNodePort ?? 0) == 0
        {
            spec.healthCheckNodePort = oldSpec.healthCheckNodePort
        }
        let oldIP = oldSpec.clusterIP ?? "", newIP = spec.clusterIP ?? ""
        let sameIPs = (oldSpec.clusterIPs ?? []) == (spec.clusterIPs ?? [])
        if !oldIP.isEmpty, newIP.isEmpty {
            if sameIPs { spec.clusterIPs = nil }
        } else if oldIP != newIP, !newIP.isEmpty, sameIPs {
            spec.clusterIPs = [newIP]
        }
        self.spec = spec
    }

    /// spec.clusterIP and spec.type, which service proxies select on.
    public var selectableFields: [String: String] {
        ["spec.clusterIP": spec?.clusterIP ?? "", "spec.type": spec?.type ?? ""]
    }
}
