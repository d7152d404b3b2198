/// ValidateService and ValidateServiceUpdate (pkg/apis/core/validation), with Ballast's
/// node port range checked here rather than by an allocator.
extension Service {
    public func validate() -> [FieldError] {
        var errors: [FieldError] = []
        let spec = self.spec ?? ServiceSpec()
        let path = FieldPath("spec")
        let ports = spec.ports ?? []
        let clusterIPs = spec.clusterIPs ?? []
        let type = spec.type ?? ""

        if ports.isEmpty, !spec.isHeadless, type != ServiceType.externalName {
            errors.append(.required(path.child("ports")))
        }
        switch type {
        case ServiceType.loadBalancer, ServiceType.nodePort:
            if spec.isHeadless {
                errors.append(.invalid(path.child("clusterIPs").index(0), clusterIPs[0], "may not be set to 'None' for \(type) services"))
            }
        case ServiceType.externalName:
            if !clusterIPs.isEmpty {
                errors.append(.forbidden(path.child("clusterIPs"), "may not be set for ExternalName services"))
            }
            if !(spec.ipFamilies ?? []).isEmpty {
                errors.append(.forbidden(path.child("ipFamilies"), "may not be set for ExternalName services"))
            }
            if spec.ipFamilyPolicy != nil {
                errors.append(.forbidden(path.child("ipFamilyPolicy"), "may not be set for ExternalName services"))
            }
            // A CNAME may end with a dot to mark it fully qualified.
            var cname = spec.externalName ?? ""
            if cname.hasSuffix(".") { cname.removeLast() }
            if cname.isEmpty {
                errors.append(.required(path.child("externalName")))
            } else {
                errors += NameRules.dns1123Subdomain(cname).map { FieldError.invalid(path.child("externalName"), cname, $0) }
            }
        default:
            break
        }

        var names: Set<String> = []
        for (index, port) in ports.enumerated() {
            errors += Self.validate(port, requireName: ports.count > 1, names: &names, field: path.child("ports").index(index))
        }
        if let selector = spec.selector {
            errors += NameRules.validateLabels(selector, field: path.child("selector"))
        }

        let affinity = spec.sessionAffinity ?? ""
        if affinity.isEmpty {
            errors.append(.required(path.child("sessionAffinity")))
        } else if !["ClientIP", "None"].contains(affinity) {
            errors.append(.notSupported(path.child("sessionAffinity"), affinity, ["ClientIP", "None"]))
        }
        let configPath = path.child("sessionAffinityConfig")
        if affinity == "ClientIP" {
            if spec.sessionAffinityConfig == nil {
                errors.append(.required(configPath, "when session affinity type is ClientIP"))
            } else if spec.sessionAffinityConfig?.clientIP == nil {
                errors.append(.required(configPath.child("clientIP"), "when session affinity type is ClientIP"))
            } else if let timeout = spec.sessionAffinityConfig?.clientIP?.timeoutSeconds {
                if timeout <= 0 || timeout > 86400 {
                    errors.append(.invalid(configPath.child("clientIP").child("timeoutSeconds"), number: timeout,
                                           "must be greater than 0 and less than 86400"))
                }
            } else {
                errors.append(.required(configPath.child("clientIP").child("timeoutSeconds"), "when session affinity type is ClientIP"))
            }
        } else if affinity == "None", spec.sessionAffinityConfig != nil {
            errors.append(.forbidden(configPath, "must not be set when session affinity is None"))
        }

        errors += Self.validateClusterIPs(spec)

        for (index, ip) in (spec.externalIPs ?? []).enumerated() {
            let ipPath = path.child("externalIPs").index(index)
            let problems = ServiceIPAddress.validateIP(ip, field: ipPath)
            errors += problems.isEmpty ? ServiceIPAddress.validateNonSpecial(ip, field: ipPath) : problems
        }

        if type.isEmpty {
            errors.append(.required(path.child("type")))
        } else if !ServiceType.supported.contains(type) {
            errors.append(.notSupported(path.child("type"), type, ServiceType.supported))
        }
        for (index, port) in ports.enumerated() {
            let nodePort = port.nodePort ?? 0
            guard nodePort != 0 else { continue }
            let nodePortPath = path.child("ports").index(index).child("nodePort")
            if type == ServiceType.clusterIP {
                errors.append(.forbidden(nodePortPath, "may not be used when `type` is 'ClusterIP'"))
            } else if !Self.nodePortRange.contains(nodePort) {
                errors.append(.invalid(nodePortPath, number: nodePort,
                                       "provided port is not in the valid range. The range of valid ports is \(Self.nodePortRange.lowerBound)-\(Self.nodePortRange.upperBound)"))
            }
        }

        var nodePorts: Set<String> = []
        for (index, port) in ports.enumerated() {
            let nodePort = port.nodePort ?? 0
            guard nodePort != 0 else { continue }
            let key = "\(port.protocol ?? "")/\(nodePort)"
            if nodePorts.contains(key) {
                errors.append(FieldError(.duplicate, path.child("ports").index(index).child("nodePort"), value: String(nodePort)))
            }
            nodePorts.insert(key)
        }
        var servicePorts: Set<String> = []
        for (index, port) in ports.enumerated() {
            let key = "\(port.protocol ?? "")/\(port.port)"
            if servicePorts.contains(key) {
                let shown = "core.ServicePort{Name:\"\", Protocol:\(FieldError.quote(port.protocol ?? "")), AppProtocol:(*string)(nil), "
                    + "Port:\(port.port), TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:\"\"}, NodePort:0}"
                errors.append(FieldError(.duplicate, path.child("ports").index(index), value: shown))
            }
            servicePorts.insert(key)
        }

        let ranges = spec.loadBalancerSourceRanges ?? []
        if !ranges.isEmpty {
            // Kubernetes spells this path with a capital L.
            let rangesPath = path.child("LoadBalancerSourceRanges")
            if type != ServiceType.loadBalancer {
                errors.append(.forbidden(rangesPath, "may only be used when `type` is 'LoadBalancer'"))
            }
            for (index, range) in ranges.enumerated() {
                errors += ServiceIPAddress.validateCIDR(range.trimmingSpaces(), field: rangesPath.index(index))
            }
        }
        if spec.allocateLoadBalancerNodePorts != nil, type != ServiceType.loadBalancer {
            errors.append(.forbidden(path.child("allocateLoadBalancerNodePorts"), "may only be used when `type` is 'LoadBalancer'"))
        }
        if type == ServiceType.loadBalancer, spec.allocateLoadBalancerNodePorts == nil {
            errors.append(.required(FieldPath("allocateLoadBalancerNodePorts")))
        }
        if let loadBalancerClass = spec.loadBalancerClass {
            if type == ServiceType.loadBalancer {
                errors += NameRules.qualifiedName(loadBalancerClass).map {
                    FieldError.invalid(path.child("loadBalancerClass"), loadBalancerClass, $0)
                }
            } else {
                errors.append(.forbidden(path.child("loadBalancerClass"), "may only be used when `type` is 'LoadBalancer'"))
            }
        }

        let externalPolicy = spec.externalTrafficPolicy ?? ""
        if !spec.isExternallyAccessible {
            if !externalPolicy.isEmpty {
                errors.append(.invalid(path.child("externalTrafficPolicy"), externalPolicy, "may only be set for externally-accessible services"))
            }
        } else if externalPolicy.isEmpty {
            errors.append(.required(path.child("externalTrafficPolicy")))
        } else if !["Cluster", "Local"].contains(externalPolicy) {
            errors.append(.notSupported(path.child("externalTrafficPolicy"), externalPolicy, ["Cluster", "Local"]))
        }
        // The health-check port itself is allocated by the server; only a stray one is refused.
        let healthCheckPort = spec.healthCheckNodePort ?? 0
        let needsHealthCheck = type == ServiceType.loadBalancer && externalPolicy == "Local"
        if !needsHealthCheck, healthCheckPort != 0 {
            errors.append(.invalid(path.child("healthCheckNodePort"), number: healthCheckPort,
                                   "may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'"))
        } else if needsHealthCheck, healthCheckPort != 0, !(1...65535).contains(healthCheckPort) {
            errors.append(.invalid(path.child("healthCheckNodePort"), number: healthCheckPort, "must be between 1 and 65535, inclusive"))
        }

        if let internalPolicy = spec.internalTrafficPolicy {
            if !["Cluster", "Local"].contains(internalPolicy) {
                errors.append(.notSupported(path.child("internalTrafficPolicy"), internalPolicy, ["Cluster", "Local"]))
            }
        } else if [ServiceType.nodePort, ServiceType.loadBalancer, ServiceType.clusterIP].contains(type) {
            errors.append(.required(path.child("internalTrafficPolicy")))
        }
        if let distribution = spec.trafficDistribution, distribution != "PreferClose" {
            errors.append(.notSupported(path.child("trafficDistribution"), distribution, ["PreferClose"]))
        }
        return errors
    }

    /// Cluster IPs and IP families may be added or removed (dual-stack upgrades and
    /// downgrades) but not changed; a load balancer keeps its class.
    public func validateUpdate(old: Service) -> [FieldError] {
        var errors: [FieldError] = []
        let new = spec ?? ServiceSpec(), previous = old.spec ?? ServiceSpec()
        let path = FieldPath("spec")
        let external = ServiceType.externalName
        if new.type != external, previous.type != external, !(new.isHeadless && previous.isHeadless) {
            let newIPs = new.clusterIPs ?? [], oldIPs = previous.clusterIPs ?? []
            let shown = Node.goStrings(newIPs)
            if newIPs.count == oldIPs.count {
                for (index, ip) in oldIPs.enumerated() where ip != newIPs[index] {
                    errors.append(.invalid(path.child("clusterIPs").index(index), raw: shown, "may not change once set"))
                }
            } else if newIPs.count < oldIPs.count {
                if newIPs.isEmpty {
                    errors.append(.invalid(path.child("clusterIPs").index(0), raw: "[]string(nil)", "primary clusterIP can not be unset"))
                } else if newIPs[0] != oldIPs[0] {
                    errors.append(.invalid(path.child("clusterIPs").index(0), raw: shown, "may not change once set"))
                }
                if newIPs.count == 1, new.ipFamilyPolicy != "SingleStack" {
                    errors.append(.invalid(path.child("ipFamilyPolicy"), new.ipFamilyPolicy ?? "null",
                                           "must be set to 'SingleStack' when releasing the secondary clusterIP"))
                }
            } else if !oldIPs.isEmpty, newIPs[0] != oldIPs[0] {
                errors.append(.invalid(path.child("clusterIPs").index(0), raw: shown, "may not change once set"))
            }
        }
        if new.type != external, previous.type != external, new.isHeadless == previous.isHeadless, !new.isHeadless {
            let newFamilies = new.ipFamilies ?? [], oldFamilies = previous.ipFamilies ?? []
            let shown = Node.goStrings(newFamilies).replacingPrefix("[]string", with: "[]core.IPFamily")
            if newFamilies.count == oldFamilies.count {
                for (index, family) in oldFamilies.enumerated() where family != newFamilies[index] {
                    errors.append(.invalid(path.child("ipFamilies").index(0), raw: shown, "may not change once set"))
                }
            } else if !newFamilies.isEmpty, !oldFamilies.isEmpty, newFamilies[0] != oldFamilies[0] {
                errors.append(.invalid(path.child("ipFamilies").index(0), raw: shown, "may not change once set"))
            } else if newFamilies.count < oldFamilies.count, newFamilies.count == 1, new.ipFamilyPolicy != "SingleStack" {
                errors.append(.invalid(path.child("ipFamilyPolicy"), new.ipFamilyPolicy ?? "null",
                                       "must be set to 'SingleStack' when releasing the secondary ipFamily"))
            }
        }
        if new.type == ServiceType.loadBalancer, previous.type == ServiceType.loadBalancer,
            new.loadBalancerClass != previous.loadBalancerClass
        {
            errors.append(.invalid(path.child("loadBalancerClass"), new.loadBalancerClass ?? "null", "may not change once set"))
        }
        let needsHealthCheck = { (spec: ServiceSpec) in spec.type == ServiceType.loadBalancer && spec.externalTrafficPolicy == "Local" }
        if needsHealthCheck(new), needsHealthCheck(previous), new.healthCheckNodePort != previous.healthCheckNodePort {
            errors.append(.forbidden(path.child("healthCheckNodePort"), "field is immutable"))
        }
        return errors + validate()
    }

    /// validateServicePort.
    private static func validate(_ port: ServicePort, requireName: Bool, names: inout Set<String>, field: FieldPath) -> [FieldError] {
        var errors: [FieldError] = []
        let name = port.name ?? ""
        if requireName, name.isEmpty {
            errors.append(.required(field.child("name")))
        } else if !name.isEmpty {
            errors += NameRules.dns1123Label(name).map { FieldError.invalid(field.child("name"), name, $0) }
            if names.contains(name) {
                errors.append(.duplicate(field.child("name"), name))
            } else {
                names.insert(name)
            }
        }
        if !(1...65535).contains(port.port) {
            errors.append(.invalid(field.child("port"), number: port.port, "must be between 1 and 65535, inclusive"))
        }
        let proto = port.protocol ?? ""
        if proto.isEmpty {
            errors.append(.required(field.child("protocol")))
        } else if !["SCTP", "TCP", "UDP"].contains(proto) {
            errors.append(.notSupported(field.child("protocol"), proto, ["SCTP", "TCP", "UDP"]))
        }
        switch port.targetPort ?? .int(0) {
        case .int(let number):
            if !(1...65535).contains(number) {
                errors.append(.invalid(field.child("targetPort"), number: number, "must be between 1 and 65535, inclusive"))
            }
        case .string(let portName):
            errors += portNameProblems(portName).map { FieldError.invalid(field.child("targetPort"), portName, $0) }
        }
        if let appProtocol = port.appProtocol {
            errors += NameRules.qualifiedName(appProtocol).map { FieldError.invalid(field.child("appProtocol"), appProtocol, $0) }
        }
        return errors
    }

    /// validation.IsValidPortName (IANA_SVC_NAME).
    static func portNameProblems(_ name: String) -> [String] {
        var problems: [String] = []
        let bytes = Array(name.utf8)
        if bytes.count > 15 { problems.append("must be no more than 15 characters") }
        let isLower = { (byte: UInt8) in byte >= 0x61 && byte <= 0x7A }
        let isDigit = { (byte: UInt8) in byte >= 0x30 && byte <= 0x39 }
        if bytes.isEmpty || !bytes.allSatisfy({ isLower($0) || isDigit($0) || $0 == 0x2D }) {
            problems.append("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)")
        } else if !bytes.contains(where: isLower) {
            problems.append("must contain at least one letter (a-z)")
        }
        if name.contains("--") { problems.append("must not contain consecutive hyphens") }
        if let first = bytes.first, let last = bytes.last, first == 0x2D || last == 0x2D {
            problems.append("must not begin or end with a hyphen")
        }
        return problems
    }

    /// ValidateServiceClusterIPsRelatedFields: clusterIP and clusterIPs agree, families and
    /// the family policy are known, and the addresses match their families.
    private static func validateClusterIPs(_ spec: ServiceSpec) -> [FieldError] {
        guard spec.type != ServiceType.externalName else { return [] }
        var errors: [FieldError] = []
        let path = FieldPath("spec")
        let clusterIPsPath = path.child("clusterIPs")
        let clusterIPs = spec.clusterIPs ?? []
        let shown = Node.goStrings(clusterIPs)
        let clusterIP = spec.clusterIP ?? ""
        if !clusterIP.isEmpty {
            if clusterIPs.isEmpty {
                errors.append(.required(clusterIPsPath))
            } else if clusterIPs[0] != clusterIP {
                errors.append(.invalid(clusterIPsPath, raw: shown, "first value must match `clusterIP`"))
            }
        } else if !clusterIPs.isEmpty {
            errors.append(.invalid(clusterIPsPath, raw: shown, "must be empty when `clusterIP` is not specified"))
        }

        var seenFamilies: Set<String> = []
        for (index, family) in (spec.ipFamilies ?? []).enumerated() {
            if !["IPv4", "IPv6"].contains(family) {
                errors.append(.notSupported(path.child("ipFamilies").index(index), family, ["IPv4", "IPv6"]))
            }
            if seenFamilies.contains(family) {
                errors.append(.duplicate(path.child("ipFamilies").index(index), family))
            }
            seenFamilies.insert(family)
        }
        let policies = ["PreferDualStack", "RequireDualStack", "SingleStack"]
        if let policy = spec.ipFamilyPolicy, !policies.contains(policy) {
            errors.append(.notSupported(path.child("ipFamilyPolicy"), policy, policies))
        }

        var hasInvalid = false
        for (index, ip) in clusterIPs.enumerated() {
            if index == 0, ip == "None" {
                if clusterIPs.count > 1 {
                    hasInvalid = true
                    errors.append(.invalid(clusterIPsPath, raw: shown, "'None' must be the first and only value"))
                }
                continue
            }
            let problems = ServiceIPAddress.validateIP(ip, field: clusterIPsPath.index(index))
            hasInvalid = hasInvalid || !problems.isEmpty
            errors += problems
        }
        if clusterIPs.count > 2 {
            errors.append(.invalid(clusterIPsPath, raw: shown, "may only hold up to 2 values"))
        }
        if hasInvalid { return errors }
        if clusterIPs.count > 1 {
            let families = Set(clusterIPs.map { ServiceIPAddress.isIPv6($0) })
            if families.count != 2 || clusterIPs.count != 2 {
                errors.append(.invalid(clusterIPsPath, raw: shown, "may specify no more than one IP for each IP family"))
            }
        }
        let families = spec.ipFamilies ?? []
        if !spec.isHeadless {
            for (index, ip) in clusterIPs.enumerated() where index < families.count {
                let isV6 = ServiceIPAddress.isIPv6(ip)
                if families[index] == "IPv4", isV6 {
                    errors.append(.invalid(clusterIPsPath.index(index), ip, "expected an IPv4 value as indicated by `ipFamilies[\(index)]`"))
                }
                if families[index] == "IPv6", !isV6 {
                    errors.append(.invalid(clusterIPsPath.index(index), ip, "expected an IPv6 value as indicated by `ipFamilies[\(index)]`"))
                }
            }
        }
        return errors
    }
}
