import Foundation

/// validateContainerCommon and the checks of a container's parts.
extension Container {
    /// The checks every container gets (regular, init and ephemeral): name, image,
    /// termination message policy, ports, env, mounts, pull policy, resources, resize policy
    /// and security context.
    func validateCommon(at path: FieldPath, volumes: [String: VolumeSource], podRestartPolicy: String?, claimNames: Set<String>) -> [FieldError] {
        var errors: [FieldError] = []
        let namePath = path.child("name")
        if name.isEmpty {
            errors.append(.required(namePath))
        } else {
            errors += CoreRules.dns1123Label(name, namePath)
        }
        if (image ?? "").isEmpty { errors.append(.required(path.child("image"))) }
        switch terminationMessagePolicy ?? "" {
        case "File", "FallbackToLogsOnError": break
        case "": errors.append(.required(path.child("terminationMessagePolicy")))
        case let other: errors.append(.notSupported(path.child("terminationMessagePolicy"), other, ["File", "FallbackToLogsOnError"]))
        }
        errors += ContainerPort.validate(ports ?? [], at: path.child("ports"))
        errors += EnvVar.validate(env ?? [], at: path.child("env"))
        errors += EnvFromSource.validate(envFrom ?? [], at: path.child("envFrom"))
        let devices = volumeDevices ?? []
        let mounts = volumeMounts ?? []
        errors += VolumeMount.validate(mounts, devices: devices, volumes: volumes, privileged: securityContext?.privileged == true,
                                       at: path.child("volumeMounts"))
        errors += VolumeDevice.validate(devices, mounts: mounts, volumes: volumes, at: path.child("volumeDevices"))
        switch imagePullPolicy ?? "" {
        case "Always", "IfNotPresent", "Never": break
        case "": errors.append(.required(path.child("imagePullPolicy")))
        case let other: errors.append(.notSupported(path.child("imagePullPolicy"), other, ["Always", "IfNotPresent", "Never"]))
        }
        errors += (resources ?? ResourceRequirements()).validateForContainer(at: path.child("resources"), claimNames: claimNames)
        errors += ContainerResizePolicy.validate(resizePolicy ?? [], podRestartPolicy: podRestartPolicy, at: path.child("resizePolicy"))
        if let securityContext { errors += securityContext.validate(at: path.child("securityContext"), hostUsers: true) }
        return errors
    }

    /// validateContainerOnlyForPod: leading or trailing whitespace in the image.
    func validateOnlyForPod(at path: FieldPath) -> [FieldError] {
        guard let image, image != image.trimmingCharacters(in: .whitespacesAndNewlines) else { return [] }
        return [.invalid(path.child("image"), image, "must not have leading or trailing whitespace")]
    }

    /// The probes and lifecycle of a regular or restartable init container.
    func validateProbesAndLifecycle(at path: FieldPath, gracePeriod: Int64?) -> [FieldError] {
        var errors: [FieldError] = []
        if let lifecycle {
            if let handler = lifecycle.postStart { errors += handler.validate(at: path.child("lifecycle").child("postStart"), gracePeriod: gracePeriod) }
            if let handler = lifecycle.preStop { errors += handler.validate(at: path.child("lifecycle").child("preStop"), gracePeriod: gracePeriod) }
        }
        if let probe = livenessProbe {
            let probePath = path.child("livenessProbe")
            errors += probe.validate(at: probePath)
            if (probe.successThreshold ?? 0) != 1 {
                errors.append(.invalid(probePath.child("successThreshold"), number: probe.successThreshold ?? 0, "must be 1"))
            }
        }
        if let probe = readinessProbe {
            let probePath = path.child("readinessProbe")
            errors += probe.validate(at: probePath)
            if let seconds = probe.terminationGracePeriodSeconds {
                errors.append(.invalid(probePath.child("terminationGracePeriodSeconds"), number: seconds, "must not be set for readinessProbes"))
            }
        }
        if let probe = startupProbe {
            let probePath = path.child("startupProbe")
            errors += probe.validate(at: probePath)
            if (probe.successThreshold ?? 0) != 1 {
                errors.append(.invalid(probePath.child("successThreshold"), number: probe.successThreshold ?? 0, "must be 1"))
            }
        }
        return errors
    }

    /// checkHostPortConflicts: one protocol/hostIP/hostPort may be used once.
    static func hostPortConflicts(_ containers: [Container], at path: FieldPath, seen: inout Set<String>) -> [FieldError] {
        var errors: [FieldError] = []
        for (containerIndex, container) in containers.enumerated() {
            for (portIndex, port) in (container.ports ?? []).enumerated() {
                guard let hostPort = port.hostPort, hostPort != 0 else { continue }
                let key = "\(port.protocol ?? "")/\(port.hostIP ?? "")/\(hostPort)"
                if !seen.insert(key).inserted {
                    errors.append(.duplicate(path.index(containerIndex).child("ports").index(portIndex).child("hostPort"), key))
                }
            }
        }
        return errors
    }
}

extension ContainerPort {
    static func validate(_ ports: [ContainerPort], at path: FieldPath) -> [FieldError] {
        var errors: [FieldError] = []
        var names = Set<String>()
        for (index, port) in ports.enumerated() {
            let itemPath = path.index(index)
            if let name = port.name, !name.isEmpty {
                let problems = CoreRules.portNameProblems(name)
                if !problems.isEmpty {
                    errors += problems.map { FieldError.invalid(itemPath.child("name"), name, $0) }
                } else if !names.insert(name).inserted {
                    errors.append(.duplicate(itemPath.child("name"), name))
                }
            }
            if port.containerPort == 0 {
                errors.append(.required(itemPath.child("containerPort")))
            } else {
                errors += CoreRules.portNumberProblems(Int64(port.containerPort)).map {
                    FieldError.invalid(itemPath.child("containerPort"), number: port.containerPort, $0)
                }
            }
            if let hostPort = port.hostPort, hostPort != 0 {
                errors += CoreRules.portNumberProblems(Int64(hostPort)).map { FieldError.invalid(itemPath.child("hostPort"), number: hostPort, $0) }
            }
            switch port.protocol ?? "" {
            case "TCP", "UDP", "SCTP": break
            case "": errors.append(.required(itemPath.child("protocol")))
            case let other: errors.append(.notSupported(itemPath.child("protocol"), other, ["SCTP", "TCP", "UDP"]))
            }
        }
        return errors
    }
}

extension EnvVar {
    static let fieldPaths = [
        "metadata.name", "metadata.namespace", "metadata.uid", "spec.nodeName", "spec.serviceAccountName", "status.hostIP",
        "status.hostIPs", "status.podIP", "status.podIPs",
    ]

    static func validate(_ variables: [EnvVar], at path: FieldPath) -> [FieldError] {
        var errors: [FieldError] = []
        for (index, variable) in variables.enumerated() {
            let itemPath = path.index(index)
            if variable.name.isEmpty {
                errors.append(.required(itemPath.child("name")))
            } else {
                errors += CoreRules.envVarNameProblems(variable.name).map { FieldError.invalid(itemPath.child("name"), variable.name, $0) }
            }
            guard let source = variable.valueFrom else { continue }
            let sourcePath = itemPath.child("valueFrom")
            var count = 0
            if let fieldRef = source.fieldRef {
                count += 1
                errors += fieldRef.validate(allowed: EnvVar.fieldPaths, at: sourcePath.child("fieldRef"))
            }
            if let resourceRef = source.resourceFieldRef {
                count += 1
                errors += resourceRef.validate(requireContainerName: false, at: sourcePath.child("resourceFieldRef"))
            }
            if let ref = source.configMapKeyRef {
                count += 1
                errors += validateKeySelector(name: ref.name, key: ref.key, at: sourcePath.child("configMapKeyRef"))
            }
            if let ref = source.secretKeyRef {
                count += 1
                errors += validateKeySelector(name: ref.name, key: ref.key, at: sourcePath.child("secretKeyRef"))
            }
            if count == 0 {
                errors.append(.invalid(sourcePath, "", "must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`"))
            } else if !(variable.value ?? "").isEmpty {
                errors.append(.invalid(sourcePath, "", "may not be specified when `value` is not empty"))
            } else if count > 1 {
                errors.append(.invalid(sourcePath, "", "may not have more than one field specified at a time"))
            }
        }
        return errors
    }

    private static func validateKeySelector(name: String?, key: String, at path: FieldPath) -> [FieldError] {
        var errors = CoreRules.dns1123Subdomain(name ?? "", path.child("name"))
        if key.isEmpty {
            errors.append(.required(path.child("key")))
        } else {
            errors += CoreRules.configMapKeyProblems(key).map { FieldError.invalid(path.child("key"), key, $0) }
        }
        return errors
    }
}

extension EnvFromSource {
    static func validate(_ sources: [EnvFromSource], at path: FieldPath) -> [FieldError] {
        var errors: [FieldError] = []
        for (index, source) in sources.enumerated() {
            let itemPath = path.index(index)
            if let prefix = source.prefix, !prefix.isEmpty {
                errors += CoreRules.envVarNameProblems(prefix).map { FieldError.invalid(itemPath.child("prefix"), prefix, $0) }
            }
            var count = 0
            for (name, refPath) in [(source.configMapRef.map { $0.name ?? "" }, "configMapRef"), (source.secretRef.map { $0.name ?? "" }, "secretRef")] {
                guard let name else { continue }
                count += 1
                let namePath = itemPath.child(refPath).child("name")
                if name.isEmpty {
                    errors.append(.required(namePath))
                } else {
                    errors += CoreRules.dns1123Subdomain(name, namePath)
                }
            }
            if count == 0 {
                errors.append(.invalid(path, "", "must specify one of: `configMapRef` or `secretRef`"))
            } else if count > 1 {
                errors.append(.invalid(path, "", "may not have more than one field specified at a time"))
            }
        }
        return errors
    }
}

extension ObjectFieldSelector {
    /// validateObjectFieldSelector: a supported path, or metadata.labels['key'] /
    /// metadata.annotations['key'].
    func validate(allowed: [String], at path: FieldPath) -> [FieldError] {
        if (apiVersion ?? "").isEmpty { return [.required(path.child("apiVersion"))] }
        if fieldPath.isEmpty { return [.required(path.child("fieldPath"))] }
        if apiVersion != "v1" {
            return [.invalid(path.child("fieldPath"), fieldPath, "error converting fieldPath: unsupported pod version: \(apiVersion ?? "")")]
        }
        if let open = fieldPath.firstIndex(of: "["), fieldPath.hasSuffix("']") {
            let base = String(fieldPath[..<open])
            let inner = fieldPath[fieldPath.index(after: open)..<fieldPath.index(before: fieldPath.endIndex)]
            if inner.hasPrefix("'"), inner.hasSuffix("'"), inner.count >= 2 {
                let key = String(inner.dropFirst().dropLast())
                switch base {
                case "metadata.annotations": return CoreRules.qualifiedName(key.lowercased(), path)
                case "metadata.labels": return CoreRules.qualifiedName(key, path)
                default: return [.invalid(path, base, "does not support subscript")]
                }
            }
        }
        if !allowed.contains(fieldPath) {
            return [.notSupported(path.child("fieldPath"), fieldPath, allowed.sorted())]
        }
        return []
    }
}

extension ResourceFieldSelector {
    static let resources = ["limits.cpu", "limits.ephemeral-storage", "limits.memory", "requests.cpu", "requests.ephemeral-storage", "requests.memory"]

    func validate(requireContainerName: Bool, at path: FieldPath) -> [FieldError] {
        var errors: [FieldError] = []
        if requireContainerName, (containerName ?? "").isEmpty {
            errors.append(.required(path.child("containerName")))
        } else if resource.isEmpty {
            errors.append(.required(path.child("resource")))
        } else if !ResourceFieldSelector.resources.contains(resource),
            !resource.hasPrefix("requests.hugepages-"), !resource.hasPrefix("limits.hugepages-")
        {
            errors.append(.notSupported(path.child("resource"), resource, ResourceFieldSelector.resources))
        }
        if let divisor, !divisor.isZero {
            let text = divisor.description
            let memoryDivisors = ["1", "1k", "1M", "1G", "1T", "1P", "1E", "1Ki", "1Mi", "1Gi", "1Ti", "1Pi", "1Ei"]
            switch resource {
            case "limits.cpu", "requests.cpu":
                if text != "1m" && text != "1" {
                    errors.append(.invalid(path.child("divisor"), resource, "only divisor's values 1m and 1 are supported with the cpu resource"))
                }
            case "limits.memory", "requests.memory":
                if !memoryDivisors.contains(text) {
                    errors.append(.invalid(path.child("divisor"), resource,
                                           "only divisor's values 1, 1k, 1M, 1G, 1T, 1P, 1E, 1Ki, 1Mi, 1Gi, 1Ti, 1Pi, 1Ei are supported with the memory resource"))
                }
            case "limits.ephemeral-storage", "requests.ephemeral-storage":
                if !memoryDivisors.contains(text) {
                    errors.append(.invalid(path.child("divisor"), resource,
                                           "only divisor's values 1, 1k, 1M, 1G, 1T, 1P, 1E, 1Ki, 1Mi, 1Gi, 1Ti, 1Pi, 1Ei are supported with the local ephemeral storage resource"))
                }
            default: break
            }
        }
        return errors
    }
}

extension VolumeMount {
    static let propagations = ["Bidirectional", "HostToContainer", "None"]

    /// ValidateVolumeMounts. The subPath and subPathExpr errors name the list, not the
    /// item ("…volumeMounts.subPath"), as upstream does.
    static func validate(_ mounts: [VolumeMount], devices: [VolumeDevice], volumes: [String: VolumeSource], privileged: Bool,
                         at path: FieldPath) -> [FieldError] {
        var errors: [FieldError] = []
        var mountPoints = Set<String>()
        let deviceNames = Set(devices.map(\.name))
        let devicePaths = Set(devices.map(\.devicePath))
        for (index, mount) in mounts.enumerated() {
            let itemPath = path.index(index)
            if mount.name.isEmpty { errors.append(.required(itemPath.child("name"))) }
            if volumes[mount.name] == nil { errors.append(FieldError(.notFound, itemPath.child("name"), value: FieldError.quote(mount.name))) }
            if mount.mountPath.isEmpty { errors.append(.required(itemPath.child("mountPath"))) }
            if !mountPoints.insert(mount.mountPath).inserted {
                errors.append(.invalid(itemPath.child("mountPath"), mount.mountPath, "must be unique"))
            }
            if deviceNames.contains(mount.name) {
                errors.append(.invalid(itemPath.child("name"), mount.name, "must not already exist in volumeDevices"))
            }
            if devicePaths.contains(mount.mountPath) {
                errors.append(.invalid(itemPath.child("mountPath"), mount.mountPath, "must not already exist as a path in volumeDevices"))
            }
            let subPath = mount.subPath ?? ""
            let subPathExpr = mount.subPathExpr ?? ""
            if volumes[mount.name]?.image != nil {
                if !subPath.isEmpty { errors.append(.invalid(itemPath.child("subPath"), subPath, "not allowed in image volume sources")) }
                if !subPathExpr.isEmpty { errors.append(.invalid(itemPath.child("subPathExpr"), subPathExpr, "not allowed in image volume sources")) }
            }
            if !subPath.isEmpty { errors += CoreRules.localDescendingPath(subPath, path.child("subPath")) }
            if !subPathExpr.isEmpty {
                if !subPath.isEmpty {
                    errors.append(.invalid(itemPath.child("subPathExpr"), subPathExpr, "subPathExpr and subPath are mutually exclusive"))
                }
                errors += CoreRules.localDescendingPath(subPathExpr, path.child("subPathExpr"))
            }
            if let propagation = mount.mountPropagation {
                let propagationPath = path.child("mountPropagation")
                if !propagations.contains(propagation) { errors.append(.notSupported(propagationPath, propagation, propagations)) }
                if propagation == "Bidirectional", !privileged {
                    errors.append(.forbidden(propagationPath, "Bidirectional mount propagation is available only to privileged containers"))
                }
            }
            if let recursive = mount.recursiveReadOnly {
                let recursivePath = path.child("recursiveReadOnly")
                switch recursive {
                case "Disabled": break
                case "Enabled", "IfPossible":
                    if mount.readOnly != true { errors.append(.forbidden(recursivePath, "may only be specified when readOnly is true")) }
                    if let propagation = mount.mountPropagation, propagation != "None" {
                        errors.append(.forbidden(recursivePath, "may only be specified when mountPropagation is None or not specified"))
                    }
                default: errors.append(.notSupported(recursivePath, recursive, ["Disabled", "Enabled", "IfPossible"]))
                }
            }
        }
        return errors
    }
}

extension VolumeDevice {
    static func validate(_ devices: [VolumeDevice], mounts: [VolumeMount], volumes: [String: VolumeSource], at path: FieldPath) -> [FieldError] {
        var errors: [FieldError] = []
        var names = Set<String>()
        var paths = Set<String>()
        let mountNames = Set(mounts.map(\.name))
        let mountPaths = Set(mounts.map(\.mountPath))
        for (index, device) in devices.enumerated() {
            let itemPath = path.index(index)
            if device.name.isEmpty { errors.append(.required(itemPath.child("name"))) }
            if names.contains(device.name) { errors.append(.invalid(itemPath.child("name"), device.name, "must be unique")) }
            if let source = volumes[device.name] {
                if !source.isClaimBacked {
                    errors.append(.invalid(itemPath.child("name"), device.name,
                                           "can only use volume source type of PersistentVolumeClaim or Ephemeral for block mode"))
                }
            } else {
                errors.append(FieldError(.notFound, itemPath.child("name"), value: FieldError.quote(device.name)))
            }
            if device.devicePath.isEmpty { errors.append(.required(itemPath.child("devicePath"))) }
            if paths.contains(device.devicePath) { errors.append(.invalid(itemPath.child("devicePath"), device.devicePath, "must be unique")) }
            if !device.devicePath.isEmpty, !CoreRules.noBacksteps(device.devicePath, path).isEmpty {
                errors.append(.invalid(itemPath.child("devicePath"), device.devicePath, "can not contain backsteps ('..')"))
            } else {
                paths.insert(device.devicePath)
            }
            if mountNames.contains(device.name) {
                errors.append(.invalid(itemPath.child("name"), device.name, "must not already exist in volumeMounts"))
            }
            if mountPaths.contains(device.devicePath) {
                errors.append(.invalid(itemPath.child("devicePath"), device.devicePath, "must not already exist as a path in volumeMounts"))
            }
            if !device.name.isEmpty { names.insert(device.name) }
        }
        return errors
    }
}

extension ContainerResizePolicy {
    static func validate(_ policies: [ContainerResizePolicy], podRestartPolicy: String?, at path: FieldPath) -> [FieldError] {
        var errors: [FieldError] = []
        var seen = Set<String>()
        for (index, policy) in policies.enumerated() {
            if !seen.insert(policy.resourceName).inserted { errors.append(.duplicate(path.index(index), policy.resourceName)) }
            switch policy.resourceName {
            case "cpu", "memory": break
            case "": errors.append(.required(path))
            default: errors.append(.notSupported(path, policy.resourceName, ["cpu", "memory"]))
            }
            switch policy.restartPolicy {
            case "NotRequired", "RestartContainer": break
            case "": errors.append(.required(path))
            default: errors.append(.notSupported(path, policy.restartPolicy, ["NotRequired", "RestartContainer"]))
            }
            if podRestartPolicy == "Never", policy.restartPolicy != "NotRequired" {
                errors.append(.invalid(path, policy.restartPolicy, "must be 'NotRequired' when `restartPolicy` is 'Never'"))
            }
        }
        return errors
    }
}

extension Probe {
    /// validateProbe: one handler and non-negative timings.
    func validate(at path: FieldPath) -> [FieldError] {
        var errors = HandlerShape(exec: exec, httpGet: httpGet, tcpSocket: tcpSocket, grpc: grpc, sleep: nil)
            .validate(at: path, gracePeriod: nil)
        errors += CoreRules.nonNegative(initialDelaySeconds ?? 0, path.child("initialDelaySeconds"))
        errors += CoreRules.nonNegative(timeoutSeconds ?? 0, path.child("timeoutSeconds"))
        errors += CoreRules.nonNegative(periodSeconds ?? 0, path.child("periodSeconds"))
        errors += CoreRules.nonNegative(successThreshold ?? 0, path.child("successThreshold"))
        errors += CoreRules.nonNegative(failureThreshold ?? 0, path.child("failureThreshold"))
        if let seconds = terminationGracePeriodSeconds, seconds <= 0 {
            errors.append(.invalid(path.child("terminationGracePeriodSeconds"), number: seconds, "must be greater than 0"))
        }
        return errors
    }
}

extension LifecycleHandler {
    func validate(at path: FieldPath, gracePeriod: Int64?) -> [FieldError] {
        HandlerShape(exec: exec, httpGet: httpGet, tcpSocket: tcpSocket, grpc: nil, sleep: sleep).validate(at: path, gracePeriod: gracePeriod)
    }
}

/// The handler fields probes and lifecycle hooks share (upstream's commonHandler).
private struct HandlerShape {
    var exec: ExecAction?
    var httpGet: HTTPGetAction?
    var tcpSocket: TCPSocketAction?
    var grpc: GRPCAction?
    var sleep: SleepAction?

    func validate(at path: FieldPath, gracePeriod: Int64?) -> [FieldError] {
        var errors: [FieldError] = []
        var count = 0
        func take(_ name: String, _ check: () -> [FieldError]) {
            if count > 0 {
                errors.append(.forbidden(path.child(name), "may not specify more than 1 handler type"))
            } else {
                count += 1
                errors += check()
            }
        }
        if let exec {
            take("exec") { (exec.command ?? []).isEmpty ? [.required(path.child("exec").child("command"))] : [] }
        }
        if let httpGet {
            take("httpGet") {
                let getPath = path.child("httpGet")
                var found: [FieldError] = []
                if (httpGet.path ?? "").isEmpty { found.append(.required(getPath.child("path"))) }
                found += validatePort(httpGet.port, at: getPath.child("port"))
                let scheme = httpGet.scheme ?? ""
                if scheme != "HTTP", scheme != "HTTPS" { found.append(.notSupported(getPath.child("scheme"), scheme, ["HTTP", "HTTPS"])) }
                for header in httpGet.httpHeaders ?? [] where !isHTTPHeaderName(header.name) {
                    found.append(.invalid(getPath.child("httpHeaders"), header.name,
                                          "a valid HTTP header must consist of alphanumeric characters or '-' (e.g. 'X-Header-Name', regex used for validation is '[-A-Za-z0-9]+')"))
                }
                return found
            }
        }
        if let tcpSocket { take("tcpSocket") { validatePort(tcpSocket.port, at: path.child("tcpSocket").child("port")) } }
        if let grpc { take("grpc") { validatePort(.int(Int(grpc.port)), at: path.child("grpc").child("port")) } }
        if let sleep {
            take("sleep") {
                guard let gracePeriod, sleep.seconds <= 0 || sleep.seconds > gracePeriod else { return [] }
                return [.invalid(path.child("sleep"), number: sleep.seconds,
                                 "must be greater than 0 and less than terminationGracePeriodSeconds (\(gracePeriod)). Enable AllowPodLifecycleSleepActionZeroValue feature gate for zero sleep.")]
            }
        }
        if count == 0 { errors.append(.required(path, "must specify a handler type")) }
        return errors
    }

    private func validatePort(_ port: IntOrString, at path: FieldPath) -> [FieldError] {
        switch port {
        case .int(let number): return CoreRules.portNumberProblems(Int64(number)).map { FieldError.invalid(path, number: number, $0) }
        case .string(let name): return CoreRules.portNameProblems(name).map { FieldError.invalid(path, name, $0) }
        }
    }

    private func isHTTPHeaderName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.allSatisfy { ($0 >= 48 && $0 <= 57) || ($0 >= 65 && $0 <= 90) || ($0 >= 97 && $0 <= 122) || $0 == 45 }
    }
}

extension SecurityContext {
    /// ValidateSecurityContext.
    func validate(at path: FieldPath, hostUsers: Bool) -> [FieldError] {
        var errors: [FieldError] = []
        if let user = runAsUser { errors += CoreRules.idProblems(user).map { FieldError.invalid(path.child("runAsUser"), number: user, $0) } }
        if let group = runAsGroup { errors += CoreRules.idProblems(group).map { FieldError.invalid(path.child("runAsGroup"), number: group, $0) } }
        if let procMount {
            if procMount != "Default", procMount != "Unmasked" {
                errors.append(.notSupported(path.child("procMount"), procMount, ["Default", "Unmasked"]))
            }
            if hostUsers, procMount == "Unmasked" {
                errors.append(.invalid(path.child("procMount"), procMount, "`hostUsers` must be false to use `Unmasked`"))
            }
        }
        if let seccompProfile { errors += seccompProfile.validate(at: path.child("seccompProfile")) }
        if allowPrivilegeEscalation == false {
            if privileged == true {
                errors.append(.invalid(path, raw: "core.SecurityContext{…}", "cannot set `allowPrivilegeEscalation` to false and `privileged` to true"))
            }
            if (capabilities?.add ?? []).contains("CAP_SYS_ADMIN") {
                errors.append(.invalid(path, raw: "core.SecurityContext{…}",
                                       "cannot set `allowPrivilegeEscalation` to false and `capabilities.Add` CAP_SYS_ADMIN"))
            }
        }
        if let appArmorProfile { errors += appArmorProfile.validate(at: path.child("appArmorProfile")) }
        return errors
    }
}

extension SeccompProfile {
    func validate(at path: FieldPath) -> [FieldError] {
        var errors: [FieldError] = []
        switch type {
        case "Localhost", "RuntimeDefault", "Unconfined": break
        case "": errors.append(.required(path.child("type"), "type is required when seccompProfile is set"))
        default: errors.append(.notSupported(path.child("type"), type, ["Localhost", "RuntimeDefault", "Unconfined"]))
        }
        if type == "Localhost" {
            if let profile = localhostProfile {
                errors += CoreRules.localDescendingPath(profile, path.child("localhostProfile"))
            } else {
                errors.append(.required(path.child("localhostProfile"), "must be set when seccomp type is Localhost"))
            }
        } else if localhostProfile != nil {
            errors.append(.invalid(path.child("localhostProfile"), raw: "core.SeccompProfile{Type:\(FieldError.quote(type))}",
                                   "can only be set when seccomp type is Localhost"))
        }
        return errors
    }
}

extension AppArmorProfile {
    func validate(at path: FieldPath) -> [FieldError] {
        switch type {
        case "Localhost":
            guard let profile = localhostProfile else {
                return [.required(path.child("localhostProfile"), "must be set when AppArmor type is Localhost")]
            }
            var errors: [FieldError] = []
            if profile.trimmingSpaces() != profile {
                errors.append(.invalid(path.child("localhostProfile"), profile, "must not be padded with whitespace"))
            } else if profile.isEmpty {
                errors.append(.required(path.child("localhostProfile"), "must be set when AppArmor type is Localhost"))
            }
            if profile.utf8.count > 4095 { errors.append(.tooLong(path.child("localhostProfile"), max: 4095)) }
            return errors
        case "RuntimeDefault", "Unconfined":
            guard let profile = localhostProfile else { return [] }
            return [.invalid(path.child("localhostProfile"), profile, "can only be set when AppArmor type is Localhost")]
        case "":
            return [.required(path.child("type"), "type is required when appArmorProfile is set")]
        default:
            return [.notSupported(path.child("type"), type, ["Localhost", "RuntimeDefault", "Unconfined"])]
        }
    }
}
