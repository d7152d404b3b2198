import BallastStorage
import Foundation

/// Where a node keeps the storage its node-local drivers provision from (`ballast node`
/// flags): the devices of its LVM volume group and the base directory of local-path volumes.
public struct NodeStorageConfiguration: Sendable, Equatable {
    /// The devices lvm may see (`--lvm-device`); none means no LVM driver on this node.
    public var lvmDevices: [String]
    /// A volume group to make on `lvmDevices` when none of that name exists
    /// (`--volume-group`); nil uses whatever groups the devices already hold.
    public var volumeGroup: String?
    /// Where local-path volumes are made (`--local-path-base`); nil means `<root>/local-path`.
    public var localPathBase: String?

    /// Makes a configuration; the default has no LVM and local-path under the root.
    public init(lvmDevices: [String] = [], volumeGroup: String? = nil, localPathBase: String? = nil) {
        self.lvmDevices = lvmDevices
        self.volumeGroup = volumeGroup
        self.localPathBase = localPathBase
    }
}

/// The node-local volume drivers of one agent: LVM over the node's devices (when it has
/// any) and local-path. They provision for claims whose selected node is this one, delete
/// what they made, grow it, and report free space.
struct NodeVolumeDrivers: Sendable {
    let lvm: LVMProvisioner?
    let localPath: LocalPathProvisioner

    /// Every driver, by provisioner name.
    var byName: [String: any VolumeProvisioner] {
        var drivers: [String: any VolumeProvisioner] = [LocalPathProvisioner.name: localPath]
        if let lvm { drivers[LVMProvisioner.name] = lvm }
        return drivers
    }

    /// The local-path driver: its base is configured, or `<root>/local-path`.
    static func localPath(nodeName: String, root: String, configuration: NodeStorageConfiguration) -> LocalPathProvisioner {
        LocalPathProvisioner(nodeName: nodeName, basePath: configuration.localPathBase ?? root + "/local-path")
    }

    /// Opens lvm on the configured devices and, when asked, makes the volume group on them
    /// (never on a device that holds a filesystem or other signature: pvcreate refuses it).
    static func open(nodeName: String, root: String, configuration: NodeStorageConfiguration) async throws -> NodeVolumeDrivers {
        let localPath = localPath(nodeName: nodeName, root: root, configuration: configuration)
        guard !configuration.lvmDevices.isEmpty else { return NodeVolumeDrivers(lvm: nil, localPath: localPath) }
        let backend = try LibLVMBackend(configuration: LVMConfiguration(stateDirectory: root + "/lvm", devices: configuration.lvmDevices))
        if let group = configuration.volumeGroup, try await backend.report().volumeGroup(named: group) == nil {
            for device in configuration.lvmDevices where try await backend.report().physicalVolume(on: device) == nil {
                try await backend.createPhysicalVolume(on: device)
            }
            do {
                try await backend.createVolumeGroup(group, on: configuration.lvmDevices, tags: [LVMProvisioner.managedTag])
            } catch {
                // Made by an earlier start that did not see its own result.
                guard error.isAlreadyExists else { throw error }
            }
        }
        return NodeVolumeDrivers(lvm: LVMProvisioner(nodeName: nodeName, backend: backend), localPath: localPath)
    }
}
