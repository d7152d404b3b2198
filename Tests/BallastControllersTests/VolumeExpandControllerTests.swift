import BallastAPI
import BallastClient
@testable import BallastControllers
import BallastStorage
import BallastTesting
import Foundation
import Synchronization
import Testing

/// The expand controller's steps around a driver (the NFS driver's real expansion is
/// tested end to end in NFSProvisioningTests): the driver is asked once per growth, the PV
/// and the claim get what the driver gave, a failure is an Event and a retry, and a volume
/// of another provisioner is left to it with the resizer annotation.
@Suite(.serialized) struct VolumeExpandControllerTests {
    /// A driver that records what it is asked to grow, rounds up to whole GiB and fails
    /// the first `failures` times.
    final class RoundingDriver: VolumeProvisioner {
        let provisionerName = "ballast.io/rounding"
        let supportsMountOptions = false
        let requests = Mutex<[Int64]>([])
        let failures: Int

        init(failures: Int = 0) { self.failures = failures }

        func supports(reclaimPolicy: String) -> Bool { true }
        func validate(parameters: [String: String]) -> [String] { [] }
        func provision(_ request: ProvisionRequest) async throws(VolumeError) -> VolumeRecord { throw VolumeError(.invalid, "not here") }
        func delete(_ volume: VolumeRecord) async throws(VolumeError) {}
        func recycle(_ volume: VolumeRecord) async throws(VolumeError) {}
        func capacity(parameters: [String: String], mountOptions: [String]) async throws(VolumeError) -> StorageCapacity {
            StorageCapacity(total: 0, available: 0, maximumVolumeSize: 0)
        }
        func expand(_ volume: VolumeRecord, to bytes: Int64) async throws(VolumeError) -> Int64 {
            let asked = requests.withLock { $0.append(bytes); return $0.count }
            if asked <= failures { throw VolumeError(.unavailable, "backend busy") }
            let gib: Int64 = 1 << 30
            return (bytes + gib - 1) / gib * gib
        }
    }

    static func decode<T: Decodable>(_ json: String) throws -> T { try JSONDecoder().decode(T.self, from: Data(json.utf8)) }

    /// A class allowing expansion, a 1Gi PV of `provisioner` and a claim bound to it.
    static func boundClaim(_ client: KubeClient, provisioner: String) async throws {
        _ = try await client.create(try decode("""
            {"metadata": {"name": "growable"}, "provisioner": "\(provisioner)", "allowVolumeExpansion": true}
            """) as StorageClass)
        let claim = try await client.create(try decode("""
            {"metadata": {"name": "data", "namespace": "default"}, "spec": {"storageClassName": "growable", "volumeName": "pv-data",
             "accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}}}
            """) as PersistentVolumeClaim)
        var volume: PersistentVolume = try decode("""
            {"metadata": {"name": "pv-data", "annotations": {"pv.kubernetes.io/provisioned-by": "\(provisioner)"}},
             "spec": {"storageClassName": "growable", "capacity": {"storage": "1Gi"}, "accessModes": ["ReadWriteOnce"],
                      "hostPath": {"path": "/tmp/pv-data"},
                      "claimRef": {"namespace": "default", "name": "data", "uid": "\(claim.metadata.uid ?? "")"}}}
            """)
        volume = try await client.create(volume)
        volume.status = PersistentVolumeStatus(phase: PersistentVolumePhase.bound)
        _ = try await client.updateStatus(volume)
        var bound = claim
        bound.status = try decode(#"{"phase": "Bound", "capacity": {"storage": "1Gi"}, "accessModes": ["ReadWriteOnce"]}"#)
        bound = try await client.updateStatus(bound)
        bound.spec?.resources?.requests?[ResourceName.storage] = try Quantity(parsing: "2500Mi")
        _ = try await client.update(bound)
    }

    static func withController(_ driver: RoundingDriver, _ body: (KubeClient) async throws -> Void) async throws {
        try await InProcessServer.with { server in
            let controller = Task { await VolumeExpandController(client: server.client, plugins: VolumePlugins(provisioners: [driver])).run() }
            defer { controller.cancel() }
            try await body(server.client)
            controller.cancel()
            _ = await controller.value
        }
    }

    static func reasons(_ client: KubeClient) async throws -> [String] {
        try await client.list(Event.self, namespace: "default").items.compactMap(\.reason)
    }

    @Test func aGrownClaimGetsWhatTheDriverGaveOnTheVolumeAndTheClaim() async throws {
        let driver = RoundingDriver()
        try await Self.withController(driver) { client in
            try await Self.boundClaim(client, provisioner: driver.provisionerName)
            #expect(try await InProcessServer.eventually {
                try await client.get(PersistentVolumeClaim.self, namespace: "default", name: "data").status?.storageCapacity?.value == 3 << 30
            })
            let claim = try await client.get(PersistentVolumeClaim.self, namespace: "default", name: "data")
            #expect(claim.status?.conditions == nil)
            #expect(try await client.get(PersistentVolume.self, name: "pv-data").spec?.storageCapacity?.value == 3 << 30)
            // Events are recorded after the write they report.
            #expect(try await InProcessServer.eventually { try await Self.reasons(client).contains("VolumeResizeSuccessful") })
            try await Task.sleep(for: .milliseconds(300))
            #expect(driver.requests.withLock { $0 } == [2500 << 20], "asked once, for the request")
        }
    }

    @Test func aFailedExpansionIsAnEventAndIsRetried() async throws {
        let driver = RoundingDriver(failures: 1)
        try await Self.withController(driver) { client in
            try await Self.boundClaim(client, provisioner: driver.provisionerName)
            #expect(try await InProcessServer.eventually {
                try await client.get(PersistentVolumeClaim.self, namespace: "default", name: "data").status?.storageCapacity?.value == 3 << 30
            })
            #expect(try await InProcessServer.eventually {
                let reasons = try await Self.reasons(client)
                return reasons.contains("VolumeResizeFailed") && reasons.contains("VolumeResizeSuccessful")
            })
            #expect(driver.requests.withLock { $0.count } == 2)
        }
    }

    @Test func anotherProvisionersVolumeIsLeftToItsResizer() async throws {
        let driver = RoundingDriver()
        try await Self.withController(driver) { client in
            try await Self.boundClaim(client, provisioner: "example.com/external")
            #expect(try await InProcessServer.eventually {
                try await client.get(PersistentVolumeClaim.self, namespace: "default", name: "data")
                    .metadata.annotation(VolumeExpandController.resizerAnnotation) == "example.com/external"
            })
            #expect(try await InProcessServer.eventually { try await Self.reasons(client).contains("ExternalExpanding") })
            #expect(try await client.get(PersistentVolume.self, name: "pv-data").spec?.storageCapacity?.value == 1 << 30)
            #expect(driver.requests.withLock { $0.isEmpty })
        }
    }
}
