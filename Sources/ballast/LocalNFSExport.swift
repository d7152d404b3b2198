import BallastStorage
import Foundation

/// The nfs-ganesha server `ballast up` runs for the nfs StorageClasses: it exports
/// <data-dir>/nfs/export on 127.0.0.1 (NFSv4 on port 2049), through Scripts/nfs-server.
struct LocalNFSExport {
    let dataDir: String

    var serverDir: String { dataDir + "/nfs" }
    var exportPath: String { serverDir + "/export" }

    /// Where the export lives when the data directory's filesystem cannot hold it.
    var imagePath: String { serverDir + "/export.img" }
    static let imageSize: off_t = 64 << 30

    /// Starts the server unless it runs already (the script is idempotent).
    func start(projectRoot: String) async throws {
        try await prepareExport()
        try await Subprocess(projectRoot + "/Scripts/nfs-server", ["start", serverDir, exportPath]).check()
    }

    /// Stops the server; stopping a stopped server succeeds. An image-backed export is
    /// unmounted and its loop device released; the image and its data stay.
    func stop(projectRoot: String) async throws {
        guard FileManager.default.fileExists(atPath: serverDir) else { return }
        try await Subprocess(projectRoot + "/Scripts/nfs-server", ["stop", serverDir]).check()
        guard FileManager.default.fileExists(atPath: imagePath) else { return }
        let mounter = LinuxMounter()
        if try mounter.isMountPoint(exportPath) { try mounter.unmount(exportPath, lazy: false) }
        let loops = LinuxLoopDeviceManager()
        for device in try loops.attachments(of: imagePath) { try loops.detach(device) }
    }

    /// ganesha's VFS backend exports only filesystems that give out file handles
    /// (name_to_handle_at); overlayfs, the root of many containers, does not. There the
    /// export is an ext4 image in the data directory, formatted only when blkid finds
    /// nothing on it and mounted at the export path, so its data survives `down` and `up`.
    private func prepareExport() async throws {
        try FileManager.default.createDirectory(atPath: exportPath, withIntermediateDirectories: true)
        let mounter = LinuxMounter()
        if try mounter.isMountPoint(exportPath) { return }
        guard !FileManager.default.fileExists(atPath: imagePath), Self.givesFileHandles(exportPath) else {
            try await mountImage(mounter)
            return
        }
    }

    private func mountImage(_ mounter: LinuxMounter) async throws {
        if !FileManager.default.fileExists(atPath: imagePath) {
            let descriptor = open(imagePath, O_CREAT | O_WRONLY, 0o600)
            guard descriptor >= 0, ftruncate(descriptor, Self.imageSize) == 0 else {
                throw CommandFailure("cannot make \(imagePath): \(String(cString: strerror(errno)))")
            }
            close(descriptor)
        }
        let device = try LinuxLoopDeviceManager().attach(imagePath)
        _ = try await LinuxFilesystemManager().formatIfBlank(device.path, as: .ext4, label: "ballast-nfs", uuid: nil)
        try mounter.mount(device.path, at: exportPath, type: "ext4")
    }

    /// Whether the filesystem at `path` gives out NFS file handles: asked with an empty
    /// handle buffer, a capable one answers EOVERFLOW with the size it needs.
    static func givesFileHandles(_ path: String) -> Bool {
        // Swift's Glibc module leaves out name_to_handle_at (a _GNU_SOURCE call): look it up.
        typealias NameToHandle = @convention(c) (Int32, UnsafePointer<CChar>, UnsafeMutableRawPointer, UnsafeMutablePointer<Int32>, Int32) -> Int32
        guard let symbol = dlsym(nil, "name_to_handle_at") else { return true }
        let nameToHandle = unsafeBitCast(symbol, to: NameToHandle.self)
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: 16, alignment: 8)
        defer { buffer.deallocate() }
        buffer.storeBytes(of: UInt32(0), as: UInt32.self)
        var mountID: Int32 = 0
        let result = nameToHandle(AT_FDCWD, path, buffer, &mountID, 0)
        return result == 0 || errno == EOVERFLOW
    }
}
