/// The annotations and rules of Kubernetes' PV binding (pkg/controller/volume/persistentvolume
/// and its storage helpers), shared by the binding controller and the scheduler.
public enum VolumeBindingRules {
    /// On a PVC: binding finished once; from then on a missing PV makes the claim Lost.
    public static let bindCompleted = "pv.kubernetes.io/bind-completed"
    /// On a PV: the controller wrote spec.claimRef. On a PVC: the controller wrote spec.volumeName.
    public static let boundByController = "pv.kubernetes.io/bound-by-controller"
    /// On a PV: the provisioner that made it (and must delete it).
    public static let provisionedBy = "pv.kubernetes.io/provisioned-by"
    /// On a PVC: which provisioner is asked to make its volume.
    public static let storageProvisioner = "volume.kubernetes.io/storage-provisioner"
    public static let betaStorageProvisioner = "volume.beta.kubernetes.io/storage-provisioner"
    /// On a PVC: the node the scheduler chose for WaitForFirstConsumer provisioning.
    public static let selectedNode = "volume.kubernetes.io/selected-node"
    /// On a PV: the capacity to report in the claim's status when binding.
    public static let preResizeCapacity = "volume.alpha.kubernetes.io/pre-resize-capacity"
    /// The finalizer the controller puts on PVs it provisions with reclaim policy Delete,
    /// removed only once the backing storage is really gone.
    public static let controllerFinalizer = "kubernetes.io/pv-controller"
    /// Keeps a claim while a pod uses it.
    public static let pvcProtectionFinalizer = "kubernetes.io/pvc-protection"
    /// Keeps a bound PV.
    public static let pvProtectionFinalizer = "kubernetes.io/pv-protection"

    /// The class a claim asks for: the beta annotation first, then spec.storageClassName.
    public static func storageClass(of claim: PersistentVolumeClaim) -> String { claim.storageClassName }

    /// Whether the PV's claimRef names this claim (namespace, name, and the uid when set).
    public static func isVolumeBound(_ volume: PersistentVolume, to claim: PersistentVolumeClaim) -> Bool {
        guard let ref = volume.spec?.claimRef else { return false }
        if ref.name != claim.name || ref.namespace != claim.namespace { return false }
        if let uid = ref.uid, !uid.isEmpty, uid != claim.uid { return false }
        return true
    }

    /// Whether the claim's and the volume's volumeMode differ (unset means Filesystem).
    public static func volumeModeMismatch(_ claim: PersistentVolumeClaim, _ volume: PersistentVolume) -> Bool {
        (claim.spec?.volumeMode ?? PersistentVolumeMode.filesystem) != (volume.spec?.volumeMode ?? PersistentVolumeMode.filesystem)
    }

    /// Whether the volume offers every access mode the claim asks for.
    public static func accessModesSatisfied(_ claim: PersistentVolumeClaim, _ volume: PersistentVolume) -> Bool {
        let offered = Set(volume.spec?.accessModes ?? [])
        return (claim.spec?.accessModes ?? []).allSatisfy { offered.contains($0) }
    }

    /// Whether a node with these labels (and name) satisfies the volume's node affinity; a
    /// volume without one fits every node.
    public static func nodeAffinitySatisfied(_ volume: PersistentVolume, nodeLabels: [String: String], nodeName: String) -> Bool {
        guard let required = volume.spec?.nodeAffinity?.required else { return true }
        return required.matches(labels: nodeLabels, fields: ["metadata.name": nodeName])
    }

    /// Why a PV named in a claim's spec.volumeName cannot serve it, or nil when it can
    /// (checkVolumeSatisfyClaim, with upstream's messages).
    public static func mismatch(of volume: PersistentVolume, for claim: PersistentVolumeClaim) -> String? {
        if volume.metadata.isDeleting { return "the volume is marked for deletion \"\(volume.name)\"" }
        let requested = claim.spec?.storageRequest?.value ?? 0
        let offered = volume.spec?.storageCapacity?.value ?? 0
        if offered < requested { return "requested PV is too small" }
        if volume.storageClassName != storageClass(of: claim) { return "storageClassName does not match" }
        if volumeModeMismatch(claim, volume) { return "incompatible volumeMode" }
        if !accessModesSatisfied(claim, volume) { return "incompatible accessMode" }
        return nil
    }

    /// FindMatchingVolume: among `volumes`, a volume pre-bound to the claim (which wins at
    /// once), else the smallest Available one that satisfies capacity, volumeMode, selector,
    /// class and (on the scheduler's path, with a node) node affinity and access modes.
    /// With `delayBinding` and no node, only pre-bound volumes count (the scheduler binds
    /// WaitForFirstConsumer claims).
    public static func findMatchingVolume(
        claim: PersistentVolumeClaim, volumes: some Sequence<PersistentVolume>, node: (name: String, labels: [String: String])?,
        excluded: Set<String> = [], delayBinding: Bool
    ) -> PersistentVolume? {
        let requested = claim.spec?.storageRequest ?? Quantity(0)
        let requestedClass = storageClass(of: claim)
        let selector: LabelQuery?
        if let claimSelector = claim.spec?.selector {
            // An invalid selector matches nothing, as upstream's error aborts the match.
            guard let parsed = try? claimSelector.requirements() else { return nil }
            selector = parsed
        } else {
            selector = nil
        }
        var smallest: PersistentVolume?
        var smallestCapacity = Quantity(0)
        for volume in volumes {
            if excluded.contains(volume.name) { continue }
            if volume.spec?.claimRef != nil && !isVolumeBound(volume, to: claim) { continue }
            let capacity = volume.spec?.storageCapacity ?? Quantity(0)
            if capacity < requested { continue }
            if volumeModeMismatch(claim, volume) { continue }
            if volume.metadata.isDeleting { continue }
            let affinityOK = node.map { nodeAffinitySatisfied(volume, nodeLabels: $0.labels, nodeName: $0.name) } ?? true
            if isVolumeBound(volume, to: claim) {
                // A pre-bound volume whose node affinity fails means "no match" on this node.
                return affinityOK ? volume : nil
            }
            if node == nil && delayBinding { continue }
            if volume.phase != PersistentVolumePhase.available { continue }
            if let selector, !selector.matches(volume.metadata.labels) { continue }
            if volume.storageClassName != requestedClass { continue }
            if !affinityOK { continue }
            if node != nil && !accessModesSatisfied(claim, volume) { continue }
            if smallest == nil || capacity < smallestCapacity {
                smallest = volume
                smallestCapacity = capacity
            }
        }
        return smallest
    }
}
