public import Foundation

/// How the API server stores and serves ConfigMaps (pkg/registry/core/configmap).
extension ConfigMap: APIResource {
    public static let resource = ResourceInfo(
        gvk: gvk, plural: "configmaps", singular: "configmap", shortNames: ["cm"], namespaced: true)

    /// ValidateConfigMap: valid keys, none in both maps, 1 MiB in all.
    public func validate() -> [FieldError] {
        var errors: [FieldError] = []
        var total = 0
        for (key, value) in (data ?? [:]).sorted(by: { $0.key < $1.key }) {
            let path = FieldPath("data").key(key)
            errors += ConfigMap.keyProblems(key).map { FieldError.invalid(path, key, $0) }
            if binaryData?[key] != nil {
                errors.append(.invalid(path, key, "duplicate of key present in binaryData"))
            }
            total += value.utf8.count
        }
        for (key, value) in (binaryData ?? [:]).sorted(by: { $0.key < $1.key }) {
            errors += ConfigMap.keyProblems(key).map { FieldError.invalid(FieldPath("binaryData").key(key), key, $0) }
            total += (try? SecretBase64.decode(value).count) ?? 0
        }
        if total > Self.maxSize {
            errors.append(.tooLong(FieldPath(""), max: Self.maxSize))
        }
        return errors
    }

    /// An immutable ConfigMap keeps its data, binaryData and the flag itself.
    public func validateUpdate(old: ConfigMap) -> [FieldError] {
        var errors: [FieldError] = []
        if old.immutable == true {
            let message = "field is immutable when `immutable` is set"
            if immutable != true { errors.append(.forbidden(FieldPath("immutable"), message)) }
            if data != old.data { errors.append(.forbidden(FieldPath("data"), message)) }
            if binaryData != old.binaryData { errors.append(.forbidden(FieldPath("binaryData"), message)) }
        }
        return errors + validate()
    }

    public static var tableColumns: [TableColumn] {
        [TableColumn("Data", description: "Data contains the configuration data."), TableColumn.age]
    }

    public func tableCells(now: Date) -> [JSONValue] {
        [
            .string(name),
            .int(Int64((data?.count ?? 0) + (binaryData?.count ?? 0))),
            .string(HumanDuration.since(metadata.creationTimestamp, now: now)),
        ]
    }
}
