import BallastAPI
import BallastStorage
import Foundation
import Glibc

/// The LVM volume groups of a local cluster's nodes: one sparse file per node under
/// `<data-dir>/volume-groups/`, attached as a loop device that the node's agent makes its
/// volume group "ballast" on (and finds again after a restart or a reboot, when `up`
/// attaches the file again). The files keep the volumes' data across `ballast down`;
/// `down --purge` detaches them and removes them with the data directory.
struct LocalVolumeGroups {
    /// The volume group every local-lvm class names.
    static let name = LVMProvisioner.defaultVolumeGroup

    let dataDir: String
    var loops: any LoopDeviceManager = LinuxLoopDeviceManager()

    var directory: String { dataDir + "/volume-groups" }
    func file(_ node: String) -> String { directory + "/\(node).img" }

    /// The loop device over `node`'s file, made `size` bytes (sparse) if it does not exist
    /// and grown (never shrunk) if it is smaller; attached if it was not.
    func device(for node: String, size: Int64) throws -> String {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let path = file(node)
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw SystemCallError("open", path: path, errno: errno) }
        defer { close(fd) }
        let current = Int64(lseek(fd, 0, SEEK_END))
        guard current >= 0 else { throw SystemCallError("lseek", path: path, errno: errno) }
        if current < size, ftruncate(fd, off_t(size)) != 0 { throw SystemCallError("ftruncate", path: path, errno: errno) }
        let attached = try loops.attachments(of: path).first { $0.offset == 0 }
        if let attached {
            if current < size { try LinuxLoopDeviceManager().refreshCapacity(attached) }
            return attached.path
        }
        return try loops.attach(path, offset: 0, sizeLimit: 0, readOnly: false).path
    }

    /// Detaches every loop device of the volume groups' files: first those stacked over a
    /// file's device (the agents' views of logical volumes), then the file's own.
    func detachAll() throws {
        let files = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter { $0.hasSuffix(".img") }
        for name in files {
            for device in try loops.attachments(of: directory + "/" + name) {
                for stacked in try loops.attachments(of: device.path) { try loops.detach(stacked) }
                try loops.detach(device)
            }
        }
    }

    /// Parses `--vg-size`: one size for every node, or a comma-separated size per node (the
    /// last one repeats).
    static func sizes(_ text: String) throws -> [Int64] {
        let sizes = try text.split(separator: ",").map { part -> Int64 in
            let value = try Quantity(parsing: part.trimmingCharacters(in: .whitespaces)).value
            guard value >= 64 << 20 else { throw CommandFailure("--vg-size: \(part) is smaller than the 64Mi a volume group needs") }
            return value
        }
        guard !sizes.isEmpty else { throw CommandFailure("--vg-size: give a size such as 10Gi, or one per node such as 2Gi,4Gi,8Gi") }
        return sizes
    }
}
