import BallastStorage
import Testing

/// What ballast.io/nfs refuses before it talks to any server.
struct NFSProvisionerRefusalTests {
    let provisioner = NFSProvisioner(timeout: .seconds(1))

    static func record(path: String = "/exports/default-data-pvc-1", attributes: [String: String]) -> VolumeRecord {
        VolumeRecord(name: "pvc-1", source: .nfs(server: "192.0.2.1", path: path), capacity: 1 << 30, attributes: attributes)
    }

    @Test(arguments: [
        ("traversal in the recorded path", record(path: "/exports/../etc", attributes: [
            NFSVolumeAttributes.shareKey: "/exports", NFSVolumeAttributes.pathKey: "../etc",
        ]), VolumeError.Kind.unsafe),
        ("recorded path disagrees with the PV", record(path: "/exports/other", attributes: [
            NFSVolumeAttributes.shareKey: "/exports", NFSVolumeAttributes.pathKey: "default-data-pvc-1",
        ]), .unsafe),
        ("the share itself", record(path: "/exports/", attributes: [
            NFSVolumeAttributes.shareKey: "/exports", NFSVolumeAttributes.pathKey: "",
        ]), .unsafe),
        ("not made by this driver", record(attributes: [:]), .invalid),
        ("unknown onDelete", record(attributes: [
            NFSVolumeAttributes.shareKey: "/exports", NFSVolumeAttributes.pathKey: "default-data-pvc-1", NFSVolumeAttributes.onDeleteKey: "shred",
        ]), .invalid),
    ])
    func deleteAndRecycleRefuseRecordsThatCouldLeaveTheShare(_ name: String, _ volume: VolumeRecord, _ kind: VolumeError.Kind) async {
        // 192.0.2.1 (TEST-NET-1) is never contacted: each refusal comes first.
        await #expect { try await provisioner.delete(volume) } throws: { ($0 as? VolumeError)?.kind == kind }
        await #expect { try await provisioner.recycle(volume) } throws: { ($0 as? VolumeError)?.kind == kind }
    }

    @Test func retainNeverContactsTheServer() async throws {
        let volume = Self.record(attributes: [
            NFSVolumeAttributes.shareKey: "/exports", NFSVolumeAttributes.pathKey: "default-data-pvc-1", NFSVolumeAttributes.onDeleteKey: "retain",
        ])
        try await provisioner.delete(volume)
    }

    @Test func expandOnlyRecordsTheSize() async throws {
        let volume = Self.record(attributes: [:])
        #expect(try await provisioner.expand(volume, to: 5 << 30) == 5 << 30)
    }

    @Test(arguments: [
        (ProvisionRequest(volumeName: "pvc-1", capacity: 1, accessModes: ["ReadWriteOnce"], parameters: ["server": "192.0.2.1"],
                          claim: NFSTest.claim()), "parameter \"share\" is required"),
        (ProvisionRequest(volumeName: "pvc-1", capacity: 1, accessModes: ["ReadWriteOnce"], parameters: ["server": "192.0.2.1", "share": "/x"],
                          mountOptions: ["nfsvers=4.2"], claim: NFSTest.claim()),
         "mountOptions: mount option \"nfsvers=4.2\": Ballast's NFS client (libnfs) speaks NFS 3 and 4.0 only"),
        (ProvisionRequest(volumeName: "pvc-1", capacity: 1, accessModes: ["ReadWriteOnce"], volumeMode: "Block",
                          parameters: ["server": "192.0.2.1", "share": "/x"], claim: NFSTest.claim()),
         "ballast.io/nfs makes filesystem volumes only, not volumeMode Block"),
        (ProvisionRequest(volumeName: "pvc-1", capacity: 1, accessModes: ["ReadWriteOnce"],
                          parameters: ["server": "192.0.2.1", "share": "/x", "pathPattern": "${.PVC.labels.team}"], claim: NFSTest.claim()),
         "parameter \"pathPattern\": \"${.PVC.labels.team}\" expands to \"\" for claim default/data: the path is empty; the claim has no label \"team\""),
    ])
    func provisionRefusesBadRequestsAsInvalid(_ request: ProvisionRequest, _ message: String) async {
        await #expect(throws: VolumeError(.invalid, message)) { try await provisioner.provision(request) }
    }
}
