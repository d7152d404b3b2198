import BallastStorage
import Foundation

/// The nfs-ganesha server `ballast up` runs for the nfs StorageClasses: it exports
/// <data-dir>/nfs/export on 127.0.0.1 (port 2049), through Scripts/nfs-server.
struct LocalNFSExport {
    let dataDir: String

    var serverDir: String { dataDir + "/nfs" }
    var exportPath: String { serverDir + "/export" }

    /// The export, in an image when the data directory's filesystem gives ganesha's VFS
    /// backend no file handles.
    var export: ImageBackedDirectory { ImageBackedDirectory(path: exportPath, imagePath: serverDir + "/export.img", label: "ballast-nfs") }

    /// Starts the server unless it runs already (the script is idempotent).
    func start(projectRoot: String) async throws {
        try await export.prepare { !Self.givesFileHandles($0) }
        try await Subprocess(projectRoot + "/Scripts/nfs-server", ["start", serverDir, exportPath]).check()
    }

    /// Stops the server; stopping a stopped server succeeds. An image-backed export is
    /// unmounted and its loop device released; the image and its data stay.
    func stop(projectRoot: String) async throws {
        guard FileManager.default.fileExists(atPath: serverDir) else { return }
        try await Subprocess(projectRoot + "/Scripts/nfs-server", ["stop", serverDir]).check()
        try export.release()
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
