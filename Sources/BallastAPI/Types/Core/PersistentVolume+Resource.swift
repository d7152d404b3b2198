/// How the API server stores and serves PersistentVolumes (pkg/registry/core/persistentvolume).
extension PersistentVolume: APIResource {
    public static let resource = ResourceInfo(
        gvk: gvk, plural: "persistentvolumes", singular: "persistentvolume", shortNames: ["pv"], namespaced: false,
        hasStatus: true)

    /// SetDefaults_PersistentVolume: reclaim policy Retain, volumeMode Filesystem, phase Pending.
    public mutating func applyDefaults() {
        var spec = self.spec ?? PersistentVolumeSpec()
        if (spec.persistentVolumeReclaimPolicy ?? "").isEmpty {
            spec.persistentVolumeReclaimPolicy = PersistentVolumeReclaimPolicy.retain
        }
        if spec.volumeMode == nil {
            spec.volumeMode = PersistentVolumeMode.filesystem
        }
        self.spec = spec
        var status = self.status ?? PersistentVolumeStatus()
        if (status.phase ?? "").isEmpty {
            status.phase = PersistentVolumePhase.pending
        }
        self.status = status
    }

    /// A new volume starts Pending, stamped now; whatever status the client sent is dropped.
    public mutating func prepareForCreate() {
        status = PersistentVolumeStatus(phase: PersistentVolumePhase.pending, lastPhaseTransitionTime: Time.now())
    }

    /// A status write keeps the spec, and stamps lastPhaseTransitionTime when the phase
    /// changes and the client did not set a new time itself.
    public mutating func prepareForStatusUpdate(old: PersistentVolume) {
        let newStatus = status
        let labels = metadata.labels, annotations = metadata.annotations
        self = old
        status = newStatus
        metadata.labels = labels
        metadata.annotations = annotations

        var stamped = status ?? PersistentVolumeStatus()
        let oldPhase = old.status?.phase ?? ""
        let newPhase = stamped.phase ?? ""
        let oldTime = old.status?.lastPhaseTransitionTime
        if oldPhase == newPhase {
            if stamped.lastPhaseTransitionTime == nil {
                stamped.lastPhaseTransitionTime = oldTime
            }
        } else if stamped.lastPhaseTransitionTime == nil || stamped.lastPhaseTransitionTime == oldTime {
            stamped.lastPhaseTransitionTime = Time.now()
        }
        status = stamped
    }

    /// "name" is a historical alias of metadata.name that Kubernetes keeps for compatibility.
    public var selectableFields: [String: String] { ["name": name] }
}
