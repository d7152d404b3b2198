import BallastAPI
import BallastClient
import BallastStorage
import Foundation
import Glibc
import Synchronization

/// The agent's storage endpoints for `ballast storage orphans`, served by `NodeStreamServer`
/// and reached through the API server's nodes/NODE/proxy (admins only):
///
/// - `GET /storage/inventory`: a `StorageInventory` of every logical volume of the node's
///   volume groups (with the filesystem blkid finds on it) and every directory under its
///   local-path base.
/// - `DELETE /storage/lvm/VG/LV` and `DELETE /storage/local-path/NAME`: remove one orphan.
///   Refused with 409 when, at that moment, a PersistentVolume names it (or anything inside
///   or around it), a claim is being provisioned under its name, it is a thin pool, open or
///   mounted; with 503 when the API server cannot say. The CLI checks all that first; this
///   is the check that counts, made where the data is.
final class NodeStorageEndpoint: Sendable {
    /// An answer: HTTP status and body.
    struct Reply: Sendable, Equatable {
        var status: Int
        var body: String
        var json = false
    }

    private let client: KubeClient
    private let nodeName: String
    private let localPath: LocalPathProvisioner
    private let mounter: any Mounter
    private let probe: any BlockProbe
    private let lvmDriver = Mutex<LVMProvisioner?>(nil)

    init(client: KubeClient, nodeName: String, localPath: LocalPathProvisioner, mounter: any Mounter = LinuxMounter(),
         probe: any BlockProbe = BlkidProbe()) {
        self.client = client
        self.nodeName = nodeName
        self.localPath = localPath
        self.mounter = mounter
        self.probe = probe
    }

    /// The LVM driver, once lvm is open.
    var lvm: LVMProvisioner? {
        get { lvmDriver.withLock { $0 } }
        set { lvmDriver.withLock { $0 = newValue } }
    }

    /// Answers `method` on the path `segments` (["storage", …]).
    func serve(method: String, segments: [String]) async -> Reply {
        switch (method, Array(segments.dropFirst())) {
        case ("GET", ["inventory"]):
            do {
                let inventory = try await inventory()
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys]
                let body = (try? encoder.encode(inventory)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
                return Reply(status: 200, body: body, json: true)
            } catch {
                return Reply(status: 500, body: "reading the storage of node \(nodeName): \(error)")
            }
        case ("DELETE", let rest) where rest.count == 3 && rest[0] == "lvm":
            return await purgeLogicalVolume(rest[2], in: rest[1])
        case ("DELETE", let rest) where rest.count == 2 && rest[0] == "local-path":
            return await purgeDirectory(rest[1])
        default:
            return Reply(status: 404, body: "not found")
        }
    }

    // MARK: Inventory

    func inventory() async throws(VolumeError) -> StorageInventory {
        let mounts: [MountEntry]
        do { mounts = try mounter.mounts() } catch { throw VolumeError(.failed, "reading the mount table: \(error)") }
        var inventory = StorageInventory(node: nodeName, localPathBase: localPath.basePath)
        if let lvm {
            let report: LVMReport
            do { report = try await lvm.backend.report() } catch { throw error.volumeError }
            // Hidden volumes ("[pool_tdata]") are parts of others.
            for volume in report.logicalVolumes where !volume.name.hasPrefix("[") {
                inventory.logicalVolumes.append(describe(volume, report: report, devices: lvm.devices, mounts: mounts))
            }
        }
        let base = localPath.basePath
        for name in ((try? FileManager.default.contentsOfDirectory(atPath: base)) ?? []).sorted() {
            let path = base + "/" + name
            var status = stat()
            // Only real directories: a symlink or file is nothing the driver made.
            guard lstat(path, &status) == 0, (status.st_mode & S_IFMT) == S_IFDIR else { continue }
            let mounted = mounts.contains { StorageReferences.overlaps($0.mountPoint, path) && $0.mountPoint.count >= path.count }
            inventory.directories.append(StorageInventory.Directory(name: name, path: path, mounted: mounted))
        }
        return inventory
    }

    private func describe(_ volume: LVMReport.LogicalVolume, report: LVMReport, devices: LinearLVDevice, mounts: [MountEntry]) -> StorageInventory.LogicalVolume {
        var entry = StorageInventory.LogicalVolume(name: volume.name, volumeGroup: volume.volumeGroup, sizeBytes: volume.size, tags: volume.tags,
                                                   layout: volume.layout, thinPool: volume.isThinPool)
        guard !volume.isThinPool else { return entry }
        var device: String?
        var temporary: LoopDevice?
        if devices.deviceMapper {
            if volume.isActive { device = volume.path } else { entry.probeError = "the volume is not active" }
        } else {
            do {
                if let attached = try devices.attachment(of: volume.name, in: volume.volumeGroup, report: report) {
                    device = attached.path
                } else {
                    // A read-only loop device for the probe alone, detached right after: the
                    // read-write one pods get is never it.
                    let range = try LinearLVDevice.extentRange(of: volume.name, in: volume.volumeGroup, report: report)
                    do {
                        temporary = try devices.loops.attach(range.device, offset: range.offset, sizeLimit: range.length, readOnly: true)
                    } catch {
                        throw LVMError(.failed, command: "attach \(volume.fullName) read-only", messages: [error.description])
                    }
                    device = temporary?.path
                }
            } catch {
                entry.probeError = "\(error)"
            }
        }
        if let device {
            entry.mountPoint = mounts.first { $0.source == device }?.mountPoint
            do { entry.filesystem = try probe.signature(of: device)?.type } catch { entry.probeError = "\(error)" }
        }
        if let temporary { try? devices.loops.detach(temporary) }
        return entry
    }

    // MARK: Purge

    private func purgeLogicalVolume(_ name: String, in group: String) async -> Reply {
        guard let lvm else { return Reply(status: 404, body: "node \(nodeName) has no LVM volume group") }
        let handle = "\(group)/\(name)"
        let report: LVMReport
        do { report = try await lvm.backend.report() } catch { return Reply(status: 500, body: "\(error)") }
        guard let volume = report.logicalVolume(name, in: group), !name.hasPrefix("[") else {
            return Reply(status: 404, body: "logical volume \(handle) does not exist on node \(nodeName)")
        }
        if volume.isThinPool { return Reply(status: 409, body: "logical volume \(handle) is a thin pool; remove its volumes and then the pool with lvm itself") }
        let attributes = Array(volume.attributes)
        if attributes.count > 5, attributes[5] == "o" { return Reply(status: 409, body: "logical volume \(handle) is open on node \(nodeName)") }
        if let refusal = await refusal(name: name, naming: { StorageReferences.volumes(namingLogicalVolume: handle, in: $0) }) { return refusal }
        let record = VolumeRecord(name: name, source: .csi(driver: LVMProvisioner.csiDriver, handle: handle, fsType: nil), capacity: volume.size, node: nodeName)
        do throws(VolumeError) {
            try await lvm.delete(record)
        } catch {
            return Reply(status: error.kind == .inUse ? 409 : 500, body: error.message)
        }
        return Reply(status: 200, body: "logical volume \(handle) removed from node \(nodeName)\n")
    }

    private func purgeDirectory(_ name: String) async -> Reply {
        guard !name.isEmpty, !name.contains("/"), name != ".", name != ".." else { return Reply(status: 400, body: "\"\(name)\" is not a directory name") }
        let path = localPath.basePath + "/" + name
        var status = stat()
        guard lstat(path, &status) == 0, (status.st_mode & S_IFMT) == S_IFDIR else {
            return Reply(status: 404, body: "no directory \(path) on node \(nodeName)")
        }
        if let refusal = await refusal(name: name, naming: { StorageReferences.volumes(namingPath: path, in: $0) }) { return refusal }
        do {
            let pods = try await client.list(Pod.self).items
            if let pod = StorageReferences.pods(usingHostPath: path, node: nodeName, in: pods).first {
                return Reply(status: 409, body: "pod \(pod.metadata.namespace ?? "")/\(pod.metadata.name ?? "") uses \(path) as a hostPath volume")
            }
        } catch {
            return Reply(status: 503, body: "cannot check the API server's pods, so nothing is removed: \(error)")
        }
        do {
            if try mounter.mounts().contains(where: { StorageReferences.overlaps($0.mountPoint, path) && $0.mountPoint.count >= path.count }) {
                return Reply(status: 409, body: "\(path) on node \(nodeName) is mounted (or holds a mount)")
            }
        } catch {
            return Reply(status: 500, body: "reading the mount table: \(error)")
        }
        do throws(VolumeError) {
            try LocalDirectoryTree.removeTree(path)
        } catch {
            return Reply(status: 500, body: error.message)
        }
        return Reply(status: 200, body: "directory \(path) removed from node \(nodeName)\n")
    }

    /// Why `name` must stay, read from the API server now: a volume names it or a claim is
    /// being provisioned under it; 503 when the server cannot say.
    private func refusal(name: String, naming: ([PersistentVolume]) -> [PersistentVolume]) async -> Reply? {
        let volumes: [PersistentVolume], claims: [PersistentVolumeClaim]
        do {
            volumes = try await client.list(PersistentVolume.self).items
            claims = try await client.list(PersistentVolumeClaim.self).items
        } catch {
            return Reply(status: 503, body: "cannot check the API server's volumes and claims, so nothing is removed: \(error)")
        }
        if let volume = naming(volumes).first {
            return Reply(status: 409, body: "persistentvolume \(volume.name) names \(name): it is not an orphan")
        }
        if let claim = StorageReferences.provisioningClaim(for: name, in: claims) {
            return Reply(status: 409, body: "\(name) is being provisioned for claim \(claim.namespace)/\(claim.name): it is not an orphan")
        }
        return nil
    }
}
