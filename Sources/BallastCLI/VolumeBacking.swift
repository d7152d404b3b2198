public import BallastAPI
import BallastStorage

/// Where a PersistentVolume's data lives, in words an operator can act on: the logical
/// volume and its node, the directory and its node, or the NFS export path.
public struct VolumeBacking: Sendable, Equatable, Codable {
    /// "lvm", "local-path", "local", "hostPath", "nfs" or "csi".
    public var kind: String
    /// The object itself: "ballast/pvc-…", a directory, "server:/path".
    public var location: String
    /// The node that holds it, for node-local storage.
    public var node: String?
    /// The filesystem type, when the volume names one.
    public var filesystem: String?

    public init(kind: String, location: String, node: String? = nil, filesystem: String? = nil) {
        self.kind = kind
        self.location = location
        self.node = node
        self.filesystem = filesystem
    }

    /// The backing of `volume`, or nil when its spec names no source.
    public init?(_ volume: PersistentVolume) {
        guard let spec = volume.spec else { return nil }
        let node = volume.nodeAffinityHostname
        let provisioner = volume.metadata.annotation(VolumeBindingRules.provisionedBy)
        if let csi = spec.csi {
            self.init(kind: csi.driver == LVMProvisioner.csiDriver ? "lvm" : "csi", location: csi.volumeHandle, node: node, filesystem: csi.fsType)
        } else if let local = spec.local {
            self.init(kind: provisioner == LocalPathProvisioner.name ? "local-path" : "local", location: local.path, node: node,
                      filesystem: local.fsType)
        } else if let hostPath = spec.hostPath {
            self.init(kind: "hostPath", location: hostPath.path, node: node)
        } else if let nfs = spec.nfs {
            self.init(kind: "nfs", location: "\(nfs.server):\(nfs.path)", filesystem: "nfs")
        } else {
            return nil
        }
    }

    /// "ballast/pvc-1 on node-2".
    public var description: String { node.map { "\(location) on \($0)" } ?? location }
}
