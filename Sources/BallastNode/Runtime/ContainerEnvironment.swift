import BallastAPI
import Foundation

/// A container's environment as the kubelet makes it: the image's variables, then envFrom
/// sources, then env entries (later ones win), with `$(VAR)` references expanded against
/// what came before; plus the expansion of `$(VAR)` in command and args.
enum ContainerEnvironment {
    /// Why a variable could not be resolved (the container waits with
    /// CreateContainerConfigError).
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// The ordered variables of `container` in `pod`.
    static func resolve(container: Container, pod: Pod, imageEnvironment: [String], configMaps: [String: ConfigMap],
                        secrets: [String: Secret], nodeName: String) throws(Failure) -> [(String, String)] {
        var order: [String] = []
        var values: [String: String] = [:]
        func set(_ name: String, _ value: String) {
            if values[name] == nil { order.append(name) }
            values[name] = value
        }
        for entry in imageEnvironment {
            let parts = entry.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            set(String(parts[0]), parts.count > 1 ? String(parts[1]) : "")
        }
        set("HOSTNAME", pod.spec?.hostname ?? pod.metadata.name ?? "")
        var podDefined: [String: String] = [:]
        for source in container.envFrom ?? [] {
            let prefix = source.prefix ?? ""
            if let reference = source.configMapRef {
                guard let map = configMaps[reference.name ?? ""] else {
                    if reference.optional == true { continue }
                    throw Failure(description: "configmap \"\(reference.name ?? "")\" not found")
                }
                for (key, value) in (map.data ?? [:]).sorted(by: { $0.key < $1.key }) {
                    set(prefix + key, value)
                    podDefined[prefix + key] = value
                }
            }
            if let reference = source.secretRef {
                guard let secret = secrets[reference.name ?? ""] else {
                    if reference.optional == true { continue }
                    throw Failure(description: "secret \"\(reference.name ?? "")\" not found")
                }
                for (key, value) in (secret.data ?? [:]).sorted(by: { $0.key < $1.key }) {
                    let decoded = Data(base64Encoded: value).map { String(decoding: $0, as: UTF8.self) } ?? value
                    set(prefix + key, decoded)
                    podDefined[prefix + key] = decoded
                }
            }
        }
        for variable in container.env ?? [] {
            if let source = variable.valueFrom {
                guard let value = try value(of: source, pod: pod, container: container, configMaps: configMaps, secrets: secrets,
                                            nodeName: nodeName) else { continue }
                set(variable.name, value)
                podDefined[variable.name] = value
            } else {
                let value = expand(variable.value ?? "", with: podDefined)
                set(variable.name, value)
                podDefined[variable.name] = value
            }
        }
        return order.map { ($0, values[$0] ?? "") }
    }

    private static func value(of source: EnvVarSource, pod: Pod, container: Container, configMaps: [String: ConfigMap],
                              secrets: [String: Secret], nodeName: String) throws(Failure) -> String? {
        if let field = source.fieldRef {
            switch field.fieldPath {
            case "metadata.name": return pod.metadata.name ?? ""
            case "metadata.namespace": return pod.metadata.namespace ?? ""
            case "metadata.uid": return pod.metadata.uid ?? ""
            case "spec.nodeName": return nodeName
            case "spec.serviceAccountName": return pod.spec?.serviceAccountName ?? ""
            case "status.hostIP", "status.podIP": return pod.status?.podIP ?? pod.status?.hostIP ?? "127.0.0.1"
            default:
                if field.fieldPath.hasPrefix("metadata.labels['"), let key = bracketKey(field.fieldPath) { return pod.metadata.labels?[key] ?? "" }
                if field.fieldPath.hasPrefix("metadata.annotations['"), let key = bracketKey(field.fieldPath) {
                    return pod.metadata.annotations?[key] ?? ""
                }
                throw Failure(description: "unsupported fieldPath \(field.fieldPath)")
            }
        }
        if let reference = source.configMapKeyRef {
            guard let value = configMaps[reference.name ?? ""]?.data?[reference.key] else {
                if reference.optional == true { return nil }
                throw Failure(description: "couldn't find key \(reference.key) in ConfigMap \(pod.metadata.namespace ?? "")/\(reference.name ?? "")")
            }
            return value
        }
        if let reference = source.secretKeyRef {
            guard let encoded = secrets[reference.name ?? ""]?.data?[reference.key] else {
                if reference.optional == true { return nil }
                throw Failure(description: "couldn't find key \(reference.key) in Secret \(pod.metadata.namespace ?? "")/\(reference.name ?? "")")
            }
            return Data(base64Encoded: encoded).map { String(decoding: $0, as: UTF8.self) } ?? encoded
        }
        if let resource = source.resourceFieldRef {
            let requirements = container.resources
            let quantity: Quantity? = switch resource.resource {
            case "limits.memory": requirements?.limits?["memory"]
            case "requests.memory": requirements?.requests?["memory"]
            case "limits.cpu": requirements?.limits?["cpu"]
            case "requests.cpu": requirements?.requests?["cpu"]
            default: nil
            }
            guard let quantity else { return "0" }
            if resource.resource.hasSuffix("cpu") { return String(max(1, (quantity.milliValue + 999) / 1000)) }
            return String(quantity.value)
        }
        return nil
    }

    private static func bracketKey(_ path: String) -> String? {
        guard let open = path.firstIndex(of: "'"), let close = path.lastIndex(of: "'"), open < close else { return nil }
        return String(path[path.index(after: open)..<close])
    }

    /// Expands `$(NAME)` from `variables`; `$$` escapes; unknown references stay as written
    /// (Kubernetes' expansion rules).
    static func expand(_ text: String, with variables: [String: String]) -> String {
        var output = ""
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            let next = text.index(after: index)
            if character == "$", next < text.endIndex {
                if text[next] == "$" {
                    output.append("$")
                    index = text.index(after: next)
                    continue
                }
                if text[next] == "(", let close = text[next...].firstIndex(of: ")") {
                    let name = String(text[text.index(after: next)..<close])
                    if let value = variables[name] {
                        output += value
                    } else {
                        output += "$(" + name + ")"
                    }
                    index = text.index(after: close)
                    continue
                }
            }
            output.append(character)
            index = next
        }
        return output
    }
}
