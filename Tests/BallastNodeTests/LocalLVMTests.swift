import BallastAPI
import BallastClient
@testable import BallastNode
import BallastStorage
import BallastTesting
import Foundation
import Glibc
import Testing

/// Local LVM volumes as users get them: a `ballast server` (binder, scheduler) and three
/// `ballast node` processes, each with its own loop-backed volume group "ballast" of a
/// different size (1, 2 and 4 GiB), real lvm, real crun.
@Suite(NodeTest.registry, .serialized)
struct LocalLVMTests {
    @Test func aClaimGoesToTheOnlyNodeWithRoomGrowsWhileWrittenAndIsRemovedWithIt() async throws {
        try await LVMCluster.with(sizes: [1 << 30, 2 << 30, 4 << 30]) { cluster in
            let client = cluster.client
            // xfs: it grows while mounted; ext4 needs CAP_SYS_RESOURCE for that, which this
            // machine's root lacks (LVMProvisionerTests covers ext4 growing unmounted).
            let claim = try await client.create(LVMCluster.claim("big", size: "3Gi", storageClass: "local-lvm-xfs"))
            _ = try await client.create(LVMCluster.pod("writer", claim: "big", command: "echo hello > /data/f; while true; do date >> /data/log; sleep 0.2; done"))
            let pod = try await cluster.waitForPod("writer") { $0.status?.containerStatuses?.first?.ready == true }
            let node = try #require(cluster.nodes.first { $0.name == pod.spec?.nodeName })
            #expect(node.group.size == 4 << 30, "only the 4 GiB group has room for 3 GiB; the pod went to \(node.name)")

            let volumeName = "pvc-" + claim.uid
            let volume = try await client.get(PersistentVolume.self, name: volumeName)
            #expect(volume.spec?.csi?.driver == LVMProvisioner.csiDriver)
            #expect(volume.nodeAffinityHostname == node.name)
            #expect(try node.logicalVolumes().contains(volumeName), "lvs on \(node.name) shows \(volumeName)")
            let mount = VolumeKind.blockDevice.directory(for: "data", podDirectory: NodePaths(root: node.root).pod(pod.metadata.uid ?? ""))
            #expect(NodeTest.read(mount + "/f") == "hello\n", "the pod wrote to the volume")

            // The CLI says where the volume is and what deleting its claim would do, and the
            // dry run changes nothing.
            let ballast = try BallastBinary.path
            let listed = try CommandRunner.run(ballast, ["pv", "list", "--kubeconfig", cluster.kubeconfig])
            #expect(listed.succeeded && listed.stdout.contains("ballast/\(volumeName)") && listed.stdout.contains(node.name), "\(listed)")
            let forecast = try CommandRunner.run(ballast, ["pvc", "delete", "big", "--dry-run", "--kubeconfig", cluster.kubeconfig])
            #expect(forecast.succeeded && forecast.stdout.contains("destroyed") && forecast.stdout.contains("lvremove")
                    && forecast.stdout.contains("writer"), "\(forecast)")
            #expect(try await client.getIfPresent(PersistentVolumeClaim.self, namespace: "default", name: "big")?.metadata.deletionTimestamp == nil)
            let capacity = try CommandRunner.run(ballast, ["storage", "capacity", "-o", "json", "--kubeconfig", cluster.kubeconfig])
            #expect(capacity.succeeded && capacity.stdout.contains("\"local-lvm-xfs\"") && capacity.stdout.contains(node.name), "\(capacity)")

            // Expansion while the pod writes: the filesystem grows online, no restart.
            let before = try LinuxFilesystemManager().usage(at: mount).totalBytes
            var grown = try await client.get(PersistentVolumeClaim.self, namespace: "default", name: "big")
            grown.spec?.resources?.requests?[ResourceName.storage] = try Quantity(parsing: "3584Mi")
            _ = try await client.update(grown)
            #expect(try await InProcessServer.eventually(timeout: 60) {
                try await client.get(PersistentVolumeClaim.self, namespace: "default", name: "big").status?.storageCapacity?.value == 3584 << 20
            })
            let after = try LinuxFilesystemManager().usage(at: mount).totalBytes
            #expect(after > before + (400 << 20), "the filesystem grew from \(before) to \(after) bytes")
            let running = try await client.get(Pod.self, namespace: "default", name: "writer")
            #expect(running.status?.containerStatuses?.first?.restartCount == 0)
            #expect(try await client.get(PersistentVolume.self, name: volumeName).spec?.storageCapacity?.value == 3584 << 20)

            // A new pod with the claim goes where the volume is, and finds the data.
            try await client.delete(Pod.self, namespace: "default", name: "writer")
            _ = try await client.create(LVMCluster.pod("reader", claim: "big", command: "grep -q hello /data/f && sleep 3600"))
            let reader = try await cluster.waitForPod("reader") { $0.status?.containerStatuses?.first?.ready == true }
            #expect(reader.spec?.nodeName == node.name)
            try await Task.sleep(for: .seconds(2))
            #expect(try await client.get(Pod.self, namespace: "default", name: "reader").status?.containerStatuses?.first?.restartCount == 0,
                    "the reader found what the writer wrote")

            // Delete: the pod, then the claim; the volume and its logical volume go.
            try await client.delete(Pod.self, namespace: "default", name: "reader")
            try await client.delete(PersistentVolumeClaim.self, namespace: "default", name: "big")
            #expect(try await InProcessServer.eventually(timeout: 90) {
                try await client.getIfPresent(PersistentVolume.self, name: volumeName) == nil
            }, "the PV of a Delete class goes with its claim")
            #expect(try !node.logicalVolumes().contains(volumeName), "lvremove ran on \(node.name)")

            // The volume's history outlives it, and tells its whole life in order.
            var story: [(action: String, pod: String?)] = []
            let toldAll = await InProcessServer.eventually(timeout: 30) {
                let result = try? CommandRunner.run(ballast, ["pv", "history", volumeName, "-o", "json", "--kubeconfig", cluster.kubeconfig])
                let json = result.flatMap { try? JSONSerialization.jsonObject(with: Data($0.stdout.utf8)) as? [String: Any] }
                let entries = json?["entries"] as? [[String: Any]] ?? []
                story = entries.map { ($0["action"] as? String ?? "", $0["pod"] as? String) }
                return story.last?.action == "Deleted"
            }
            #expect(toldAll, "pv history ends with the deletion: \(story)")
            // Deleting (the PV marked for deletion) is told only if the recorder looked in time;
            // the reader may mount before the writer's teardown is done.
            let told = story.filter { $0.action != "Deleting" }
            func at(_ action: String, _ pod: String? = nil) -> Int {
                told.firstIndex { $0.action == action && (pod == nil || $0.pod == "default/" + (pod ?? "")) } ?? -1
            }
            #expect(told.count == 9 && told.prefix(2).map(\.action) == ["Provisioned", "Bound"] && told.suffix(2).map(\.action) == ["Released", "Deleted"],
                    "\(story)")
            #expect(at("Bound") < at("Mounted", "writer") && at("Mounted", "writer") < at("Expanded") && at("Expanded") < at("Unmounted", "writer"),
                    "\(story)")
            #expect(at("Mounted", "writer") < at("Mounted", "reader") && at("Mounted", "reader") < at("Unmounted", "reader")
                    && at("Unmounted", "reader") < at("Released"), "\(story)")
            let table = try CommandRunner.run(ballast, ["pv", "history", volumeName, "--kubeconfig", cluster.kubeconfig])
            #expect(table.succeeded && table.stdout.contains("bound to claim default/big") && table.stdout.contains("from 3Gi to 3584Mi"), "\(table)")
        }
    }

    @Test func anAgentKilledBetweenLVCreateAndThePVMakesExactlyOneOfEachAndRetainKeepsThem() async throws {
        try await LVMCluster.with(sizes: [2 << 30], environment: ["BALLAST_CRASH_AT": "node-provision-before-pv"]) { cluster in
            let client = cluster.client
            let node = try #require(cluster.nodes.first)
            let claim = try await client.create(LVMCluster.claim("kept", size: "512Mi", storageClass: "local-lvm-retain"))
            _ = try await client.create(LVMCluster.pod("app", claim: "kept", command: "echo precious > /data/f; sleep 3600"))
            let died = await cluster.agent(node)?.waitForExit(seconds: 90) ?? false
            try #require(died, "the agent dies at the crash point, after lvcreate")
            let volumeName = "pvc-" + claim.uid
            #expect(try node.logicalVolumes() == [volumeName])
            #expect(try await client.getIfPresent(PersistentVolume.self, name: volumeName) == nil)

            try cluster.startAgent(node)
            let pod = try await cluster.waitForPod("app") { $0.status?.containerStatuses?.first?.ready == true }
            #expect(pod.spec?.nodeName == node.name)
            #expect(try node.logicalVolumes() == [volumeName], "the restarted agent used the volume made before")
            #expect(try await client.list(PersistentVolume.self).items.map(\.name) == [volumeName])

            try await client.delete(Pod.self, namespace: "default", name: "app")
            try await client.delete(PersistentVolumeClaim.self, namespace: "default", name: "kept")
            #expect(try await InProcessServer.eventually(timeout: 60) {
                try await client.get(PersistentVolume.self, name: volumeName).status?.phase == PersistentVolumePhase.released
            }, "Retain: the PV stays, Released")
            try await Task.sleep(for: .seconds(3))
            #expect(try node.logicalVolumes() == [volumeName], "Retain: the logical volume stays")
        }
    }

    @Test func aClaimLargerThanEveryGroupWaitsWithItsReasonAndRunsOnceAGroupGrows() async throws {
        try await LVMCluster.with(sizes: [1 << 30, 2 << 30]) { cluster in
            let client = cluster.client
            _ = try await client.create(LVMCluster.claim("large", size: "3Gi"))
            _ = try await client.create(LVMCluster.pod("waiting", claim: "large", command: "sleep 3600"))
            var reasons: [String] = []
            let reported = await InProcessServer.eventually(timeout: 60) {
                reasons = ((try? await client.list(Event.self, namespace: "default").items) ?? [])
                    .filter { $0.reason == "FailedScheduling" }.compactMap(\.message)
                return reasons.contains { $0.contains("0/2 nodes are available: 2 node(s) did not have enough free storage") }
            }
            #expect(reported, "FailedScheduling names the reason: \(reasons)")
            #expect(try await client.get(Pod.self, namespace: "default", name: "waiting").spec?.nodeName == nil)

            // The first node's disk grows to 4 GiB: its agent grows the group and publishes
            // the room, and the scheduler places the pod there.
            let node = cluster.nodes[0]
            try #require(truncate(node.group.backingFile, 4 << 30) == 0)
            let refreshed = try CommandRunner.run(try LoopVolumeGroup.Prerequisites.tool("losetup"), ["-c", node.group.device])
            try #require(refreshed.succeeded, "\(refreshed)")
            let pod = try await cluster.waitForPod("waiting") { $0.status?.containerStatuses?.first?.ready == true }
            #expect(pod.spec?.nodeName == node.name)
        }
    }

    @Test func aDeviceHoldingAnotherFilesystemIsNeverFormattedAndItsPodGetsAFailedMount() async throws {
        try await LVMCluster.with(sizes: [1 << 30]) { cluster in
            let client = cluster.client
            let node = cluster.nodes[0]
            // An administrator's disk with an xfs filesystem and a file on it.
            let file = try LoopVolumeGroup.makeSparseFile(size: 512 << 20, tag: "foreign-disk")
            defer { LoopVolumeGroup.removeScratchFile(file) }
            let device = try LinuxLoopDeviceManager().attach(file).path
            _ = try await LinuxFilesystemManager().format(device, as: .xfs, label: nil, uuid: nil)
            let scratch = try LoopVolumeGroup.makeScratchDirectory(tag: "foreign-mount")
            defer { LoopVolumeGroup.removeScratchDirectory(scratch) }
            try LinuxMounter().mount(device, at: scratch, type: "xfs")
            try NodeTest.write(scratch + "/ledger", "every row\n")
            try LinuxMounter().unmount(scratch)

            // A static local PV that says ext4: the agent must refuse to format it.
            _ = try await client.create(try JSONDecoder().decode(PersistentVolume.self, from: Data("""
                {"metadata": {"name": "foreign"}, "spec": {"capacity": {"storage": "512Mi"}, "accessModes": ["ReadWriteOnce"],
                 "storageClassName": "", "persistentVolumeReclaimPolicy": "Retain", "local": {"path": "\(device)", "fsType": "ext4"},
                 "nodeAffinity": {"required": {"nodeSelectorTerms": [{"matchExpressions": [
                   {"key": "kubernetes.io/hostname", "operator": "In", "values": ["\(node.name)"]}]}]}}}}
                """.utf8)))
            _ = try await client.create(try JSONDecoder().decode(PersistentVolumeClaim.self, from: Data("""
                {"metadata": {"name": "foreign", "namespace": "default"},
                 "spec": {"storageClassName": "", "volumeName": "foreign", "accessModes": ["ReadWriteOnce"],
                          "resources": {"requests": {"storage": "512Mi"}}}}
                """.utf8)))
            _ = try await client.create(LVMCluster.pod("careful", claim: "foreign", command: "sleep 3600"))
            var messages: [String] = []
            let refused = await InProcessServer.eventually(timeout: 120) {
                messages = ((try? await client.list(Event.self, namespace: "default").items) ?? [])
                    .filter { $0.reason == "FailedMount" && $0.involvedObject?.name == "careful" }.compactMap(\.message)
                return messages.contains { $0.contains("refusing to format") }
            }
            #expect(refused, "a FailedMount event says the device was not formatted: \(messages)")
            #expect(try await client.get(Pod.self, namespace: "default", name: "careful").status?.containerStatuses?.first?.ready != true)
            try await client.delete(Pod.self, namespace: "default", name: "careful")
            #expect(await InProcessServer.eventually(timeout: 60) {
                (try? await client.getIfPresent(Pod.self, namespace: "default", name: "careful")) == nil
            })
            #expect(try BlkidProbe().signature(of: device)?.type == "xfs")
            try LinuxMounter().mount(device, at: scratch, type: "xfs")
            defer { try? LinuxMounter().unmount(scratch) }
            #expect(NodeTest.read(scratch + "/ledger") == "every row\n", "the data is intact")
        }
    }

    @Test func aPodThatNamesItsNodeGetsItsWaitForFirstConsumerClaimProvisionedThere() async throws {
        try await LVMCluster.with(sizes: [2 << 30, 2 << 30]) { cluster in
            let client = cluster.client
            let node = cluster.nodes[1]
            let claim = try await client.create(LVMCluster.claim("pinned", size: "256Mi"))
            var pod = try LVMCluster.pod("pinned", claim: "pinned", command: "echo here > /data/f; sleep 3600")
            pod.spec?.nodeName = node.name
            _ = try await client.create(pod)
            _ = try await cluster.waitForPod("pinned") { $0.status?.containerStatuses?.first?.ready == true }
            #expect(try node.logicalVolumes() == ["pvc-" + claim.uid], "the volume is made on the node the pod named")
        }
    }

    @Test func claimsCreatedAtOnceNeverOvercommitAGroupAndTheRestStayPendingWithTheirReasons() async throws {
        try await LVMCluster.with(sizes: [1 << 30, 2 << 30, 4 << 30]) { cluster in
            let client = cluster.client
            let count = 20
            for index in 0..<count {
                _ = try await client.create(LVMCluster.claim("c\(index)", size: "1Gi"))
                _ = try await client.create(LVMCluster.pod("p\(index)", claim: "c\(index)", command: "sleep 3600"))
            }
            // Extents of 4 MiB after 1 MiB of metadata: a 1 GiB group holds no 1 GiB volume,
            // a 2 GiB group one, a 4 GiB group three.
            var bound: [PersistentVolumeClaim] = []
            let settled = await InProcessServer.eventually(timeout: 180) {
                bound = ((try? await client.list(PersistentVolumeClaim.self, namespace: "default").items) ?? []).filter { $0.phase == "Bound" }
                return bound.count >= 4
            }
            #expect(settled, "four claims bind; \(bound.count) did")
            try await Task.sleep(for: .seconds(5))
            let claims = try await client.list(PersistentVolumeClaim.self, namespace: "default").items
            #expect(claims.filter { $0.phase == "Bound" }.count == 4, "no more than fit")
            for node in cluster.nodes {
                let volumes = try node.logicalVolumes().filter { $0.hasPrefix("pvc-") }
                let extents = (node.group.size - (1 << 20)) / (4 << 20)
                #expect(volumes.count == Int(extents / 256), "\(node.name) (\(node.group.size >> 30) GiB) holds \(volumes.count) volumes")
            }
            let pending = try await client.list(Pod.self, namespace: "default").items.filter { $0.spec?.nodeName == nil }
            #expect(pending.count == count - 4)
            let reasons = try await client.list(Event.self, namespace: "default").items.filter { $0.reason == "FailedScheduling" }.compactMap(\.message)
            #expect(reasons.contains { $0.contains("0/3 nodes are available") && $0.contains("did not have enough free storage") },
                    "FailedScheduling counts the reasons: \(reasons.prefix(3))")
        }
    }
}
