import Glibc
import Synchronization

/// The provisioning half of the LVM driver ("ballast.io/lvm"), run by the agent of the node
/// that holds the volume group: one logical volume per PersistentVolume, named after it
/// ("pvc-<claim uid>"), in the class's volume group.
///
/// StorageClass parameters: `volumeGroup` (default "ballast"), `fsType` (ext4 or xfs,
/// default ext4) and `thinPool` (only where device-mapper exists: a thin volume cannot be
/// mapped by a loop device).
///
/// The PersistentVolume gets a CSI source (driver "lvm.ballast.io", handle "<vg>/<lv>", as
/// TopoLVM's "topolvm.io"): only this node's agent can turn it into a device, through
/// `LinearLVDevice`.
///
/// Every operation is idempotent: a repeated provision finds the volume made before, a
/// repeated delete of a volume that is gone succeeds, a repeated expansion to a size
/// reached changes nothing.
public struct LVMProvisioner: VolumeProvisioner {
    /// "ballast.io/lvm".
    public static let name = "ballast.io/lvm"
    /// The CSI driver name its PersistentVolumes carry (a DNS subdomain, as CSI requires).
    public static let csiDriver = "lvm.ballast.io"
    /// The volume group a class uses when it names none.
    public static let defaultVolumeGroup = "ballast"
    /// The PersistentVolume annotation that keeps the volume group, for deletion.
    public static let volumeGroupAttribute = "ballast.io/volume-group"
    /// Put on every volume this driver makes, so that volumes nobody made through Ballast
    /// are told apart.
    public static let managedTag = "ballast.io/managed"

    public var provisionerName: String { Self.name }
    /// The node whose volume groups this driver sees.
    public let nodeName: String
    /// lvm itself.
    public let backend: any LVMBackend
    /// Turns logical volumes into block devices.
    public let devices: LinearLVDevice
    /// Grows filesystems after an expansion.
    public let filesystems: any FilesystemManager
    /// Finds where a grown volume is mounted.
    public let mounter: any Mounter
    /// Devices `device(for:)` attached, by handle: a pod's sync asks every second, and an
    /// lvm report each time would keep the one lvm thread busy. Forgotten on delete.
    private let attached = AttachedDevices()

    /// A driver for `nodeName` over `backend`.
    public init(nodeName: String, backend: any LVMBackend, devices: LinearLVDevice = LinearLVDevice(),
                filesystems: any FilesystemManager = LinuxFilesystemManager(), mounter: any Mounter = LinuxMounter()) {
        self.nodeName = nodeName
        self.backend = backend
        self.devices = devices
        self.filesystems = filesystems
        self.mounter = mounter
    }

    /// Local data is deleted or kept; never scrubbed for a stranger (Recycle).
    public func supports(reclaimPolicy: String) -> Bool { reclaimPolicy != "Recycle" }

    /// Mount options go to mount(2) when the volume is mounted.
    public var supportsMountOptions: Bool { true }

    public func validate(parameters: [String: String]) -> [String] {
        var problems: [String] = []
        for key in parameters.keys.sorted() where !["volumeGroup", "fsType", "thinPool", "storagePolicy"].contains(key) {
            problems.append("parameters.\(key): not a parameter of \(Self.name) (use volumeGroup, fsType, thinPool)")
        }
        if let group = parameters["volumeGroup"] {
            do { try LVMName.validateVolumeGroup(group) } catch { problems.append("parameters.volumeGroup: \(error.messages.joined(separator: "; "))") }
        }
        if let type = parameters["fsType"], FilesystemType(rawValue: type) == nil {
            problems.append("parameters.fsType: \"\(type)\" is not supported (use ext4 or xfs)")
        }
        if parameters["thinPool"] != nil, !devices.deviceMapper {
            problems.append("parameters.thinPool: thin volumes need device-mapper, which this node's kernel lacks")
        }
        return problems
    }

    /// Creates the logical volume, or finds the one made before under the same name.
    ///
    /// Called only while no PersistentVolume records the volume, so nothing has been
    /// written to it yet: its first and last MiB are cleared every time, so that a
    /// signature left on reused extents is never taken for this volume's filesystem (what
    /// lvcreate's -Wy does where device-mapper exists), also after a crash between the
    /// create and the clearing.
    public func provision(_ request: ProvisionRequest) async throws(VolumeError) -> VolumeRecord {
        let problems = validate(parameters: request.parameters)
        guard problems.isEmpty else { throw VolumeError(.invalid, problems.joined(separator: "; ")) }
        let group = request.parameters["volumeGroup"] ?? Self.defaultVolumeGroup
        let volume: LVMReport.LogicalVolume
        do { volume = try await makeVolume(request, in: group) } catch { throw error.volumeError }
        let fsType = request.parameters["fsType"] ?? FilesystemType.ext4.rawValue
        return VolumeRecord(name: request.volumeName, source: .csi(driver: Self.csiDriver, handle: volume.fullName, fsType: fsType),
                            capacity: volume.size, node: nodeName, attributes: [Self.volumeGroupAttribute: group])
    }

    private func makeVolume(_ request: ProvisionRequest, in group: String) async throws(LVMError) -> LVMReport.LogicalVolume {
        try LVMName.validateLogicalVolume(request.volumeName)
        let command = "lvcreate \(group)/\(request.volumeName)"
        let before = try await backend.report()
        guard let volumeGroup = before.volumeGroup(named: group) else {
            throw LVMError(.notFound, command: command, messages: ["volume group \"\(group)\" does not exist on node \(nodeName)"])
        }
        if before.logicalVolume(request.volumeName, in: group) == nil {
            let largest = devices.deviceMapper ? volumeGroup.free : before.largestFreeRun(in: group)
            if request.capacity > largest {
                throw LVMError(.insufficientSpace, command: command, messages: [
                    "volume group \"\(group)\" on node \(nodeName) has room for \(largest) bytes in one volume, \(request.capacity) requested",
                ])
            }
            let tags = [Self.managedTag, "ballast.io/claim=\(request.claim.namespace)/\(request.claim.name)"]
            do {
                try await backend.createLogicalVolume(LogicalVolumeRequest(
                    name: request.volumeName, volumeGroup: group, size: max(request.capacity, 1),
                    thinPool: request.parameters["thinPool"], tags: tags.filter { (try? LVMName.validateTag($0)) != nil }))
            } catch {
                // Made by an earlier attempt that did not see its own result.
                guard error.isAlreadyExists else { throw error }
            }
        }
        let report = try await backend.report()
        guard let volume = report.logicalVolume(request.volumeName, in: group) else {
            throw LVMError(.failed, command: command, messages: ["logical volume \(group)/\(request.volumeName) is missing right after it was created"])
        }
        if request.volumeMode != "Block" {
            try devices.clearStaleSignatures(on: try devices.attach(volume.name, in: group, report: report))
        }
        return volume
    }

    /// Detaches the volume's device and removes the logical volume; a volume still mounted
    /// is `.inUse` and left alone.
    public func delete(_ volume: VolumeRecord) async throws(VolumeError) {
        let (group, name) = try Self.location(of: volume)
        let report: LVMReport
        do { report = try await backend.report() } catch { throw error.volumeError }
        attached.forget("\(group)/\(name)")
        guard report.logicalVolume(name, in: group) != nil else { return }
        if let mountPoint = try mountPoint(name, in: group, report: report) {
            throw VolumeError(.inUse, "logical volume \(group)/\(name) is still mounted at \(mountPoint) on node \(nodeName)")
        }
        do {
            try devices.detach(name, in: group, report: report)
            try await backend.removeLogicalVolume(name, in: group)
        } catch {
            guard error.isNotFound else { throw error.volumeError }
        }
    }

    /// Never: a local volume is deleted or kept.
    public func recycle(_ volume: VolumeRecord) async throws(VolumeError) {
        throw VolumeError(.invalid, "\(Self.name) volumes cannot be recycled; use Delete or Retain")
    }

    /// Extends the logical volume (keeping it one run of extents where a loop device maps
    /// it), grows the device over it, and grows the filesystem online when it is mounted;
    /// an unmounted filesystem grows when it is next mounted (`ClaimMounter`).
    public func expand(_ volume: VolumeRecord, to bytes: Int64) async throws(VolumeError) -> Int64 {
        let (group, name) = try Self.location(of: volume)
        let report: LVMReport
        do {
            try await backend.extendLogicalVolume(name, in: group, to: bytes, contiguous: !devices.deviceMapper)
            report = try await backend.report()
        } catch {
            throw error.volumeError
        }
        guard let grown = report.logicalVolume(name, in: group) else {
            throw VolumeError(.failed, "logical volume \(group)/\(name) does not exist on node \(nodeName)")
        }
        let device: String
        do { device = try devices.attach(name, in: group, report: report) } catch { throw error.volumeError }
        let type = FilesystemType(rawValue: fsType(of: volume)) ?? .ext4
        guard try Self.hasFilesystem(device), try FilesystemSize.lagsBehindDevice(device, type: type) else { return grown.size }
        if let mountPoint = try mountPoint(name, in: group, report: report) {
            if type == .ext4, !LinuxFilesystemManager.hasCapability(LinuxFilesystemManager.capabilitySysResource) {
                throw VolumeError(.inUse, "logical volume \(group)/\(name) is extended, but its ext4 filesystem can grow only when the volume is next mounted: online ext4 resize needs CAP_SYS_RESOURCE, which this node agent lacks (restart the pod, or use xfs, which grows online)")
            }
            try await filesystems.grow(device, mountedAt: mountPoint, type: type)
        } else {
            try await growUnmounted(device, type: type)
        }
        return grown.size
    }

    /// ext4 grows unmounted (after a check); xfs only mounted, so it is mounted for that
    /// moment in a private directory.
    private func growUnmounted(_ device: String, type: FilesystemType) async throws(VolumeError) {
        guard type == .xfs else { return try await filesystems.grow(device, mountedAt: nil, type: type) }
        var template = Array("/tmp/ballast-grow-XXXXXX".utf8CString)
        guard let directory = mkdtemp(&template).map({ String(cString: $0) }) else {
            throw VolumeError(.failed, SystemCallError("mkdtemp", path: "/tmp", errno: errno).description)
        }
        defer { rmdir(directory) }
        do { try mounter.mount(device, at: directory, type: type.rawValue) } catch { throw VolumeError(.failed, "mounting \(device) to grow it: \(error)") }
        defer { try? mounter.unmount(directory) }
        try await filesystems.grow(device, mountedAt: directory, type: type)
    }

    private static func hasFilesystem(_ device: String) throws(VolumeError) -> Bool {
        do { return try BlkidProbe().signature(of: device) != nil } catch { throw VolumeError(.unsafe, "cannot probe \(device): \(error)") }
    }

    /// The volume group's size and free space; the largest volume is the longest run of
    /// free extents where volumes must be contiguous, else all the free space.
    public func capacity(parameters: [String: String], mountOptions: [String]) async throws(VolumeError) -> StorageCapacity {
        let group = parameters["volumeGroup"] ?? Self.defaultVolumeGroup
        let report: LVMReport
        do { report = try await growPhysicalVolumes(of: group) } catch { throw error.volumeError }
        guard let volumeGroup = report.volumeGroup(named: group) else { return StorageCapacity(total: 0, available: 0, maximumVolumeSize: 0) }
        let largest = devices.deviceMapper ? volumeGroup.free : report.largestFreeRun(in: group)
        return StorageCapacity(total: volumeGroup.size, available: volumeGroup.free, maximumVolumeSize: largest)
    }

    /// Grows each physical volume of `group` whose device has grown (a disk or a loop
    /// device's file made larger), so the space counts; returns the report after.
    private func growPhysicalVolumes(of group: String) async throws(LVMError) -> LVMReport {
        let report = try await backend.report()
        var grown = false
        for physical in report.physicalVolumes where physical.volumeGroup == group && physical.deviceSize > 0 {
            // lvm keeps the metadata area and rounds to whole extents: a few MiB never add up
            // to more than that.
            guard physical.deviceSize - physical.extentStart - physical.size >= (report.volumeGroup(named: group)?.extentSize ?? 0) * 2 else { continue }
            try await backend.resizePhysicalVolume(on: physical.name)
            grown = true
        }
        return grown ? try await backend.report() : report
    }

    /// The block device of a provisioned volume, attached if it was not (after a reboot).
    public func device(for handle: String) async throws(VolumeError) -> String {
        if let device = attached.device(handle), access(device, F_OK) == 0 { return device }
        let (group, name) = try Self.split(handle)
        do {
            let device = try devices.attach(name, in: group, report: try await backend.report())
            attached.remember(handle, device)
            return device
        } catch {
            throw error.volumeError
        }
    }

    static func location(of volume: VolumeRecord) throws(VolumeError) -> (group: String, name: String) {
        guard case .csi(let driver, let handle, _) = volume.source, driver == Self.csiDriver else {
            throw VolumeError(.invalid, "volume \(volume.name) is not an \(Self.name) volume")
        }
        return try split(handle)
    }

    static func split(_ handle: String) throws(VolumeError) -> (group: String, name: String) {
        let parts = handle.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
            throw VolumeError(.invalid, "volume handle \"\(handle)\" is not <volume group>/<logical volume>")
        }
        return (String(parts[0]), String(parts[1]))
    }

    private func fsType(of volume: VolumeRecord) -> String {
        if case .csi(_, _, let type?) = volume.source { return type }
        return FilesystemType.ext4.rawValue
    }

    /// Where the volume's device is mounted on this node, if anywhere.
    private func mountPoint(_ name: String, in group: String, report: LVMReport) throws(VolumeError) -> String? {
        let device: String
        if devices.deviceMapper {
            guard let volume = report.logicalVolume(name, in: group) else { return nil }
            device = volume.path
        } else {
            let loop: LoopDevice?
            do { loop = try devices.attachment(of: name, in: group, report: report) } catch { throw error.volumeError }
            guard let loop else { return nil }
            device = loop.path
        }
        do {
            return try mounter.mounts().first { $0.source == device }?.mountPoint
        } catch {
            throw VolumeError(.failed, "reading the mount table: \(error)")
        }
    }
}

/// The devices an LVM driver attached, by volume handle.
final class AttachedDevices: Sendable {
    private let table = Mutex<[String: String]>([:])

    func device(_ handle: String) -> String? { table.withLock { $0[handle] } }
    func remember(_ handle: String, _ device: String) { table.withLock { $0[handle] = device } }
    func forget(_ handle: String) { _ = table.withLock { $0.removeValue(forKey: handle) } }
}

extension LVMReport {
    /// The longest run of unallocated extents on one physical volume of `group`, in bytes:
    /// the largest volume that can be made with contiguous allocation.
    public func largestFreeRun(in group: String) -> Int64 {
        guard let volumeGroup = volumeGroup(named: group), volumeGroup.extentSize > 0 else { return 0 }
        var best: Int64 = 0
        for physical in physicalVolumes where physical.volumeGroup == group {
            let extents = physical.size / volumeGroup.extentSize
            let used = logicalVolumes(in: group).flatMap(\.segments).flatMap { segment in
                segment.devices.filter { $0.device == physical.name }.map { ($0.startExtent, segment.extentCount / Int64(max(segment.stripes, 1))) }
            }.sorted { $0.0 < $1.0 }
            var next: Int64 = 0
            for (start, count) in used {
                best = max(best, start - next)
                next = max(next, start + count)
            }
            best = max(best, extents - next)
        }
        return best * volumeGroup.extentSize
    }
}
