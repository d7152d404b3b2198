import BallastAPI
import BallastClient
import BallastTesting
import Foundation
import Testing

/// `ballast pvc explain` with the real binary against a real cluster (the `LVMCluster` of
/// LocalLVMTests: a server and two agents with 1 and 2 GiB volume groups): it names the
/// static PV a claim cannot take and why, and each node's free space for a claim no node
/// has room for.
@Suite(NodeTest.registry, .serialized)
struct ClaimExplanationCommandTests {
    @Test func explainNamesTheRejectedVolumeAndEveryNodesFreeSpace() async throws {
        try await LVMCluster.with(sizes: [1 << 30, 2 << 30]) { cluster in
            let client = cluster.client
            let ballast = try BallastBinary.path
            func explain(_ arguments: [String]) throws -> CommandResult {
                try CommandRunner.run(ballast, ["pvc", "explain"] + arguments + ["--kubeconfig", cluster.kubeconfig])
            }

            // A class of static volumes only, whose one PV is too small for the claim.
            _ = try await client.create(StorageClass(metadata: ObjectMeta(name: "manual"), provisioner: "kubernetes.io/no-provisioner",
                                                     volumeBindingMode: VolumeBindingMode.immediate))
            _ = try await client.create(try JSONDecoder().decode(PersistentVolume.self, from: Data("""
                {"metadata": {"name": "small-manual"},
                 "spec": {"capacity": {"storage": "100Mi"}, "accessModes": ["ReadWriteOnce"], "storageClassName": "manual",
                          "persistentVolumeReclaimPolicy": "Retain", "hostPath": {"path": "/tmp/ballast-explain-small-manual"}}}
                """.utf8)))
            _ = try await client.create(LVMCluster.claim("static", size: "1Gi", storageClass: "manual"))
            #expect(try await InProcessServer.eventually(timeout: 30) {
                try await client.get(PersistentVolume.self, name: "small-manual").status?.phase == PersistentVolumePhase.available
            })
            let staticClaim = try explain(["static"])
            #expect(staticClaim.succeeded && staticClaim.stdout.contains("small-manual (100Mi): too small: 100Mi < 1Gi requested")
                    && staticClaim.stdout.contains("class manual provisions nothing"), "\(staticClaim)")

            // A 3 GiB local-lvm claim with a pod: neither group has room.
            _ = try await client.create(LVMCluster.claim("large", size: "3Gi"))
            _ = try await client.create(LVMCluster.pod("waiting", claim: "large", command: "sleep 3600"))
            #expect(await InProcessServer.eventually(timeout: 60) {
                ((try? await client.list(Event.self, namespace: "default").items) ?? []).contains { $0.reason == "FailedScheduling" }
            })
            let published = try await client.list(CSIStorageCapacity.self, namespace: "kube-system").items
            let large = try explain(["large", "-n", "default"])
            #expect(large.succeeded && large.stdout.contains("no node has room for 3Gi of class local-lvm")
                    && large.stdout.contains("FailedScheduling"), "\(large)")
            for node in cluster.nodes {
                let record = published.first { $0.storageClassName == "local-lvm" && $0.nodeTopology?.matchLabels?["kubernetes.io/hostname"] == node.name }
                let free = record?.capacity?.description ?? "(nothing published)"
                #expect(large.stdout.contains("\(node.name): \(free) free"), "\(node.name) with \(free) free in:\n\(large.stdout)")
            }
            let json = try explain(["large", "-o", "json"])
            let document = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
            #expect((document?["nodes"] as? [Any])?.count == 2, "\(json)")

            let missing = try explain(["missing"])
            #expect(!missing.succeeded && missing.stderr.contains(#"persistentvolumeclaim "missing" not found in namespace "default""#), "\(missing)")
        }
    }
}
