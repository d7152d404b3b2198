import BallastStorage
import Foundation

/// The nfs-ganesha server `ballast up` runs for the nfs StorageClasses: it exports
/// <data-dir>/nfs/export on 127.0.0.1 (NFSv4 on port 2049), through Scripts/nfs-server.
struct LocalNFSExport {
    let dataDir: String

    var serverDir: String { dataDir + "/nfs" }
    var exportPath: String { serverDir + "/export" }

    /// Starts the server unless it runs already (the script is idempotent).
    func start(projectRoot: String) async throws {
        try FileManager.default.createDirectory(atPath: exportPath, withIntermediateDirectories: true)
        try await Subprocess(projectRoot + "/Scripts/nfs-server", ["start", serverDir, exportPath]).check()
    }

    /// Stops the server; stopping a stopped server succeeds.
    func stop(projectRoot: String) async throws {
        guard FileManager.default.fileExists(atPath: serverDir) else { return }
        try await Subprocess(projectRoot + "/Scripts/nfs-server", ["stop", serverDir]).check()
    }
}
