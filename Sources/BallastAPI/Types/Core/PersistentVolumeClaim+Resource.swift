/// How the API server stores and serves PersistentVolumeClaims
/// (pkg/registry/core/persistentvolumeclaim).
extension PersistentVolumeClaim: APIResource {
    public static let resource = ResourceInfo(
        gvk: gvk, plural: "persistentvolumeclaims", singular: "persistentvolumeclaim", shortNames: ["pvc"], namespaced: true,
        hasStatus: true)

    /// SetDefaults_PersistentVolumeClaim: volumeMode Filesystem, phase Pending.
    public mutating func applyDefaults() {
        var spec = self.spec ?? PersistentVolumeClaimSpec()
        if spec.volumeMode == nil {
            spec.volumeMode = PersistentVolumeMode.filesystem
        }
        self.spec = spec
        var status = self.status ?? PersistentVolumeClaimStatus()
        if (status.phase ?? "").isEmpty {
            status.phase = PersistentVolumeClaimPhase.pending
        }
        self.status = status
    }

    /// A new claim starts Pending, whatever status the client sent.
    public mutating func prepareForCreate() {
        status = PersistentVolumeClaimStatus(phase: PersistentVolumeClaimPhase.pending)
        spec?.normalizeDataSources()
    }

    public mutating func prepareForUpdate(old: PersistentVolumeClaim) {
        status = old.status
        // Old clients omit the dataSourceRef the server filled in; fill it in again.
        spec?.normalizeDataSources()
    }

    /// "name" is a historical alias of metadata.name that Kubernetes keeps for compatibility.
    public var selectableFields: [String: String] { ["name": name] }
}

extension PersistentVolumeClaimSpec {
    /// NormalizeDataSources: dataSource and dataSourceRef mirror each other when only one is
    /// given (and dataSourceRef names no other namespace).
    mutating func normalizeDataSources() {
        if let source = dataSource, dataSourceRef == nil {
            dataSourceRef = TypedObjectReference(apiGroup: source.apiGroup, kind: source.kind, name: source.name)
        } else if let reference = dataSourceRef, dataSource == nil, (reference.namespace ?? "").isEmpty {
            dataSource = TypedLocalObjectReference(apiGroup: reference.apiGroup, kind: reference.kind, name: reference.name)
        }
    }
}
