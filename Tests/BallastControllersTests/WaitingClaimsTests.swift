import BallastAPI
@testable import BallastControllers
import Testing

/// A volume that becomes free wakes exactly the unbound claims of its class, once per sweep.
struct WaitingClaimsTests {
    static func claim(_ name: String, storageClass: String, volumeName: String? = nil, bound: Bool = false) -> PersistentVolumeClaim {
        var claim = PersistentVolumeClaim(metadata: ObjectMeta(name: name, namespace: "ns"),
                                          spec: PersistentVolumeClaimSpec(volumeName: volumeName, storageClassName: storageClass))
        if bound { claim.metadata.setAnnotation(VolumeBindingRules.bindCompleted, "yes") }
        return claim
    }

    @Test func aFreeVolumeWakesTheUnboundClaimsOfItsClassOnly() {
        var waiting = WaitingClaims()
        waiting.update(Self.claim("a", storageClass: "fast"), key: "ns/a")
        waiting.update(Self.claim("b", storageClass: "fast"), key: "ns/b")
        waiting.update(Self.claim("c", storageClass: "slow"), key: "ns/c")
        waiting.update(Self.claim("d", storageClass: "fast", volumeName: "pv-d", bound: true), key: "ns/d")
        waiting.wake(storageClass: "fast")
        waiting.wake(storageClass: "fast")
        #expect(waiting.takeWoken().sorted() == ["ns/a", "ns/b"])
        #expect(waiting.takeWoken().isEmpty)
    }

    @Test func aClaimThatBindsOrGoesStopsWaiting() {
        var waiting = WaitingClaims()
        waiting.update(Self.claim("a", storageClass: "fast"), key: "ns/a")
        waiting.update(Self.claim("b", storageClass: "fast"), key: "ns/b")
        waiting.update(Self.claim("a", storageClass: "fast", volumeName: "pv-a"), key: "ns/a")
        waiting.remove("ns/b")
        waiting.wake(storageClass: "fast")
        #expect(waiting.takeWoken().isEmpty)
    }

    @Test func aClaimMovedToAnotherClassWaitsThere() {
        var waiting = WaitingClaims()
        waiting.update(Self.claim("a", storageClass: ""), key: "ns/a")
        waiting.update(Self.claim("a", storageClass: "standard"), key: "ns/a")
        waiting.wake(storageClass: "")
        #expect(waiting.takeWoken().isEmpty)
        waiting.wake(storageClass: "standard")
        #expect(waiting.takeWoken() == ["ns/a"])
    }
}
