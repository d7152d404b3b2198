import BallastAPI
import BallastControllers
import Foundation
import Testing

/// The entries a volume's changes make, and none for what was already told.
struct VolumeHistoryChangesTests {
    let now = Time(Date(timeIntervalSince1970: 1_800_000_000))

    func volume(phase: String, capacity: String = "1Gi", deleting: Bool = false) throws -> PersistentVolume {
        var volume = try JSONDecoder().decode(PersistentVolume.self, from: Data("""
            {"metadata": {"name": "pvc-1", "uid": "u1", "creationTimestamp": "2027-01-15T08:00:00Z",
                          "annotations": {"pv.kubernetes.io/provisioned-by": "ballast.io/lvm"}},
             "spec": {"capacity": {"storage": "\(capacity)"}, "accessModes": ["ReadWriteOnce"], "persistentVolumeReclaimPolicy": "Delete",
                      "storageClassName": "local-lvm", "csi": {"driver": "lvm.ballast.io", "volumeHandle": "ballast/pvc-1"},
                      "claimRef": {"namespace": "default", "name": "data"}},
             "status": {"phase": "\(phase)"}}
            """.utf8))
        if deleting { volume.metadata.deletionTimestamp = now }
        return volume
    }

    func pod(_ name: String, phase: String = "Running") throws -> Pod {
        try JSONDecoder().decode(Pod.self, from: Data("""
            {"metadata": {"name": "\(name)", "namespace": "default", "uid": "uid-\(name)"},
             "spec": {"nodeName": "node-1", "volumes": [{"name": "v", "persistentVolumeClaim": {"claimName": "data"}}],
                      "containers": [{"name": "main", "image": "busybox", "volumeMounts": [{"name": "v", "mountPath": "/data"}]}]},
             "status": {"phase": "\(phase)"}}
            """.utf8))
    }

    func step(_ old: VolumeObservation?, _ volume: PersistentVolume?, pods: [Pod] = []) -> (VolumeObservation?, [String]) {
        let new = volume.map { VolumeHistoryChanges.observe($0, pods: pods) }
        return (new, VolumeHistoryChanges.entries(from: old, to: new, volume: volume, now: now).map(\.action))
    }

    @Test func aVolumesLifeIsToldOnceInOrder() throws {
        var seen: VolumeObservation?
        var told: [String] = []
        for (volume, pods) in [(try volume(phase: "Available"), []), (try volume(phase: "Bound"), []), (try volume(phase: "Bound"), [try pod("a")]),
                               (try volume(phase: "Bound", capacity: "2Gi"), [try pod("a")]), (try volume(phase: "Bound", capacity: "2Gi"), [try pod("a")]),
                               (try volume(phase: "Bound", capacity: "2Gi"), [try pod("a", phase: "Succeeded")]),
                               (try volume(phase: "Released", capacity: "2Gi"), []), (try volume(phase: "Released", capacity: "2Gi", deleting: true), [])] {
            let (next, entries) = step(seen, volume, pods: pods)
            told += entries
            seen = next
        }
        told += step(seen, nil).1
        #expect(told == ["Provisioned", "Bound", "Mounted", "Expanded", "Unmounted", "Released", "Deleting", "Deleted"])
    }

    @Test func aBoundVolumeSeenGoneWasReleasedFirst() throws {
        let (bound, _) = step(nil, try volume(phase: "Bound"))
        #expect(step(bound, nil).1 == ["Released", "Deleted"])
    }

    @Test func theFirstEntryTellsWhoMadeItWhereAndWhen() throws {
        let entry = try #require(VolumeHistoryChanges.entries(from: nil, to: step(nil, try volume(phase: "Bound")).0,
                                                               volume: try volume(phase: "Bound"), now: now).first)
        #expect(entry.action == "Provisioned" && entry.by == "ballast.io/lvm")
        #expect(entry.time.description == "2027-01-15T08:00:00Z")
        #expect(entry.message.contains("lvm.ballast.io ballast/pvc-1") && entry.message.contains("reclaim policy Delete"))
    }
}
