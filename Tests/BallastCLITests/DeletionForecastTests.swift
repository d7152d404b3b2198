import BallastAPI
import BallastCLI
import Foundation
import Testing

/// What `ballast pvc delete --dry-run` predicts for each reclaim policy and driver.
struct DeletionForecastTests {
    private func claim(bound volume: String?) throws -> PersistentVolumeClaim {
        var claim = try JSONDecoder().decode(PersistentVolumeClaim.self, from: Data("""
            {"metadata": {"name": "data", "namespace": "shop", "uid": "u1"},
             "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}}}
            """.utf8))
        claim.spec?.volumeName = volume
        return claim
    }

    private func volume(_ json: String) throws -> PersistentVolume {
        try JSONDecoder().decode(PersistentVolume.self, from: Data(json.utf8))
    }

    private let lvm = """
        {"metadata": {"name": "pvc-u1", "annotations": {"pv.kubernetes.io/provisioned-by": "ballast.io/lvm"}},
         "spec": {"persistentVolumeReclaimPolicy": "%@", "capacity": {"storage": "1Gi"},
                  "csi": {"driver": "lvm.ballast.io", "volumeHandle": "ballast/pvc-u1", "fsType": "ext4"},
                  "nodeAffinity": {"required": {"nodeSelectorTerms": [{"matchExpressions": [
                    {"key": "kubernetes.io/hostname", "operator": "In", "values": ["node-2"]}]}]}}}}
        """

    @Test func retainKeepsTheDataWhereItIs() throws {
        let forecast = DeletionForecast(claim: try claim(bound: "pvc-u1"), volume: try volume(String(format: lvm, "Retain")), pods: [])
        #expect(forecast.outcome == .kept)
        #expect(forecast.backing == VolumeBacking(kind: "lvm", location: "ballast/pvc-u1", node: "node-2", filesystem: "ext4"))
        #expect(forecast.detail.contains("Released"))
    }

    @Test func deleteOfAnLVMVolumeDestroysTheLogicalVolumeOnItsNode() throws {
        let forecast = DeletionForecast(claim: try claim(bound: "pvc-u1"), volume: try volume(String(format: lvm, "Delete")), pods: [])
        #expect(forecast.outcome == .destroyed)
        #expect(forecast.detail.contains("ballast/pvc-u1 on node-2 is removed (lvremove)"))
    }

    @Test(arguments: [("delete", DeletionForecast.Outcome.destroyed), ("archive", .archived), ("retain", .kept)])
    func nfsFollowsTheClassOnDelete(onDelete: String, expected: DeletionForecast.Outcome) throws {
        let nfs = try volume("""
            {"metadata": {"name": "pvc-u1", "annotations": {"pv.kubernetes.io/provisioned-by": "ballast.io/nfs",
               "nfs.ballast.io/on-delete": "\(onDelete)", "nfs.ballast.io/path": "shop-data-pvc-u1"}},
             "spec": {"persistentVolumeReclaimPolicy": "Delete", "nfs": {"server": "127.0.0.1", "path": "/export/shop-data-pvc-u1"}}}
            """)
        let forecast = DeletionForecast(claim: try claim(bound: "pvc-u1"), volume: nfs, pods: [])
        #expect(forecast.outcome == expected)
        #expect(forecast.backing?.location == "127.0.0.1:/export/shop-data-pvc-u1")
        if expected == .archived { #expect(forecast.detail.contains("archived-shop-data-pvc-u1")) }
    }

    @Test func recycleScrubsAndAHostPathOutsideTmpIsRefused() throws {
        let recycled = try volume("""
            {"metadata": {"name": "pv1"}, "spec": {"persistentVolumeReclaimPolicy": "Recycle", "hostPath": {"path": "/tmp/pv1"}}}
            """)
        #expect(DeletionForecast(claim: try claim(bound: "pv1"), volume: recycled, pods: []).outcome == .scrubbed)
        let kept = try volume("""
            {"metadata": {"name": "pv1"}, "spec": {"persistentVolumeReclaimPolicy": "Delete", "hostPath": {"path": "/srv/data"}}}
            """)
        #expect(DeletionForecast(claim: try claim(bound: "pv1"), volume: kept, pods: []).outcome == .refused)
    }

    @Test func anUnboundClaimHasNoDataAndPodsUsingTheClaimAreNamed() throws {
        let pod = try JSONDecoder().decode(Pod.self, from: Data("""
            {"metadata": {"name": "web", "namespace": "shop"}, "spec": {"containers": [{"name": "c", "image": "busybox"}],
             "volumes": [{"name": "d", "persistentVolumeClaim": {"claimName": "data"}}]}, "status": {"phase": "Running"}}
            """.utf8))
        let forecast = DeletionForecast(claim: try claim(bound: nil), volume: nil, pods: [pod])
        #expect(forecast.outcome == DeletionForecast.Outcome.none)
        #expect(forecast.blockingPods == ["web"])
        #expect(forecast.text.contains("pvc-protection"))
    }

    @Test func theInventoryShowsWhereEachVolumeLives() throws {
        let inventory = VolumeInventory(volumes: [try volume(String(format: lvm, "Delete"))])
        let text = inventory.table.text
        #expect(text.hasPrefix("NAME"))
        #expect(text.contains("node-2") && text.contains("ballast/pvc-u1") && text.contains("1Gi"))
    }
}
