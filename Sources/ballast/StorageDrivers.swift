import BallastAPI
import BallastControllers
import BallastServer
import BallastStorage

/// The volume drivers this control plane serves, and what each can do with a released
/// volume: one place that both the binder and admission read.
struct StorageDrivers: ReclaimPolicyCatalog {
    /// Drivers whose provisioning runs in the node agent of the selected node, with the
    /// reclaim policies they honour (node-local data can be deleted or kept, never scrubbed
    /// for a stranger: Recycle is deprecated upstream and unsafe for local disks).
    static let nodeDrivers: [String: [String]] = [
        "ballast.io/lvm": [PersistentVolumeReclaimPolicy.delete, PersistentVolumeReclaimPolicy.retain],
        "ballast.io/local-path": [PersistentVolumeReclaimPolicy.delete, PersistentVolumeReclaimPolicy.retain],
    ]

    let plugins = VolumePlugins(provisioners: [NFSProvisioner()], nodeProvisioners: Set(nodeDrivers.keys),
                                staticReclaimer: ControlPlaneReclaimer())

    func supportedPolicies(provisioner: String) -> [String]? {
        if let policies = Self.nodeDrivers[provisioner] { return policies }
        guard let driver = plugins.provisioners[provisioner] else { return nil }
        return PersistentVolumeReclaimPolicy.supported.filter { driver.supports(reclaimPolicy: $0) }
    }

    func supportedPolicies(volume: PersistentVolume) -> [String]? {
        if let provisioner = volume.metadata.annotation(VolumeBindingRules.provisionedBy) {
            return supportedPolicies(provisioner: provisioner)
        }
        let retain = PersistentVolumeReclaimPolicy.retain
        switch volume.source {
        case .hostPath?:
            // Whether a path may be deleted (only under /tmp) is the deleter's call at
            // reclaim time, as upstream's hostPath deleter; the volume goes Failed if not.
            return PersistentVolumeReclaimPolicy.supported
        case .nfs?:
            // An administrator's export is never deleted by policy; it can be scrubbed.
            return [retain, PersistentVolumeReclaimPolicy.recycle]
        case .local?:
            return [retain]
        case .csi?, nil:
            return nil
        }
    }
}
