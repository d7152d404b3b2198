import Foundation

/// Where a PodSpec sits, which changes a few rules of ValidatePodSpec.
public struct PodSpecValidationOptions: Sendable, Equatable {
    /// The spec belongs to a Pod, not a template (host ports must then equal container
    /// ports under hostNetwork, and a generic ephemeral volume's claim name is checked).
    public var isPod: Bool
    /// The Pod's name, for generic ephemeral volume claim names.
    public var podName: String?
    /// Volumes that come from outside the spec, such as a StatefulSet's
    /// volumeClaimTemplates: mounts may name them, and they count as claim-backed.
    public var claimTemplateNames: [String]

    public init(isPod: Bool = false, podName: String? = nil, claimTemplateNames: [String] = []) {
        self.isPod = isPod
        self.podName = podName
        self.claimTemplateNames = claimTemplateNames
    }
}

extension PodSpec {
    /// ValidatePodSpec: every rule on a Pod's spec, errors named under `path` ("spec",
    /// "spec.template.spec", "spec.jobTemplate.spec.template.spec").
    public func validate(at path: FieldPath, options: PodSpecValidationOptions = PodSpecValidationOptions()) -> [FieldError] {
        var errors: [FieldError] = []
        if let grace = terminationGracePeriodSeconds {
            errors += CoreRules.nonNegative(grace, path.child("terminationGracePeriodSeconds"))
        } else {
            errors.append(.required(path.child("terminationGracePeriodSeconds")))
        }
        var (volumesByName, volumeErrors) = Volume.validate(volumes ?? [], podName: options.isPod ? options.podName : nil, at: path.child("volumes"))
        errors += volumeErrors
        for name in options.claimTemplateNames where volumesByName[name] == nil {
            volumesByName[name] = VolumeSource(persistentVolumeClaim: PersistentVolumeClaimVolumeSource(claimName: name))
        }
        let claimNames = Set((resourceClaims ?? []).compactMap { $0["name"]?.stringValue })
        errors += validateContainers(at: path.child("containers"), volumes: volumesByName, claimNames: claimNames)
        errors += validateInitContainers(at: path.child("initContainers"), volumes: volumesByName, claimNames: claimNames)
        errors += validateEphemeralContainers(at: path.child("ephemeralContainers"), volumes: volumesByName, claimNames: claimNames)
        errors += validateHostNetworkPorts(at: path, isPod: options.isPod)
        switch restartPolicy ?? "" {
        case "Always", "OnFailure", "Never": break
        case "": errors.append(.required(path.child("restartPolicy")))
        case let other: errors.append(.notSupported(path.child("restartPolicy"), other, ["Always", "OnFailure", "Never"]))
        }
        switch dnsPolicy ?? "" {
        case "ClusterFirstWithHostNet", "ClusterFirst", "Default", "None": break
        case "": errors.append(.required(path.child("dnsPolicy")))
        case let other:
            errors.append(.notSupported(path.child("dnsPolicy"), other, ["ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"]))
        }
        errors += NameRules.validateLabels(nodeSelector, field: path.child("nodeSelector"))
        errors += validateSecurityContext(at: path)
        if let affinity { errors += affinity.validate(at: path.child("affinity")) }
        errors += validateDNSConfig(at: path.child("dnsConfig"))
        for (index, gate) in (readinessGates ?? []).enumerated() {
            errors += CoreRules.qualifiedName(gate.conditionType, path.child("readinessGates").index(index).child("conditionType"))
        }
        var gates = Set<String>()
        for (index, gate) in (schedulingGates ?? []).enumerated() {
            let gatePath = path.child("schedulingGates").index(index)
            errors += CoreRules.qualifiedName(gate.name, gatePath)
            if !gates.insert(gate.name).inserted { errors.append(.duplicate(gatePath, gate.name)) }
        }
        errors += TopologySpreadConstraint.validate(topologySpreadConstraints ?? [], at: path.child("topologySpreadConstraints"))
        if hostUsers == false {
            if hostNetwork == true { errors.append(.forbidden(path.child("hostNetwork"), "when `pod.Spec.HostUsers` is false")) }
            if hostPID == true { errors.append(.forbidden(path.child("HostPID"), "when `pod.Spec.HostUsers` is false")) }
            if hostIPC == true { errors.append(.forbidden(path.child("HostIPC"), "when `pod.Spec.HostUsers` is false")) }
        }
        if let name = serviceAccountName, !name.isEmpty { errors += CoreRules.dns1123Subdomain(name, path.child("serviceAccountName")) }
        if let name = nodeName, !name.isEmpty { errors += CoreRules.dns1123Subdomain(name, path.child("nodeName")) }
        if let deadline = activeDeadlineSeconds, deadline < 1 || deadline > Int64(Int32.max) {
            errors.append(.invalid(path.child("activeDeadlineSeconds"), number: deadline, CoreRules.rangeMessage(1, Int64(Int32.max))))
        }
        if let hostname, !hostname.isEmpty { errors += CoreRules.dns1123Label(hostname, path.child("hostname")) }
        if let subdomain, !subdomain.isEmpty { errors += CoreRules.dns1123Label(subdomain, path.child("subdomain")) }
        errors += Toleration.validate(tolerations ?? [], at: path.child("tolerations"))
        for (index, alias) in (hostAliases ?? []).enumerated() {
            let aliasPath = path.child("hostAliases").index(index)
            errors += CoreRules.ipProblems(alias.ip).map { FieldError.invalid(aliasPath.child("ip"), alias.ip, $0) }
            for (hostIndex, host) in (alias.hostnames ?? []).enumerated() {
                errors += CoreRules.dns1123Subdomain(host, aliasPath.child("hostnames").index(hostIndex))
            }
        }
        if let name = priorityClassName, !name.isEmpty { errors += CoreRules.dns1123Subdomain(name, path.child("priorityClassName")) }
        if let name = runtimeClassName { errors += CoreRules.dns1123Subdomain(name, path.child("runtimeClassName")) }
        if let policy = preemptionPolicy {
            switch policy {
            case "PreemptLowerPriority", "Never": break
            case "": errors.append(.required(path.child("preemptionPolicy")))
            default: errors.append(.notSupported(path.child("preemptionPolicy"), policy, ["PreemptLowerPriority", "Never"]))
            }
        }
        if let overhead { errors += ResourceRequirements(limits: overhead).validateForContainer(at: path.child("overhead")) }
        if let os {
            if os.name.isEmpty {
                errors.append(.required(path.child("os").child("name"), "cannot be empty"))
            } else if os.name != "linux", os.name != "windows" {
                errors.append(.notSupported(path.child("os"), os.name, ["linux", "windows"]))
            }
        }
        return errors
    }

    private func validateContainers(at path: FieldPath, volumes: [String: VolumeSource], claimNames: Set<String>) -> [FieldError] {
        let list = containers ?? []
        if list.isEmpty { return [.required(path)] }
        var errors: [FieldError] = []
        var names = Set<String>()
        for (index, container) in list.enumerated() {
            let itemPath = path.index(index)
            errors += container.validateCommon(at: itemPath, volumes: volumes, podRestartPolicy: restartPolicy, claimNames: claimNames)
            if !names.insert(container.name).inserted { errors.append(.duplicate(itemPath.child("name"), container.name)) }
            errors += container.validateProbesAndLifecycle(at: itemPath, gracePeriod: terminationGracePeriodSeconds)
            if container.restartPolicy != nil {
                errors.append(.forbidden(itemPath.child("restartPolicy"), "may not be set for non-init containers"))
            }
        }
        var seen = Set<String>()
        errors += Container.hostPortConflicts(list, at: path, seen: &seen)
        return errors
    }

    private func validateInitContainers(at path: FieldPath, volumes: [String: VolumeSource], claimNames: Set<String>) -> [FieldError] {
        var errors: [FieldError] = []
        var names = Set((containers ?? []).map(\.name))
        for (index, container) in (initContainers ?? []).enumerated() {
            let itemPath = path.index(index)
            errors += container.validateCommon(at: itemPath, volumes: volumes, podRestartPolicy: restartPolicy, claimNames: claimNames)
            var restartable = false
            if let policy = container.restartPolicy {
                if policy != "Always" { errors.append(.notSupported(itemPath.child("restartPolicy"), policy, ["Always"])) }
                restartable = policy == "Always"
            }
            if names.contains(container.name) {
                errors.append(.duplicate(itemPath.child("name"), container.name))
            } else if !container.name.isEmpty {
                names.insert(container.name)
            }
            // Init containers run one by one, so their host ports are checked one at a time.
            var seen = Set<String>()
            errors += Container.hostPortConflicts([container], at: path, seen: &seen)
            if restartable {
                errors += container.validateProbesAndLifecycle(at: itemPath, gracePeriod: terminationGracePeriodSeconds)
            } else {
                let message = "may not be set for init containers without restartPolicy=Always"
                if container.lifecycle != nil { errors.append(.forbidden(itemPath.child("lifecycle"), message)) }
                if container.livenessProbe != nil { errors.append(.forbidden(itemPath.child("livenessProbe"), message)) }
                if container.readinessProbe != nil { errors.append(.forbidden(itemPath.child("readinessProbe"), message)) }
                if container.startupProbe != nil { errors.append(.forbidden(itemPath.child("startupProbe"), message)) }
            }
            if !(container.resizePolicy ?? []).isEmpty {
                errors.append(.invalid(itemPath.child("resizePolicy"), raw: "[]core.ContainerResizePolicy{…}", "must not be set for init containers"))
            }
        }
        return errors
    }

    private func validateEphemeralContainers(at path: FieldPath, volumes: [String: VolumeSource], claimNames: Set<String>) -> [FieldError] {
        let list = ephemeralContainers ?? []
        guard !list.isEmpty else { return [] }
        var errors: [FieldError] = []
        let others = Set(allContainers.map(\.name))
        var names = others
        for (index, ephemeral) in list.enumerated() {
            let itemPath = path.index(index)
            let container = ephemeral.container
            errors += container.validateCommon(at: itemPath, volumes: volumes, podRestartPolicy: restartPolicy, claimNames: claimNames)
            errors += container.validateOnlyForPod(at: itemPath)
            if !names.insert(container.name).inserted { errors.append(.duplicate(itemPath.child("name"), container.name)) }
            if let target = ephemeral.targetContainerName, !target.isEmpty, !others.contains(target) {
                errors.append(FieldError(.notFound, itemPath.child("targetContainerName"), value: FieldError.quote(target)))
            }
            let message = "cannot be set for an Ephemeral Container"
            let disallowed: [(String, Bool)] = [
                ("ports", container.ports != nil), ("resources", container.resources != nil),
                ("resizePolicy", container.resizePolicy != nil), ("restartPolicy", container.restartPolicy != nil),
                ("livenessProbe", container.livenessProbe != nil), ("readinessProbe", container.readinessProbe != nil),
                ("startupProbe", container.startupProbe != nil), ("lifecycle", container.lifecycle != nil),
            ]
            for (field, isSet) in disallowed where isSet { errors.append(.forbidden(itemPath.child(field), message)) }
            for (mountIndex, mount) in (container.volumeMounts ?? []).enumerated() {
                let mountPath = itemPath.child("volumeMounts").index(mountIndex)
                if !(mount.subPath ?? "").isEmpty { errors.append(.forbidden(mountPath.child("subPath"), message)) }
                if !(mount.subPathExpr ?? "").isEmpty { errors.append(.forbidden(mountPath.child("subPathExpr"), message)) }
            }
        }
        return errors
    }

    private func validateHostNetworkPorts(at path: FieldPath, isPod: Bool) -> [FieldError] {
        guard hostNetwork == true else { return [] }
        var errors: [FieldError] = []
        for (index, container) in (containers ?? []).enumerated() {
            for (portIndex, port) in (container.ports ?? []).enumerated() {
                let hostPort = port.hostPort ?? 0
                if isPod || hostPort != 0, hostPort != port.containerPort {
                    errors.append(.invalid(path.child("containers").index(index).child("ports").index(portIndex).child("hostPort"),
                                           number: hostPort, "must match `containerPort` when `hostNetwork` is true"))
                }
            }
        }
        return errors
    }

    /// validatePodSpecSecurityContext. Upstream keeps shareProcessNamespace inside the
    /// security context, so its error is named there.
    private func validateSecurityContext(at specPath: FieldPath) -> [FieldError] {
        let path = specPath.child("securityContext")
        var errors: [FieldError] = []
        if shareProcessNamespace == true, hostPID == true {
            errors.append(.invalid(path.child("shareProcessNamespace"), raw: "true", "ShareProcessNamespace and HostPID cannot both be enabled"))
        }
        guard let context = securityContext else { return errors }
        if let group = context.fsGroup { errors += CoreRules.idProblems(group).map { FieldError.invalid(path.child("fsGroup"), number: group, $0) } }
        if let user = context.runAsUser { errors += CoreRules.idProblems(user).map { FieldError.invalid(path.child("runAsUser"), number: user, $0) } }
        if let group = context.runAsGroup { errors += CoreRules.idProblems(group).map { FieldError.invalid(path.child("runAsGroup"), number: group, $0) } }
        for (index, group) in (context.supplementalGroups ?? []).enumerated() {
            errors += CoreRules.idProblems(group).map { FieldError.invalid(path.child("supplementalGroups").index(index), number: group, $0) }
        }
        errors += Sysctl.validate(context.sysctls ?? [], hostNetwork: hostNetwork == true, hostIPC: hostIPC == true, at: path.child("sysctls"))
        if let policy = context.fsGroupChangePolicy, policy != "Always", policy != "OnRootMismatch" {
            errors.append(.notSupported(path.child("fsGroupChangePolicy"), policy, ["Always", "OnRootMismatch"]))
        }
        if let profile = context.seccompProfile { errors += profile.validate(at: path.child("seccompProfile")) }
        if let profile = context.appArmorProfile { errors += profile.validate(at: path.child("appArmorProfile")) }
        if let policy = context.supplementalGroupsPolicy, policy != "Merge", policy != "Strict" {
            errors.append(.notSupported(path.child("supplementalGroupsPolicy"), policy, ["Merge", "Strict"]))
        }
        if let policy = context.seLinuxChangePolicy, policy != "MountOption", policy != "Recursive" {
            errors.append(.notSupported(path.child("seLinuxChangePolicy"), policy, ["MountOption", "Recursive"]))
        }
        return errors
    }

    /// validatePodDNSConfig.
    private func validateDNSConfig(at path: FieldPath) -> [FieldError] {
        if dnsPolicy == "None" {
            guard let dnsConfig else { return [.required(path, "must provide `dnsConfig` when `dnsPolicy` is None")] }
            if (dnsConfig.nameservers ?? []).isEmpty {
                return [.required(path.child("nameservers"), "must provide at least one DNS nameserver when `dnsPolicy` is None")]
            }
        }
        guard let dnsConfig else { return [] }
        var errors: [FieldError] = []
        let nameservers = dnsConfig.nameservers ?? []
        if nameservers.count > 3 {
            errors.append(.invalid(path.child("nameservers"), raw: "[]string{…}", "must not have more than 3 nameservers"))
        }
        for (index, server) in nameservers.enumerated() {
            errors += CoreRules.ipProblems(server).map { FieldError.invalid(path.child("nameservers").index(index), server, $0) }
        }
        let searches = dnsConfig.searches ?? []
        if searches.count > 32 {
            errors.append(.invalid(path.child("searches"), raw: "[]string{…}", "must not have more than 32 search paths"))
        }
        if searches.joined(separator: " ").utf8.count > 2048 {
            errors.append(.invalid(path.child("searches"), raw: "[]string{…}",
                                   "must not have more than 2048 characters (including spaces) in the search list"))
        }
        for (index, search) in searches.enumerated() {
            let trimmed = search.hasSuffix(".") ? String(search.dropLast()) : search
            errors += CoreRules.dns1123Subdomain(trimmed, path.child("searches").index(index))
        }
        for (index, option) in (dnsConfig.options ?? []).enumerated() where (option.name ?? "").isEmpty {
            errors.append(.required(path.child("options").index(index), "must not be empty"))
        }
        return errors
    }
}

extension Sysctl {
    /// The sysctl name pattern, as upstream prints it in its message.
    static let namePattern = "^([a-z0-9]([-_a-z0-9]*[a-z0-9])?[\\./])*[a-z0-9]([-_a-z0-9]*[a-z0-9])?$"

    static func validate(_ sysctls: [Sysctl], hostNetwork: Bool, hostIPC: Bool, at path: FieldPath) -> [FieldError] {
        var errors: [FieldError] = []
        var names = Set<String>()
        for (index, sysctl) in sysctls.enumerated() {
            let namePath = path.index(index).child("name")
            if sysctl.name.isEmpty {
                errors.append(.required(namePath))
            } else if !isValidName(sysctl.name) {
                errors.append(.invalid(namePath, sysctl.name, "must have at most 253 characters and match regex \(namePattern)"))
            } else if names.contains(sysctl.name) {
                errors.append(.duplicate(namePath, sysctl.name))
            }
            let dotted = sysctl.name.replacingOccurrences(of: "/", with: ".")
            let isIPC = dotted.hasPrefix("kernel.shm") || dotted.hasPrefix("kernel.msg") || dotted == "kernel.sem" || dotted.hasPrefix("fs.mqueue.")
            if hostNetwork, dotted.hasPrefix("net.") {
                errors.append(.invalid(namePath, sysctl.name, "may not be specified when 'hostNetwork' is true"))
            } else if hostIPC, isIPC {
                errors.append(.invalid(namePath, sysctl.name, "may not be specified when 'hostIPC' is true"))
            }
            names.insert(sysctl.name)
        }
        return errors
    }

    static func isValidName(_ name: String) -> Bool {
        guard name.utf8.count <= 253 else { return false }
        let segments = name.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "." || $0 == "/" })
        return segments.allSatisfy { segment in
            let bytes = Array(segment.utf8)
            guard let first = bytes.first, let last = bytes.last else { return false }
            func edge(_ c: UInt8) -> Bool { (c >= 97 && c <= 122) || (c >= 48 && c <= 57) }
            return edge(first) && edge(last) && bytes.allSatisfy { edge($0) || $0 == 45 || $0 == 95 }
        }
    }
}

extension PodTemplateSpec {
    /// ValidatePodTemplateSpec: the template's labels and annotations, then its spec.
    public func validate(at path: FieldPath, options: PodSpecValidationOptions = PodSpecValidationOptions()) -> [FieldError] {
        var errors = NameRules.validateLabels(metadata?.labels, field: path.child("labels"))
        errors += NameRules.validateAnnotations(metadata?.annotations, field: path.child("annotations"))
        let spec = self.spec ?? PodSpec()
        errors += spec.validate(at: path.child("spec"), options: options)
        if !(spec.ephemeralContainers ?? []).isEmpty {
            errors.append(.forbidden(path.child("spec").child("ephemeralContainers"), "ephemeral containers not allowed in pod template"))
        }
        return errors
    }
}
