import BallastStorage
import BallastTesting
import Foundation
import Testing

/// The shared pieces of the tests that run real LVM.
enum LVMTestSupport {
    static let tools = ["losetup", "lvm", "umount", "mkfs.ext4", "mkfs.xfs", "resize2fs", "e2fsck", "xfs_growfs"]

    /// Runs where root, loop devices and lvm exist; always in CI.
    static func enabled() -> ConditionTrait {
        .enabled(if: LoopVolumeGroup.Prerequisites.shouldRun(tools: tools), "needs root, loop devices and lvm2")
    }

    /// One backend for the whole test process, as in the agent: lvm's log hook is global.
    /// Its state directory is a fixture scratch path, removed by the next run's cleanup.
    static let backend: Result<LibLVMBackend, LVMError> = Result { () throws(LVMError) -> LibLVMBackend in
        try LibLVMBackend(configuration: LVMConfiguration(stateDirectory: LoopVolumeGroup.scratchPath("lvm-backend")))
    }

    /// Makes a volume group on a loop device, lets the shared backend see its device, runs
    /// `body`, and tears everything down, whether `body` returns or throws.
    static func withVolumeGroup<T>(size: UInt64 = 3 * .gibibyte,
                                   _ body: (LoopVolumeGroup, LibLVMBackend) async throws -> T) async throws -> T {
        try LoopVolumeGroup.Prerequisites.require(tools: tools)
        let backend = try backend.get()
        return try await LoopVolumeGroup.with(size: size) { group in
            try await withAllowedDevice(group.device, backend) { try await body(group, backend) }
        }
    }

    /// A claim-like volume name, as the driver makes them.
    static func volumeName() -> String { "pvc-\(UUID().uuidString.lowercased())" }
}

extension LVMTestSupport {
    /// Lets `backend` see `device` while `body` runs, and forgets it afterwards.
    static func withAllowedDevice<T>(_ device: String, _ backend: LibLVMBackend, _ body: () async throws -> T) async throws -> T {
        try await backend.allowDevices([device])
        do {
            let result = try await body()
            try? await backend.setDevices(await backend.configuration.devices.filter { $0 != device })
            return result
        } catch {
            try? await backend.setDevices(await backend.configuration.devices.filter { $0 != device })
            throw error
        }
    }
}
