import BallastStorage
import BallastTesting
import Foundation
import Testing

/// Helpers shared by the NFS tests that run against a real nfs-ganesha.
enum NFSTest {
    /// A claim "<namespace>/<name>" with labels and annotations.
    static func claim(_ namespace: String = "default", _ name: String = "data", labels: [String: String] = [:],
                      annotations: [String: String] = [:]) -> ClaimInfo {
        ClaimInfo(namespace: namespace, name: name, uid: "uid-\(name)", labels: labels, annotations: annotations)
    }

    /// The class parameters that point at `server`'s export.
    static func parameters(_ server: NFSServer, _ extra: [String: String] = [:]) -> [String: String] {
        ["server": server.address, "share": server.exportPath].merging(extra) { $1 }
    }

    /// A request for volume `volumeName` on `server`, reaching it by its own ports.
    static func request(_ server: NFSServer, volumeName: String = "pvc-1", claim: ClaimInfo = claim(), parameters: [String: String] = [:],
                        mountOptions: [String] = [], capacity: Int64 = 1 << 30) -> ProvisionRequest {
        ProvisionRequest(volumeName: volumeName, capacity: capacity, accessModes: ["ReadWriteMany"],
                         parameters: NFSTest.parameters(server, parameters), mountOptions: server.mountOptions + mountOptions, claim: claim)
    }

    /// A libnfs client on `server`'s export.
    static func client(_ server: NFSServer, version: NFSVersion = .v3, timeout: Duration = .seconds(5)) async throws -> NFSClient {
        try await NFSClient.connect(.init(server: server.address, export: server.exportPath, version: version, port: server.port,
                                          mountPort: version == .v3 ? server.mountPort : nil, timeout: timeout))
    }

    /// The entries of a host directory, sorted, dotfiles included.
    static func hostEntries(_ path: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted()
    }

    /// lstat on the host: permission bits, owner and whether it is a directory.
    static func hostStatus(_ path: String) -> (permissions: UInt32, uid: UInt32, gid: UInt32, isDirectory: Bool)? {
        var st = stat()
        guard lstat(path, &st) == 0 else { return nil }
        return (UInt32(st.st_mode) & 0o7777, st.st_uid, st.st_gid, (st.st_mode & S_IFMT) == S_IFDIR)
    }

    /// Writes a host file, making its parents.
    static func write(_ path: String, _ text: String = "data") throws {
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    }
}
