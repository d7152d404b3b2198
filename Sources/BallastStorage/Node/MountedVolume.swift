/// A pod volume set up on the host: what a container's bind mount of it needs.
public struct MountedVolume: Sendable, Hashable {
    /// The pod's name for the volume (spec.volumes[].name).
    public var name: String
    /// What kind of volume it is.
    public var kind: VolumeKind
    /// The host directory (or file, for a hostPath file) to bind into containers.
    public var hostPath: String
    /// Whether every container must get it read-only (a read-only claim, an NFS volume
    /// marked readOnly, API data volumes).
    public var readOnly: Bool

    /// Makes a value.
    public init(name: String, kind: VolumeKind, hostPath: String, readOnly: Bool) {
        self.name = name
        self.kind = kind
        self.hostPath = hostPath
        self.readOnly = readOnly
    }
}

/// One bind mount a container gets: a host path at a path inside the container.
public struct ContainerMount: Sendable, Hashable {
    /// The volume it comes from.
    public var volumeName: String
    /// What to bind: the volume's host path, or a subPath bind made for this container.
    public var hostPath: String
    /// Where it appears in the container (volumeMounts[].mountPath).
    public var containerPath: String
    /// Bind it read-only ("ro").
    public var readOnly: Bool
    /// volumeMounts[].mountPropagation: "None" (rslave on the volume side is still what
    /// lets a remounted FUSE volume reach the container), "HostToContainer" or "Bidirectional".
    public var propagation: String

    /// Makes a value.
    public init(volumeName: String, hostPath: String, containerPath: String, readOnly: Bool, propagation: String = "None") {
        self.volumeName = volumeName
        self.hostPath = hostPath
        self.containerPath = containerPath
        self.readOnly = readOnly
        self.propagation = propagation
    }
}
