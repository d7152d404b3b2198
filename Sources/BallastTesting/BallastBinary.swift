import Foundation

/// Where the built `ballast` executable is: $BALLAST_BIN, or the package's debug build.
public enum BallastBinary {
    public static var path: String {
        get throws {
            if let path = ProcessInfo.processInfo.environment["BALLAST_BIN"], FileManager.default.isExecutableFile(atPath: path) {
                return path
            }
            let candidates = [packageRoot + "/.build/debug/ballast", packageRoot + "/.build/release/ballast"]
            if let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) { return found }
            throw TestEnvironmentError("the ballast binary is not built: run `swift build` first (looked in \(candidates))")
        }
    }

    /// The package root, found from this source file's location.
    public static var packageRoot: String {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }
}
