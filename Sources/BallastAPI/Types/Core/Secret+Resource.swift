public import Foundation

/// How the API server stores and serves Secrets (pkg/registry/core/secret).
extension Secret: APIResource {
    public static let resource = ResourceInfo(gvk: gvk, plural: "secrets", singular: "secret", namespaced: true)

    /// SetDefaults_Secret (type Opaque), and the merge Kubernetes does when it converts a
    /// v1 Secret: each stringData value, base64-encoded, replaces data's, and stringData is
    /// dropped.
    public mutating func applyDefaults() {
        if (type ?? "").isEmpty { type = SecretType.opaque }
        if let stringData {
            var data = self.data ?? [:]
            for (key, value) in stringData {
                data[key] = SecretBase64.encode(value.utf8)
            }
            self.data = data
            self.stringData = nil
        }
    }

    /// ValidateSecret: valid keys, 1 MiB of data, and the keys each type requires.
    public func validate() -> [FieldError] {
        var errors: [FieldError] = []
        let dataPath = FieldPath("data")
        var total = 0
        for (key, value) in (data ?? [:]).sorted(by: { $0.key < $1.key }) {
            errors += ConfigMap.keyProblems(key).map { FieldError.invalid(dataPath.key(key), key, $0) }
            total += (try? SecretBase64.decode(value).count) ?? 0
        }
        if total > ConfigMap.maxSize {
            errors.append(.tooLong(dataPath, max: ConfigMap.maxSize))
        }
        switch type ?? "" {
        case SecretType.serviceAccountToken:
            let key = "kubernetes.io/service-account.name"
            if (metadata.annotation(key) ?? "").isEmpty {
                errors.append(.required(FieldPath("metadata").child("annotations").key(key)))
            }
        case SecretType.dockercfg:
            errors += requireJSON(".dockercfg", field: dataPath)
        case SecretType.dockerConfigJSON:
            errors += requireJSON(".dockerconfigjson", field: dataPath)
        case SecretType.basicAuth:
            if data?["username"] == nil, data?["password"] == nil {
                errors.append(.required(dataPath.key("username")))
                errors.append(.required(dataPath.key("password")))
            }
        case SecretType.sshAuth:
            if (value("ssh-privatekey") ?? []).isEmpty {
                errors.append(.required(dataPath.key("ssh-privatekey")))
            }
        case SecretType.tls:
            if data?["tls.crt"] == nil { errors.append(.required(dataPath.key("tls.crt"))) }
            if data?["tls.key"] == nil { errors.append(.required(dataPath.key("tls.key"))) }
        default:
            break
        }
        return errors
    }

    /// A docker config key must be present and hold a JSON object.
    private func requireJSON(_ key: String, field: FieldPath) -> [FieldError] {
        guard data?[key] != nil else { return [.required(field.key(key))] }
        let bytes = value(key) ?? []
        let redacted = "<secret contents redacted>"
        do {
            switch try JSONValue.parse(bytes) {
            case .object, .null: return []
            case .array: return [.invalid(field.key(key), redacted, "json: cannot unmarshal array into Go value of type map[string]interface {}")]
            case .string: return [.invalid(field.key(key), redacted, "json: cannot unmarshal string into Go value of type map[string]interface {}")]
            case .bool: return [.invalid(field.key(key), redacted, "json: cannot unmarshal bool into Go value of type map[string]interface {}")]
            case .int, .double: return [.invalid(field.key(key), redacted, "json: cannot unmarshal number into Go value of type map[string]interface {}")]
            }
        } catch {
            return [.invalid(field.key(key), redacted, error.description)]
        }
    }

    /// The type is fixed at creation; an immutable Secret keeps its data and the flag.
    public func validateUpdate(old: Secret) -> [FieldError] {
        var errors: [FieldError] = []
        if type != old.type {
            errors.append(.invalid(FieldPath("type"), type ?? "", "field is immutable"))
        }
        if old.immutable == true {
            let message = "field is immutable when `immutable` is set"
            if immutable != true { errors.append(.forbidden(FieldPath("immutable"), message)) }
            if data != old.data { errors.append(.forbidden(FieldPath("data"), message)) }
        }
        return errors + validate()
    }

    public static var tableColumns: [TableColumn] {
        [
            TableColumn("Type", description: "Used to facilitate programmatic handling of secret data."),
            TableColumn("Data", description: "Data contains the secret data."),
            TableColumn.age,
        ]
    }

    public func tableCells(now: Date) -> [JSONValue] {
        [
            .string(name),
            .string(type ?? ""),
            .int(Int64(data?.count ?? 0)),
            .string(HumanDuration.since(metadata.creationTimestamp, now: now)),
        ]
    }

    /// Secrets can be selected by type.
    public var selectableFields: [String: String] { ["type": type ?? ""] }
}
