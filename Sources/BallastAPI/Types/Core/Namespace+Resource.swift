public import Foundation

/// How the API server stores and serves Namespaces (pkg/registry/core/namespace).
extension Namespace: APIResource {
    public static let resource = ResourceInfo(
        gvk: gvk, plural: "namespaces", singular: "namespace", shortNames: ["ns"], namespaced: false, hasStatus: true)

    /// A namespace name is an RFC 1123 label.
    public static func nameProblems(_ name: String) -> [String] { NameRules.dns1123Label(name) }

    /// SetDefaults_Namespace and SetDefaults_NamespaceStatus: the name label, phase Active.
    public mutating func applyDefaults() {
        if !name.isEmpty {
            metadata.setLabel(Self.nameLabel, name)
        }
        var status = self.status ?? NamespaceStatus()
        if (status.phase ?? "").isEmpty { status.phase = NamespacePhase.active }
        self.status = status
    }

    /// A new namespace is Active and carries the "kubernetes" finalizer; Kubernetes adds it
    /// here rather than in defaults because it may be removed over the namespace's life.
    public mutating func prepareForCreate() {
        status = NamespaceStatus(phase: NamespacePhase.active)
        var finalizers = spec?.finalizers ?? []
        if !finalizers.contains(Self.kubernetesFinalizer) {
            finalizers.append(Self.kubernetesFinalizer)
        }
        var spec = self.spec ?? NamespaceSpec()
        spec.finalizers = finalizers
        self.spec = spec
    }

    /// Writes to the namespace keep its status and its finalizers (/finalize changes those).
    public mutating func prepareForUpdate(old: Namespace) {
        status = old.status
        var spec = self.spec ?? NamespaceSpec()
        spec.finalizers = old.spec?.finalizers
        self.spec = spec
    }

    /// ValidateNamespace: finalizers are qualified names, or one of the standard short ones.
    public func validate() -> [FieldError] {
        var errors: [FieldError] = []
        let path = FieldPath("spec").child("finalizers")
        for finalizer in spec?.finalizers ?? [] {
            errors += NameRules.qualifiedName(finalizer).map { FieldError.invalid(path, finalizer, $0) }
            if !finalizer.contains("/"), !["kubernetes", "orphan", "foregroundDeletion"].contains(finalizer) {
                errors.append(.invalid(path, finalizer, "name is neither a standard finalizer name nor is it fully qualified"))
            }
        }
        return errors
    }

    /// ValidateNamespaceUpdate checks metadata only.
    public func validateUpdate(old: Namespace) -> [FieldError] { [] }

    public static var tableColumns: [TableColumn] {
        [TableColumn("Status", description: "The status of the namespace"), TableColumn.age]
    }

    public func tableCells(now: Date) -> [JSONValue] {
        [.string(name), .string(status?.phase ?? ""), .string(HumanDuration.since(metadata.creationTimestamp, now: now))]
    }

    /// "name" is a historical alias of metadata.name that Kubernetes keeps for compatibility.
    public var selectableFields: [String: String] { ["status.phase": status?.phase ?? "", "name": name] }
}
