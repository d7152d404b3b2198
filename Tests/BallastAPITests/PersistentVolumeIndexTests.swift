import BallastAPI
import Testing

/// The binding controller's PV index: its answers must equal Kubernetes'
/// findBestMatchForClaim, and a volume held for one claim's binding is never offered to
/// another claim meanwhile.
struct PersistentVolumeIndexTests {
    static func volume(_ name: String, gi: Int64, modes: [PersistentVolumeAccessMode] = [.readWriteOnce], storageClass: String = "fast",
                       claimRef: ObjectReference? = nil) -> PersistentVolume {
        PersistentVolume(
            metadata: ObjectMeta(name: name, uid: "uid-\(name)"),
            spec: PersistentVolumeSpec(capacity: [ResourceName.storage: Quantity(gi << 30)], accessModes: modes, claimRef: claimRef,
                                       storageClassName: storageClass, hostPath: HostPathVolumeSource(path: "/tmp/\(name)")),
            status: PersistentVolumeStatus(phase: PersistentVolumePhase.available))
    }

    static func claim(_ name: String, gi: Int64, modes: [PersistentVolumeAccessMode] = [.readWriteOnce], storageClass: String = "fast") -> PersistentVolumeClaim {
        PersistentVolumeClaim(
            metadata: ObjectMeta(name: name, namespace: "default", uid: "uid-\(name)"),
            spec: PersistentVolumeClaimSpec(accessModes: modes, resources: VolumeResourceRequirements(requests: [ResourceName.storage: Quantity(gi << 30)]),
                                            storageClassName: storageClass))
    }

    @Test func theSmallestFittingVolumeOfTheClaimsClassWins() {
        var index = PersistentVolumeIndex()
        for volume in [Self.volume("big", gi: 10), Self.volume("small", gi: 1), Self.volume("medium", gi: 5),
                       Self.volume("other-class", gi: 3, storageClass: "slow")] {
            index.upsert(volume)
        }
        #expect(index.findBestMatch(for: Self.claim("c", gi: 2), delayBinding: false)?.name == "medium")
        #expect(index.findBestMatch(for: Self.claim("c", gi: 1), delayBinding: false)?.name == "small")
        #expect(index.findBestMatch(for: Self.claim("c", gi: 11), delayBinding: false) == nil)
        #expect(index.testOnly_verifyInvariants())
    }

    @Test func theSmallestSupersetOfAccessModesIsTriedFirst() {
        var index = PersistentVolumeIndex()
        index.upsert(Self.volume("rwo-rwx", gi: 1, modes: [.readWriteOnce, .readWriteMany]))
        index.upsert(Self.volume("rwo-big", gi: 100, modes: [.readWriteOnce]))
        // Kubernetes prefers the exact mode set even when a smaller volume has more modes.
        #expect(index.findBestMatch(for: Self.claim("c", gi: 1), delayBinding: false)?.name == "rwo-big")
        #expect(index.findBestMatch(for: Self.claim("c", gi: 1, modes: [.readWriteMany]), delayBinding: false)?.name == "rwo-rwx")
    }

    @Test func aVolumePreboundToTheClaimWinsOverASmallerFreeOne() {
        var index = PersistentVolumeIndex()
        index.upsert(Self.volume("free", gi: 1))
        let reference = ObjectReference(kind: "PersistentVolumeClaim", namespace: "default", name: "c")
        index.upsert(Self.volume("reserved", gi: 8, claimRef: reference))
        #expect(index.findBestMatch(for: Self.claim("c", gi: 1), delayBinding: false)?.name == "reserved")
        #expect(index.findBestMatch(for: Self.claim("d", gi: 1), delayBinding: false)?.name == "free")
        #expect(index.testOnly_verifyInvariants())
    }

    @Test func aHeldVolumeIsPassedOverByOtherClaimsUntilReleased() {
        var index = PersistentVolumeIndex()
        index.upsert(Self.volume("a", gi: 1))
        index.upsert(Self.volume("b", gi: 1))
        index.hold("a", for: "default/first")
        #expect(index.findBestMatch(for: Self.claim("second", gi: 1), delayBinding: false)?.name == "b")
        #expect(index.findBestMatch(for: Self.claim("first", gi: 1), delayBinding: false)?.name == "a")
        // The cache learning of a write to the volume keeps the hold.
        index.upsert(Self.volume("a", gi: 1))
        #expect(index.findBestMatch(for: Self.claim("second", gi: 1), delayBinding: false)?.name == "b")
        index.release("a")
        #expect(index.findBestMatch(for: Self.claim("second", gi: 1), delayBinding: false)?.name == "a")
    }

    @Test func upsertsAndRemovesKeepEveryVolumeInExactlyOnePlace() {
        var index = PersistentVolumeIndex()
        for number in 0..<200 {
            index.upsert(Self.volume("v\(number)", gi: Int64(number % 7 + 1), modes: number % 3 == 0 ? [.readWriteMany] : [.readWriteOnce]))
        }
        for number in stride(from: 0, to: 200, by: 5) {
            let reference = ObjectReference(kind: "PersistentVolumeClaim", namespace: "ns", name: "claim-\(number)", uid: "u\(number)")
            index.upsert(Self.volume("v\(number)", gi: 2, claimRef: reference))
        }
        for number in stride(from: 1, to: 200, by: 9) { index.remove(named: "v\(number)") }
        #expect(index.testOnly_verifyInvariants())
        #expect(index.volumes(claimedBy: "ns", "claim-20").map(\.name) == ["v20"])
        #expect(index.volume(named: "v1") == nil)
    }
}
