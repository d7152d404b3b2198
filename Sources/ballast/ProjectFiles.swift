import Foundation

/// Finds the files `ballast up` needs beside the binary: the project's Scripts/ and
/// StorageClasses/. The binary lives in <project>/.build/<triple>/<config>/, so the
/// project is the nearest ancestor holding both; BALLAST_HOME overrides the search.
enum ProjectFiles {
    static var root: String? {
        if let home = ProcessInfo.processInfo.environment["BALLAST_HOME"], !home.isEmpty { return home }
        var directory = URL(fileURLWithPath: LocalCluster.executablePath).deletingLastPathComponent()
        while directory.path != "/" {
            let scripts = directory.appendingPathComponent("Scripts/nfs-server").path
            let classes = directory.appendingPathComponent("StorageClasses").path
            if FileManager.default.fileExists(atPath: scripts), FileManager.default.fileExists(atPath: classes) { return directory.path }
            directory.deleteLastPathComponent()
        }
        return nil
    }

    /// The project root, or an error that says how to point at it.
    static func requireRoot() throws -> String {
        guard let root else {
            throw CommandFailure("cannot find the project's Scripts/ and StorageClasses/ above \(LocalCluster.executablePath); set BALLAST_HOME to the project directory")
        }
        return root
    }
}

/// A failed step of a command, printed as it is.
struct CommandFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
