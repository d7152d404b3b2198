import BallastTesting
import Foundation
import Testing

/// The server's data directory holds the store (Secrets included) and the admin token.
struct DataDirectoryTests {
    @Test func aDataDirectoryMadeByOthersBecomesPrivateToRoot() throws {
        let dataDir = TemporaryDirectory.make(prefix: "ballast-datadir")
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: dataDir)
        let server = try ServerProcess(dataDir: dataDir)
        defer {
            server.kill()
            try? FileManager.default.removeItem(atPath: dataDir)
        }
        let mode = try FileManager.default.attributesOfItem(atPath: dataDir)[.posixPermissions] as? Int
        #expect(mode == 0o700, "mode \(String(mode ?? 0, radix: 8))")
    }
}
