import BallastStorage
import BallastTesting
import Foundation
import Testing

/// The LVM driver's provisioning half on real LVM (a loop-backed volume group).
@Suite(LVMTestSupport.enabled(), .serialized)
struct LVMProvisionerTests {
    private func request(_ name: String, size: Int64, parameters: [String: String]) -> ProvisionRequest {
        ProvisionRequest(volumeName: name, capacity: size, accessModes: ["ReadWriteOnce"], parameters: parameters,
                         claim: ClaimInfo(namespace: "default", name: "data", uid: String(name.dropFirst(4))), selectedNode: "n1")
    }

    @Test func provisionIsIdempotentClearsOldSignaturesAndDeleteRemovesTheVolume() async throws {
        try await LVMTestSupport.withVolumeGroup(size: 2 * .gibibyte) { group, backend in
            let driver = LVMProvisioner(nodeName: "n1", backend: backend)
            let parameters = ["volumeGroup": group.name]
            let name = LVMTestSupport.volumeName()
            let first = try await driver.provision(request(name, size: 256 << 20, parameters: parameters))
            #expect(first.source == .csi(driver: LVMProvisioner.csiDriver, handle: "\(group.name)/\(name)", fsType: "ext4"))
            #expect(first.capacity == 256 << 20)
            #expect(first.node == "n1")

            // A filesystem on the volume is what an earlier volume on the same extents would
            // have left: a repeated provision (no PV was written yet) clears it.
            let device = try await driver.device(for: "\(group.name)/\(name)")
            _ = try await LinuxFilesystemManager().format(device, as: .ext4, label: nil, uuid: nil)
            #expect(try BlkidProbe().signature(of: device) != nil)
            let again = try await driver.provision(request(name, size: 256 << 20, parameters: parameters))
            #expect(again == first)
            #expect(try BlkidProbe().signature(of: device) == nil)
            #expect(try await backend.logicalVolumes(in: group.name).filter { $0.name == name }.count == 1)

            let space = try await driver.capacity(parameters: parameters, mountOptions: [])
            #expect(space.available == space.total - (256 << 20))
            #expect(space.maximumVolumeSize == space.available)

            try await driver.delete(first)
            try await driver.delete(first)
            #expect(try await backend.logicalVolumes(in: group.name).isEmpty)
            #expect(group.stackedLoopDevices.isEmpty, "the loop device over the volume is detached")
        }
    }

    @Test func aVolumeLargerThanTheGroupIsRefusedAndAMissingGroupNamed() async throws {
        try await LVMTestSupport.withVolumeGroup(size: 1 * .gibibyte) { group, backend in
            let driver = LVMProvisioner(nodeName: "n1", backend: backend)
            await #expect(throws: VolumeError.self) {
                try await driver.provision(request(LVMTestSupport.volumeName(), size: 2 << 30, parameters: ["volumeGroup": group.name]))
            }
            let error = await #expect(throws: VolumeError.self) {
                try await driver.provision(request(LVMTestSupport.volumeName(), size: 1 << 20, parameters: ["volumeGroup": "nosuchvg"]))
            }
            #expect(error?.description.contains("\"nosuchvg\" does not exist on node n1") == true)
            #expect(driver.validate(parameters: ["fsType": "btrfs", "size": "1"]).count == 2)
        }
    }

    @Test func expansionGrowsAnUnmountedFilesystem() async throws {
        try await LVMTestSupport.withVolumeGroup(size: 2 * .gibibyte) { group, backend in
            let driver = LVMProvisioner(nodeName: "n1", backend: backend)
            let name = LVMTestSupport.volumeName()
            let record = try await driver.provision(request(name, size: 128 << 20, parameters: ["volumeGroup": group.name]))
            let device = try await driver.device(for: "\(group.name)/\(name)")
            _ = try await LinuxFilesystemManager().format(device, as: .ext4, label: nil, uuid: nil)
            #expect(try await driver.expand(record, to: 512 << 20) == 512 << 20)
            let grown = try await driver.device(for: "\(group.name)/\(name)")
            let scratch = try LoopVolumeGroup.makeScratchDirectory(tag: "grown")
            defer { LoopVolumeGroup.removeScratchDirectory(scratch) }
            try LinuxMounter().mount(grown, at: scratch, type: "ext4")
            defer { try? LinuxMounter().unmount(scratch) }
            let total = try LinuxFilesystemManager().usage(at: scratch).totalBytes
            #expect(total > 400 << 20, "the filesystem spans the grown volume: \(total) bytes")
            try LinuxMounter().unmount(scratch)
            try await driver.delete(record)
        }
    }
}
