/// The kinds of pod volume the node materialises, each named after the directory that
/// holds them under `<podDir>/volumes/` (the kubelet's plugin directory names, so that an
/// operator who knows one layout knows the other).
public enum VolumeKind: String, Sendable, Hashable, CaseIterable {
    /// A scratch directory (disk) or tmpfs (medium Memory).
    case emptyDir = "kubernetes.io~empty-dir"
    /// A node path: used where it is, nothing is made under the pod directory.
    case hostPath = "kubernetes.io~host-path"
    /// A ConfigMap's keys as files.
    case configMap = "kubernetes.io~configmap"
    /// A Secret's keys as files, on tmpfs.
    case secret = "kubernetes.io~secret"
    /// Pod fields as files.
    case downwardAPI = "kubernetes.io~downward-api"
    /// Several of the above merged in one directory.
    case projected = "kubernetes.io~projected"
    /// A cloned git repository.
    case gitRepo = "kubernetes.io~git-repo"
    /// An NFS export, through Ballast's FUSE client.
    case nfs = "kubernetes.io~nfs"
    /// A local persistent volume's directory, bind mounted.
    case localVolume = "kubernetes.io~local-volume"
    /// A filesystem on a block device (a local PV on a device, an LVM volume).
    case blockDevice = "ballast.io~block-device"

    /// The volume's directory: `<podDir>/volumes/<kind>/<name>`.
    public func directory(for volumeName: String, podDirectory: String) -> String {
        "\(podDirectory)/volumes/\(rawValue)/\(volumeName)"
    }

    /// Where the mounter keeps what it must remember about a volume outside the volume
    /// itself (a ready marker, a daemon's pid), where no container can see or change it:
    /// `<podDir>/plugins/<kind>/<name>`.
    public func stateDirectory(for volumeName: String, podDirectory: String) -> String {
        "\(podDirectory)/plugins/\(rawValue)/\(volumeName)"
    }

    /// Whether containers always get this volume read-only (upstream mounts API data
    /// volumes read-only since 1.10, so a container cannot change what the agent writes).
    public var isAlwaysReadOnly: Bool {
        switch self {
        case .configMap, .secret, .downwardAPI, .projected: true
        case .emptyDir, .hostPath, .gitRepo, .nfs, .localVolume, .blockDevice: false
        }
    }
}
