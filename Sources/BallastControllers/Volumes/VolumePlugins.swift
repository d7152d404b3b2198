public import BallastAPI
public import BallastStorage

/// The volume drivers the binding controller can use, and how it tells built-in
/// provisioners from external ones (upstream's volume plugin manager, reduced to what
/// Ballast has).
public struct VolumePlugins: Sendable {
    /// Drivers that provision, delete and recycle from the control plane, by provisioner name.
    public var provisioners: [String: any VolumeProvisioner]
    /// Built-in provisioners whose work happens in the node agent of the selected node
    /// (node-local storage); for the controller they behave as external provisioners.
    public var nodeProvisioners: Set<String>
    /// Provisioner names under these prefixes are built in: an unknown one is an error,
    /// not an external provisioner to wait for.
    public var builtinPrefixes: [String]
    /// Deletes and recycles static volumes whose source the control plane can reach.
    public var staticReclaimer: (any StaticVolumeReclaimer)?

    public init(provisioners: [any VolumeProvisioner], nodeProvisioners: Set<String> = [], builtinPrefixes: [String] = ["ballast.io/", "kubernetes.io/"],
                staticReclaimer: (any StaticVolumeReclaimer)? = nil) {
        var byName: [String: any VolumeProvisioner] = [:]
        for provisioner in provisioners { byName[provisioner.provisionerName] = provisioner }
        self.provisioners = byName
        self.nodeProvisioners = nodeProvisioners
        self.builtinPrefixes = builtinPrefixes
        self.staticReclaimer = staticReclaimer
    }

    public func isBuiltin(_ provisioner: String) -> Bool {
        builtinPrefixes.contains { provisioner.hasPrefix($0) }
    }

    /// How a provisioner name resolves.
    public enum Resolution: Sendable {
        /// The control plane provisions with this driver.
        case controlPlane(any VolumeProvisioner)
        /// Someone else provisions (a node agent or an external provisioner): wait.
        case external
        /// A built-in name nothing serves.
        case missing(String)
    }

    public func resolve(_ provisioner: String) -> Resolution {
        if let driver = provisioners[provisioner] { return .controlPlane(driver) }
        if nodeProvisioners.contains(provisioner) || !isBuiltin(provisioner) { return .external }
        return .missing("no volume plugin matched name: \(provisioner)")
    }
}

/// Deletes or recycles statically provisioned volumes (an administrator's hostPath or NFS
/// PVs) from the control plane, as upstream's in-tree deleters and recyclers do.
public protocol StaticVolumeReclaimer: Sendable {
    /// Whether a deleter exists for this volume's source.
    func canDelete(_ volume: PersistentVolume) -> Bool
    /// Whether a recycler exists for this volume's source.
    func canRecycle(_ volume: PersistentVolume) -> Bool
    func delete(_ volume: PersistentVolume) async throws(VolumeError)
    func recycle(_ volume: PersistentVolume) async throws(VolumeError)
}
