import BallastStorage
import BallastTesting
import Foundation
import Testing

/// The local-path driver on this host's filesystem.
struct LocalPathProvisionerTests {
    private func request(_ name: String, parameters: [String: String] = [:], mode: String = "Filesystem") -> ProvisionRequest {
        ProvisionRequest(volumeName: name, capacity: 1 << 30, accessModes: ["ReadWriteOnce"], volumeMode: mode, parameters: parameters,
                         claim: ClaimInfo(namespace: "default", name: "cache", uid: "u1"), selectedNode: "n1")
    }

    @Test func aVolumeIsAnOpenDirectoryUnderTheBaseMadeOnceAndRemovedWithoutFollowingSymlinks() async throws {
        let base = try LoopVolumeGroup.makeScratchDirectory(tag: "local-path")
        defer { LoopVolumeGroup.removeScratchDirectory(base) }
        let outside = try LoopVolumeGroup.makeScratchDirectory(tag: "outside")
        defer { LoopVolumeGroup.removeScratchDirectory(outside) }
        try "keep\n".write(toFile: outside + "/precious", atomically: true, encoding: .utf8)

        let driver = LocalPathProvisioner(nodeName: "n1", basePath: base + "/volumes")
        let record = try await driver.provision(request("pvc-u1"))
        #expect(record.source == .local(path: base + "/volumes/pvc-u1", fsType: nil))
        #expect(record.node == "n1")
        let mode = try FileManager.default.attributesOfItem(atPath: base + "/volumes/pvc-u1")[.posixPermissions] as? Int
        #expect(mode == 0o777)
        try "data\n".write(toFile: base + "/volumes/pvc-u1/file", atomically: true, encoding: .utf8)
        #expect(try await driver.provision(request("pvc-u1")) == record, "a repeated provision finds the same directory")
        #expect(FileManager.default.fileExists(atPath: base + "/volumes/pvc-u1/file"))

        try FileManager.default.createSymbolicLink(atPath: base + "/volumes/pvc-u1/escape", withDestinationPath: outside)
        try await driver.delete(record)
        try await driver.delete(record)
        #expect(!FileManager.default.fileExists(atPath: base + "/volumes/pvc-u1"))
        #expect(FileManager.default.fileExists(atPath: outside + "/precious"), "a symlink out of the volume is removed, never followed")
    }

    @Test func parametersBlockModeAndForeignPathsAreRefused() async throws {
        let driver = LocalPathProvisioner(nodeName: "n1", basePath: "/nonexistent-base")
        #expect(driver.validate(parameters: ["size": "1"]) == ["parameters.size: ballast.io/local-path takes no parameters"])
        await #expect(throws: VolumeError.self) { try await driver.provision(request("pvc-u1", mode: "Block")) }
        await #expect(throws: VolumeError.self) { try await driver.provision(request("../etc")) }
        let foreign = VolumeRecord(name: "pvc-u1", source: .local(path: "/etc", fsType: nil), capacity: 0, node: "n1")
        await #expect(throws: VolumeError.self) { try await driver.delete(foreign) }
        #expect(!driver.supports(reclaimPolicy: "Recycle") && driver.supports(reclaimPolicy: "Delete"))
    }
}
