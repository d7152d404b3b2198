import BallastStorage
import Foundation

/// A directory of the local cluster that lives in an ext4 image in the data directory when
/// the filesystem beneath cannot serve it: overlayfs (the root of many containers and of
/// a fresh machine's chroot) gives ganesha no file handles and cannot be an overlay's upper
/// layer for containers. The image is sparse, formatted only when blkid finds nothing on it,
/// and mounted again at every `up`, so its data survives `down`.
struct ImageBackedDirectory {
    let path: String
    let imagePath: String
    let label: String
    static let imageSize: off_t = 64 << 30

    /// Mounts the image at `path` when the filesystem there `cannotServe` it, or when an
    /// image exists from an earlier start; otherwise leaves the directory as it is.
    func prepare(cannotServe: (String) -> Bool) async throws {
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        let mounter = LinuxMounter()
        if try mounter.isMountPoint(path) { return }
        guard FileManager.default.fileExists(atPath: imagePath) || cannotServe(path) else { return }
        if !FileManager.default.fileExists(atPath: imagePath) {
            let descriptor = open(imagePath, O_CREAT | O_WRONLY, 0o600)
            guard descriptor >= 0, ftruncate(descriptor, Self.imageSize) == 0 else {
                throw CommandFailure("cannot make \(imagePath): \(String(cString: strerror(errno)))")
            }
            close(descriptor)
        }
        let device = try LinuxLoopDeviceManager().attach(imagePath)
        _ = try await LinuxFilesystemManager().formatIfBlank(device.path, as: .ext4, label: label, uuid: nil)
        try mounter.mount(device.path, at: path, type: "ext4")
    }

    /// Unmounts an image-backed directory and releases its loop device; the image and its
    /// data stay.
    func release() throws {
        guard FileManager.default.fileExists(atPath: imagePath) else { return }
        let mounter = LinuxMounter()
        if try mounter.isMountPoint(path) { try mounter.unmount(path, lazy: false) }
        let loops = LinuxLoopDeviceManager()
        for device in try loops.attachments(of: imagePath) { try loops.detach(device) }
    }

    /// Whether `path` is on overlayfs: the type of the deepest mount that holds it.
    static func isOnOverlay(_ path: String) -> Bool {
        let mounts = (try? LinuxMounter().mounts()) ?? []
        let holding = mounts.filter { path == $0.mountPoint || path.hasPrefix($0.mountPoint == "/" ? "/" : $0.mountPoint + "/") }
        return holding.max { $0.mountPoint.count < $1.mountPoint.count }?.fileSystemType == "overlay"
    }
}
