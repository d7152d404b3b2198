public import BallastAPI
import Glibc

/// The files of the API data volumes (configMap, secret, downwardAPI, projected), built the
/// way upstream's MakePayload functions build them, with their error messages.
public enum VolumePayload {
    /// The mode of a file when neither the item nor the volume gives one (0644).
    public static let defaultMode: Int32 = 0o644

    /// The files of a configMap volume.
    /// - Parameter configMap: the ConfigMap, or nil when it does not exist.
    /// - Throws: `VolumeError` `.unavailable` when a required ConfigMap is missing (it may
    ///   be created later), `.invalid` for a missing required key or bad data.
    public static func configMap(_ source: ConfigMapVolumeSource, _ configMap: ConfigMap?) throws(VolumeError) -> [String: FileProjection] {
        try configMapFiles(name: source.name ?? "", items: source.items, defaultMode: source.defaultMode ?? defaultMode,
                      optional: source.optional ?? false, configMap)
    }

    /// The files of a secret volume (see `configMap(_:_:)`).
    public static func secret(_ source: SecretVolumeSource, _ secret: Secret?) throws(VolumeError) -> [String: FileProjection] {
        try secretFiles(name: source.secretName ?? "", items: source.items, defaultMode: source.defaultMode ?? defaultMode,
                   optional: source.optional ?? false, secret)
    }

    /// The files of a downwardAPI volume.
    public static func downwardAPI(_ source: DownwardAPIVolumeSource, pod: Pod, inputs: PodVolumeInputs) throws(VolumeError) -> [String: FileProjection] {
        try downwardAPIFiles(items: source.items ?? [], defaultMode: source.defaultMode ?? defaultMode, pod: pod, inputs: inputs)
    }

    /// The files of a projected volume: every source's files in one directory.
    public static func projected(_ source: ProjectedVolumeSource, pod: Pod, inputs: PodVolumeInputs) throws(VolumeError) -> [String: FileProjection] {
        let mode = source.defaultMode ?? defaultMode
        var payload: [String: FileProjection] = [:]
        for projection in source.sources ?? [] {
            var files: [String: FileProjection] = [:]
            if let configMap = projection.configMap {
                let name = configMap.name ?? ""
                files = try configMapFiles(name: name, items: configMap.items, defaultMode: mode, optional: configMap.optional ?? false,
                                           inputs.configMaps[name])
            } else if let secret = projection.secret {
                let name = secret.name ?? ""
                files = try secretFiles(name: name, items: secret.items, defaultMode: mode, optional: secret.optional ?? false, inputs.secrets[name])
            } else if let downward = projection.downwardAPI {
                files = try downwardAPIFiles(items: downward.items ?? [], defaultMode: mode, pod: pod, inputs: inputs)
            } else if let token = projection.serviceAccountToken {
                guard let value = inputs.serviceAccountToken else {
                    throw VolumeError(.unavailable, "no service account token is available for pod \(pod.metadata.namespace ?? "")/\(pod.metadata.name ?? "")")
                }
                files = [token.path: FileProjection(data: Array(value.utf8), mode: UInt32(truncatingIfNeeded: mode))]
            } else if projection.clusterTrustBundle != nil {
                throw VolumeError(.invalid, "clusterTrustBundle projections are not supported")
            }
            for (path, file) in files { payload[path] = file }
        }
        return payload
    }

    // MARK: - Sources

    static func configMapFiles(name: String, items: [KeyToPath]?, defaultMode: Int32, optional: Bool,
                          _ configMap: ConfigMap?) throws(VolumeError) -> [String: FileProjection] {
        guard let configMap else {
            if optional { return [:] }
            throw VolumeError(.unavailable, "configmap \"\(name)\" not found")
        }
        var values: [String: [UInt8]] = [:]
        for (key, value) in configMap.data ?? [:] { values[key] = Array(value.utf8) }
        for (key, value) in configMap.binaryData ?? [:] {
            do {
                values[key] = try SecretBase64.decode(value)
            } catch {
                throw VolumeError(.invalid, "configmap \"\(name)\" key \(key): \(error)")
            }
        }
        return try project(values, items: items, defaultMode: defaultMode, optional: optional, missingKey: "configmap references non-existent config key")
    }

    static func secretFiles(name: String, items: [KeyToPath]?, defaultMode: Int32, optional: Bool,
                       _ secret: Secret?) throws(VolumeError) -> [String: FileProjection] {
        guard let secret else {
            if optional { return [:] }
            throw VolumeError(.unavailable, "secret \"\(name)\" not found")
        }
        var values: [String: [UInt8]] = [:]
        for key in (secret.data ?? [:]).keys {
            guard let value = secret.value(key) else { throw VolumeError(.invalid, "secret \"\(name)\" key \(key) is not base64") }
            values[key] = value
        }
        return try project(values, items: items, defaultMode: defaultMode, optional: optional, missingKey: "references non-existent secret key")
    }

    private static func project(_ values: [String: [UInt8]], items: [KeyToPath]?, defaultMode: Int32, optional: Bool,
                                missingKey: String) throws(VolumeError) -> [String: FileProjection] {
        var payload: [String: FileProjection] = [:]
        guard let items, !items.isEmpty else {
            for (key, value) in values { payload[key] = FileProjection(data: value, mode: UInt32(truncatingIfNeeded: defaultMode)) }
            return payload
        }
        for item in items {
            guard let value = values[item.key] else {
                if optional { continue }
                throw VolumeError(.invalid, "\(missingKey): \(item.key)")
            }
            payload[item.path] = FileProjection(data: value, mode: UInt32(truncatingIfNeeded: item.mode ?? defaultMode))
        }
        return payload
    }

    static func downwardAPIFiles(items: [DownwardAPIVolumeFile], defaultMode: Int32, pod: Pod,
                            inputs: PodVolumeInputs) throws(VolumeError) -> [String: FileProjection] {
        var payload: [String: FileProjection] = [:]
        for item in items {
            let value: String
            if let field = item.fieldRef {
                value = try fieldValue(field.fieldPath, pod: pod)
            } else if let resource = item.resourceFieldRef {
                value = try resourceValue(resource, pod: pod, inputs: inputs)
            } else {
                throw VolumeError(.invalid, "downwardAPI item \(item.path) names neither a field nor a resource")
            }
            payload[item.path] = FileProjection(data: Array(value.utf8), mode: UInt32(truncatingIfNeeded: item.mode ?? defaultMode))
        }
        return payload
    }

    /// fieldpath.ExtractFieldPathAsString for the fields a volume may name.
    static func fieldValue(_ path: String, pod: Pod) throws(VolumeError) -> String {
        let meta = pod.metadata
        if let key = subscriptKey(path, of: "metadata.labels") { return meta.labels?[key] ?? "" }
        if let key = subscriptKey(path, of: "metadata.annotations") { return meta.annotations?[key] ?? "" }
        switch path {
        case "metadata.name": return meta.name ?? ""
        case "metadata.namespace": return meta.namespace ?? ""
        case "metadata.uid": return meta.uid ?? ""
        case "metadata.labels": return formatMap(meta.labels ?? [:])
        case "metadata.annotations": return formatMap(meta.annotations ?? [:])
        case "spec.nodeName": return pod.spec?.nodeName ?? ""
        case "spec.serviceAccountName": return pod.spec?.serviceAccountName ?? ""
        case "status.hostIP": return pod.status?.hostIP ?? ""
        case "status.podIP": return pod.status?.primaryPodIP ?? ""
        default: throw VolumeError(.invalid, "unsupported fieldPath: \(path)")
        }
    }

    /// "metadata.labels['app']" → "app".
    private static func subscriptKey(_ path: String, of field: String) -> String? {
        let prefix = field + "['"
        guard path.hasPrefix(prefix), path.hasSuffix("']"), path.count > prefix.count + 2 else { return nil }
        return String(path.dropFirst(prefix.count).dropLast(2))
    }

    /// Upstream's FormatMap: sorted `key="value"` lines, values quoted as Go's %q does.
    static func formatMap(_ map: [String: String]) -> String {
        map.keys.sorted().map { "\($0)=\(goQuote(map[$0] ?? ""))" }.joined(separator: "\n")
    }

    /// Go's strconv.Quote for the characters labels and annotations hold.
    static func goQuote(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\t": result += "\\t"
            case "\r": result += "\\r"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7f {
                    let hex = String(scalar.value, radix: 16)
                    result += "\\x" + (hex.count < 2 ? "0" + hex : hex)
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result + "\""
    }

    /// A container's request or limit, divided by the divisor and rounded up; a limit the
    /// container does not set is the node's allocatable amount, as upstream.
    static func resourceValue(_ selector: ResourceFieldSelector, pod: Pod, inputs: PodVolumeInputs) throws(VolumeError) -> String {
        let containers = pod.spec?.allContainers ?? []
        guard let container = containers.first(where: { $0.name == selector.containerName }) else {
            throw VolumeError(.invalid, "container \(selector.containerName ?? "") not found in pod")
        }
        let parts = selector.resource.split(separator: ".", maxSplits: 1).map(String.init)
        guard parts.count == 2, parts[0] == "limits" || parts[0] == "requests" else {
            throw VolumeError(.invalid, "unsupported container resource: \(selector.resource)")
        }
        let resources = container.resources
        var quantity = parts[0] == "limits" ? resources?.limits?[parts[1]] : resources?.requests?[parts[1]] ?? resources?.limits?[parts[1]]
        if quantity == nil, parts[0] == "limits" {
            switch parts[1] {
            case "memory": quantity = inputs.nodeAllocatableMemory.map { Quantity($0) }
            case "cpu": quantity = Quantity(Int64(sysconf(Int32(_SC_NPROCESSORS_ONLN))), format: .decimalSI)
            default: break
            }
        }
        let value = quantity ?? Quantity(0)
        let divisor = selector.divisor.flatMap { $0.isZero ? nil : $0 } ?? Quantity(1)
        if parts[1] == "cpu" {
            let milli = value.milliValue
            let per = max(1, divisor.milliValue)
            return String((milli + per - 1) / per)
        }
        let per = max(1, divisor.value)
        return String((value.value + per - 1) / per)
    }
}
