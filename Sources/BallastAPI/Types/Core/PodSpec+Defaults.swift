/// The defaults core/v1 applies to every PodSpec, in a Pod or in a workload's template
/// (SetDefaults_PodSpec and the defaults of everything a PodSpec contains).
extension PodSpec {
    /// The scheduler a Pod gets when it names none.
    public static let defaultSchedulerName = "default-scheduler"

    /// Fills in the defaults. Idempotent.
    public mutating func applyDefaults() {
        if (dnsPolicy ?? "").isEmpty { dnsPolicy = "ClusterFirst" }
        if (restartPolicy ?? "").isEmpty { restartPolicy = "Always" }
        if securityContext == nil { securityContext = PodSecurityContext() }
        if terminationGracePeriodSeconds == nil { terminationGracePeriodSeconds = 30 }
        if (schedulerName ?? "").isEmpty { schedulerName = PodSpec.defaultSchedulerName }
        if let list = volumes { volumes = list.map { var volume = $0; volume.source.applyDefaults(); return volume } }
        if let list = initContainers { initContainers = list.map { var container = $0; container.applyDefaults(); return container } }
        if let list = containers { containers = list.map { var container = $0; container.applyDefaults(); return container } }
        if let list = ephemeralContainers {
            ephemeralContainers = list.map { var ephemeral = $0; ephemeral.container.applyDefaults(); return ephemeral }
        }
        if let overhead { self.overhead = overhead.mapValues(\.roundedUpToMilli) }
    }
}

extension PodTemplateSpec {
    /// The PodSpec defaults applied to the template's spec (not the Pod-only ones).
    public mutating func applyDefaults() {
        var spec = self.spec ?? PodSpec()
        spec.applyDefaults()
        self.spec = spec
    }
}

extension Container {
    /// SetDefaults_Container and the generated defaults of its parts.
    public mutating func applyDefaults() {
        if (imagePullPolicy ?? "").isEmpty { imagePullPolicy = Container.defaultPullPolicy(for: image ?? "") }
        if (terminationMessagePath ?? "").isEmpty { terminationMessagePath = "/dev/termination-log" }
        if (terminationMessagePolicy ?? "").isEmpty { terminationMessagePolicy = "File" }
        if let list = ports {
            ports = list.map { port in
                var port = port
                if (port.protocol ?? "").isEmpty { port.protocol = "TCP" }
                return port
            }
        }
        if let list = env {
            env = list.map { variable in
                var variable = variable
                if var fieldRef = variable.valueFrom?.fieldRef, (fieldRef.apiVersion ?? "").isEmpty {
                    fieldRef.apiVersion = "v1"
                    variable.valueFrom?.fieldRef = fieldRef
                }
                return variable
            }
        }
        livenessProbe?.applyDefaults()
        readinessProbe?.applyDefaults()
        startupProbe?.applyDefaults()
        lifecycle?.postStart?.httpGet?.applyDefaults()
        lifecycle?.preStop?.httpGet?.applyDefaults()
        if let limits = resources?.limits { resources?.limits = limits.mapValues(\.roundedUpToMilli) }
        if let requests = resources?.requests { resources?.requests = requests.mapValues(\.roundedUpToMilli) }
    }

    /// Always for ":latest" or an image with neither tag nor digest, IfNotPresent otherwise.
    public static func defaultPullPolicy(for image: String) -> String {
        imageTag(image) == "latest" ? "Always" : "IfNotPresent"
    }

    /// The tag the runtime will pull: the explicit tag, "latest" when there is neither tag
    /// nor digest, nil for a digest-only reference.
    public static func imageTag(_ image: String) -> String? {
        var name = Substring(image)
        var digest: Substring?
        if let at = name.firstIndex(of: "@") {
            digest = name[name.index(after: at)...]
            name = name[..<at]
        }
        let lastComponent = name.split(separator: "/", omittingEmptySubsequences: false).last ?? name
        if let colon = lastComponent.lastIndex(of: ":") {
            return String(lastComponent[lastComponent.index(after: colon)...])
        }
        return digest == nil ? "latest" : nil
    }
}

extension Probe {
    /// SetDefaults_Probe: timeout 1s, period 10s, success 1, failure 3.
    public mutating func applyDefaults() {
        if (timeoutSeconds ?? 0) == 0 { timeoutSeconds = 1 }
        if (periodSeconds ?? 0) == 0 { periodSeconds = 10 }
        if (successThreshold ?? 0) == 0 { successThreshold = 1 }
        if (failureThreshold ?? 0) == 0 { failureThreshold = 3 }
        httpGet?.applyDefaults()
    }
}

extension HTTPGetAction {
    /// SetDefaults_HTTPGetAction: path "/" and scheme HTTP.
    public mutating func applyDefaults() {
        if (path ?? "").isEmpty { path = "/" }
        if (scheme ?? "").isEmpty { scheme = "HTTP" }
    }
}

extension VolumeSource {
    /// The mode files of secret, configMap, downwardAPI and projected volumes get (0644).
    public static let defaultFileMode: Int32 = 0o644

    /// SetDefaults_Volume and the defaults of each source.
    public mutating func applyDefaults() {
        if setSourceNames.isEmpty { emptyDir = EmptyDirVolumeSource() }
        if hostPath != nil, hostPath?.type == nil { hostPath?.type = "" }
        if secret != nil, secret?.defaultMode == nil { secret?.defaultMode = VolumeSource.defaultFileMode }
        if configMap != nil, configMap?.defaultMode == nil { configMap?.defaultMode = VolumeSource.defaultFileMode }
        if var downward = downwardAPI {
            if downward.defaultMode == nil { downward.defaultMode = VolumeSource.defaultFileMode }
            downward.items = downward.items.map(Self.defaultFieldRefs)
            downwardAPI = downward
        }
        if var projection = projected {
            if projection.defaultMode == nil { projection.defaultMode = VolumeSource.defaultFileMode }
            projection.sources = projection.sources?.map { source in
                var source = source
                if source.serviceAccountToken != nil, source.serviceAccountToken?.expirationSeconds == nil {
                    source.serviceAccountToken?.expirationSeconds = 3600
                }
                if let items = source.downwardAPI?.items { source.downwardAPI?.items = Self.defaultFieldRefs(items) }
                return source
            }
            projected = projection
        }
        if let spec = ephemeral?.volumeClaimTemplate?.spec {
            ephemeral?.volumeClaimTemplate?.spec = Self.defaultClaimSpec(spec)
        }
    }

    private static func defaultFieldRefs(_ items: [DownwardAPIVolumeFile]) -> [DownwardAPIVolumeFile] {
        items.map { item in
            var item = item
            if item.fieldRef != nil, (item.fieldRef?.apiVersion ?? "").isEmpty { item.fieldRef?.apiVersion = "v1" }
            return item
        }
    }

    /// SetDefaults_PersistentVolumeClaimSpec on a spec kept as JSON: volumeMode Filesystem.
    static func defaultClaimSpec(_ spec: JSONValue) -> JSONValue {
        guard case .object(var members) = spec else { return spec }
        if members["volumeMode"] == nil || members["volumeMode"] == .null { members["volumeMode"] = "Filesystem" }
        return .object(members)
    }
}

extension Quantity {
    /// SetDefaults_ResourceList rounds every request and limit up to milli precision.
    var roundedUpToMilli: Quantity {
        exponent >= -3 ? self : Quantity(mantissa: milliValue, exponent: -3, format: format)
    }
}
