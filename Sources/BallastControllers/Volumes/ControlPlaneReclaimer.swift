public import BallastAPI
public import BallastStorage

/// Reclaims statically provisioned volumes from the control plane, as upstream's in-tree
/// plugins do:
/// - hostPath: Recycle scrubs the directory on this host (a local cluster's nodes share
///   it); Delete removes it, only under /tmp as upstream's hostPath deleter allows;
/// - NFS: Recycle scrubs the export over libnfs; there is no deleter for an
///   administrator's export (admission refuses that policy);
/// - local and CSI volumes: neither (the policy fails, or admission refuses it).
public struct ControlPlaneReclaimer: StaticVolumeReclaimer {
    private let nfs: NFSProvisioner

    public init(nfs: NFSProvisioner = NFSProvisioner()) { self.nfs = nfs }

    public func canDelete(_ volume: PersistentVolume) -> Bool { volume.spec?.hostPath != nil }

    public func canRecycle(_ volume: PersistentVolume) -> Bool { volume.spec?.hostPath != nil || volume.spec?.nfs != nil }

    public func delete(_ volume: PersistentVolume) async throws(VolumeError) {
        guard let path = volume.spec?.hostPath?.path else { throw VolumeError(.invalid, "no deleter for volume \(volume.name)") }
        // Upstream's rule: only a scratch directory under /tmp may be removed by policy.
        guard path.hasPrefix("/tmp/"), path.count > 5, !path.split(separator: "/").contains("..") else {
            throw VolumeError(.invalid, "host_path deleter only supports /tmp/.+ but received provided \(path)")
        }
        try LocalDirectoryTree.removeTree(path)
    }

    public func recycle(_ volume: PersistentVolume) async throws(VolumeError) {
        if let path = volume.spec?.hostPath?.path {
            try LocalDirectoryTree.removeContents(of: path)
        } else if let source = volume.spec?.nfs {
            try await nfs.recycleExport(server: source.server, exportPath: source.path, mountOptions: volume.spec?.mountOptions ?? [])
        } else {
            throw VolumeError(.invalid, "no recycler for volume \(volume.name)")
        }
    }
}
