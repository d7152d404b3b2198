public import BallastAPI
public import BallastStorage

extension VolumeRecord {
    /// The record a driver needs to find a provisioned volume again, read back from its PV:
    /// the source, the size, the node of its node affinity, and the driver's attributes,
    /// which provisioning kept as annotations.
    public init?(volume: PersistentVolume) {
        guard let spec = volume.spec else { return nil }
        let source: BallastStorage.VolumeSource
        if let nfs = spec.nfs {
            source = .nfs(server: nfs.server, path: nfs.path)
        } else if let local = spec.local {
            source = .local(path: local.path, fsType: local.fsType)
        } else if let hostPath = spec.hostPath {
            source = .hostPath(path: hostPath.path)
        } else if let csi = spec.csi {
            source = .csi(driver: csi.driver, handle: csi.volumeHandle, fsType: csi.fsType)
        } else {
            return nil
        }
        self.init(name: volume.name, source: source, capacity: spec.storageCapacity?.value ?? 0, node: volume.nodeAffinityHostname,
                  attributes: volume.metadata.annotations ?? [:])
    }
}
