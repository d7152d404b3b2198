import BallastAPI
import BallastClient
@testable import BallastNode
import BallastStorage
import BallastTesting
import Foundation
import Testing

/// `ballast storage orphans` on a real node: a `ballast server`, one `ballast node` with a
/// loop-backed volume group "ballast", real lvm and crun. Logical volumes made by hand are
/// listed (a provisioned claim's is not), one is adopted and mounted by a pod through a
/// claim that names its volume, another is purged, and the agent refuses to purge what a
/// PersistentVolume names even when asked directly.
@Suite(NodeTest.registry, .serialized)
struct StorageOrphansTests {
    @Test func aHandMadeLogicalVolumeIsListedAdoptedAndMountedAndAnotherIsPurged() async throws {
        try await LVMCluster.with(sizes: [1 << 30]) { cluster in
            let client = cluster.client
            let node = try #require(cluster.nodes.first)
            let ballast = try BallastBinary.path
            let kubeconfig = ["--kubeconfig", cluster.kubeconfig]

            // A claim provisioned the usual way: its logical volume is accounted for.
            let made = try await client.create(LVMCluster.claim("made", size: "64Mi"))
            _ = try await client.create(LVMCluster.pod("maker", claim: "made", command: "sleep 3600"))
            _ = try await cluster.waitForPod("maker") { $0.status?.containerStatuses?.first?.ready == true }
            let provisioned = "pvc-" + made.uid

            // Made by hand, while the agent is idle: ext4 with a file, and a spare. And one
            // named as the driver names a volume it is provisioning for a claim that has no
            // volume yet (the crash point node-provision-before-pv leaves that).
            try Self.makeLogicalVolume("handmade", on: node, file: "hello from before\n")
            try Self.makeLogicalVolume("spare", on: node, file: nil)
            let waiting = try await client.create(LVMCluster.claim("waiting", size: "64Mi"))
            let inFlight = "pvc-" + waiting.uid
            try Self.makeLogicalVolume(inFlight, on: node, file: nil)

            let listed = try CommandRunner.run(ballast, ["storage", "orphans", "-o", "json"] + kubeconfig)
            try #require(listed.succeeded, "\(listed)")
            let entries = try Self.entries(listed.stdout)
            let handmade = try #require(entries.first { $0["object"] as? String == "ballast/handmade" }, "\(listed.stdout)")
            #expect(handmade["state"] as? String == "orphan" && handmade["node"] as? String == node.name)
            #expect(handmade["filesystem"] as? String == "ext4" && handmade["sizeBytes"] as? Int == 64 << 20, "\(handmade)")
            #expect(entries.contains { $0["object"] as? String == "ballast/spare" })
            #expect(!entries.contains { ($0["object"] as? String ?? "").contains(provisioned) }, "the provisioned claim's volume is no orphan")
            let pending = entries.first { $0["object"] as? String == "ballast/" + inFlight }
            #expect(pending?["state"] as? String == "provisioning", "\(String(describing: pending))")
            #expect(try LinuxLoopDeviceManager().attachments(of: node.group.device).allSatisfy { !$0.readOnly },
                    "the read-only loop devices of the filesystem probes are gone")
            let yaml = try CommandRunner.run(ballast, ["storage", "orphans", "-o", "yaml"] + kubeconfig)
            #expect(yaml.succeeded && yaml.stdout.contains("object: ballast/handmade"), "\(yaml)")
            let table = try CommandRunner.run(ballast, ["storage", "orphans"] + kubeconfig)
            #expect(table.succeeded && table.stdout.contains("ballast/handmade") && table.stdout.contains("not made by Ballast"), "\(table)")

            // Adoption: a Retain volume with the LV's filesystem, size and node.
            let dryAdopt = try CommandRunner.run(ballast, ["storage", "orphans", "--adopt", "ballast/handmade", "--dry-run"] + kubeconfig)
            #expect(dryAdopt.succeeded && dryAdopt.stdout.contains("would create"), "\(dryAdopt)")
            #expect(try await client.getIfPresent(PersistentVolume.self, name: "adopted-handmade") == nil)
            let adopt = try CommandRunner.run(ballast, ["storage", "orphans", "--adopt", "ballast/handmade"] + kubeconfig)
            try #require(adopt.succeeded, "\(adopt)")
            let volume = try await client.get(PersistentVolume.self, name: "adopted-handmade")
            #expect(volume.spec?.persistentVolumeReclaimPolicy == "Retain")
            #expect(volume.spec?.csi == CSIPersistentVolumeSource(driver: LVMProvisioner.csiDriver, volumeHandle: "ballast/handmade", fsType: "ext4"))
            #expect(volume.spec?.storageClassName == "local-lvm-retain", "the class of the group and filesystem, Retain first")
            #expect(volume.spec?.storageCapacity?.value == 64 << 20)
            #expect(volume.nodeAffinityHostname == node.name)
            #expect(volume.metadata.annotation("ballast.io/adopted-at") != nil)
            let after = try CommandRunner.run(ballast, ["storage", "orphans", "-o", "json"] + kubeconfig)
            #expect(try !Self.entries(after.stdout).contains { $0["object"] as? String == "ballast/handmade" }, "\(after)")

            // A claim naming the volume binds it, and a pod reads what was there before.
            var claim = try LVMCluster.claim("adopted", size: "64Mi", storageClass: "local-lvm-retain")
            claim.spec?.volumeName = "adopted-handmade"
            _ = try await client.create(claim)
            _ = try await client.create(LVMCluster.pod("reader", claim: "adopted", command: "cat /data/hello; sleep 3600"))
            _ = try await cluster.waitForPod("reader") { $0.status?.containerStatuses?.first?.ready == true }
            var log = ""
            let read = await InProcessServer.eventually(timeout: 30) {
                log = String(decoding: (try? await client.raw(ClientRequest(method: "GET", path: "/api/v1/namespaces/default/pods/reader/log"))) ?? [],
                             as: UTF8.self)
                return log.contains("hello from before")
            }
            #expect(read, "the pod read the file made before adoption; log: \(log)")
            #expect(try await client.get(PersistentVolumeClaim.self, namespace: "default", name: "adopted").spec?.volumeName == "adopted-handmade")

            // Purge: a dry run changes nothing; then only the named orphan goes.
            let dryPurge = try CommandRunner.run(ballast, ["storage", "orphans", "--purge", "ballast/spare", "--dry-run"] + kubeconfig)
            #expect(dryPurge.succeeded && dryPurge.stdout.contains("would remove"), "\(dryPurge)")
            #expect(try node.logicalVolumes().contains("spare"))
            let purge = try CommandRunner.run(ballast, ["storage", "orphans", "--purge", "ballast/spare"] + kubeconfig)
            #expect(purge.succeeded && purge.stdout.contains("removed"), "\(purge)")
            #expect(try !node.logicalVolumes().contains("spare"))

            // What a volume names is refused by the CLI, and by the agent when asked directly.
            for object in ["ballast/handmade", "ballast/" + provisioned] {
                let refused = try CommandRunner.run(ballast, ["storage", "orphans", "--purge", object] + kubeconfig)
                #expect(!refused.succeeded && refused.stderr.contains("not listed as an orphan"), "\(refused)")
            }
            await #expect(throws: ClientError.self) {
                _ = try await client.raw(ClientRequest(method: "DELETE", path: "/api/v1/nodes/\(node.name)/proxy/storage/lvm/ballast/handmade"))
            }
            do {
                _ = try await client.raw(ClientRequest(method: "DELETE", path: "/api/v1/nodes/\(node.name)/proxy/storage/lvm/ballast/\(provisioned)"))
                Issue.record("the agent removed a provisioned volume")
            } catch {
                #expect("\(error)".contains("names"), "\(error)")
            }
            let inFlightPurge = try CommandRunner.run(ballast, ["storage", "orphans", "--purge", "ballast/" + inFlight] + kubeconfig)
            #expect(!inFlightPurge.succeeded && inFlightPurge.stderr.contains("not an orphan"), "\(inFlightPurge)")
            do {
                _ = try await client.raw(ClientRequest(method: "DELETE", path: "/api/v1/nodes/\(node.name)/proxy/storage/lvm/ballast/\(inFlight)"))
                Issue.record("the agent removed a volume being provisioned")
            } catch {
                #expect("\(error)".contains("being provisioned"), "\(error)")
            }
            let left = try node.logicalVolumes()
            #expect(left.contains("handmade") && left.contains(provisioned) && left.contains(inFlight), "\(left)")

            // local-path: a directory nothing names is listed and purged; one a volume names
            // is refused by the agent.
            let base = node.root + "/local-path"
            try FileManager.default.createDirectory(atPath: base + "/leftover/inner", withIntermediateDirectories: true)
            try NodeTest.write(base + "/leftover/inner/data", "old\n")
            try FileManager.default.createDirectory(atPath: base + "/kept", withIntermediateDirectories: true)
            _ = try await client.create(try JSONDecoder().decode(PersistentVolume.self, from: Data("""
                {"metadata": {"name": "kept"}, "spec": {"capacity": {"storage": "1Mi"}, "accessModes": ["ReadWriteOnce"],
                 "persistentVolumeReclaimPolicy": "Retain", "local": {"path": "\(base)/kept"},
                 "nodeAffinity": {"required": {"nodeSelectorTerms": [{"matchExpressions": [
                   {"key": "kubernetes.io/hostname", "operator": "In", "values": ["\(node.name)"]}]}]}}}}
                """.utf8)))
            let directories = try Self.entries(try CommandRunner.run(ballast, ["storage", "orphans", "-o", "json"] + kubeconfig).stdout)
            #expect(directories.contains { $0["object"] as? String == base + "/leftover" && $0["kind"] as? String == "local-path" }, "\(directories)")
            #expect(!directories.contains { $0["object"] as? String == base + "/kept" })
            let purgeDirectory = try CommandRunner.run(ballast, ["storage", "orphans", "--purge", base + "/leftover"] + kubeconfig)
            #expect(purgeDirectory.succeeded, "\(purgeDirectory)")
            #expect(!FileManager.default.fileExists(atPath: base + "/leftover"))
            await #expect(throws: ClientError.self) {
                _ = try await client.raw(ClientRequest(method: "DELETE", path: "/api/v1/nodes/\(node.name)/proxy/storage/local-path/kept"))
            }
            #expect(FileManager.default.fileExists(atPath: base + "/kept"))
        }
    }

    /// The entries of `ballast storage orphans -o json`.
    static func entries(_ json: String) throws -> [[String: Any]] {
        let object = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
        return object?["entries"] as? [[String: Any]] ?? []
    }

    /// lvcreate of a 64 MiB volume in the node's group, as an admin would by hand; with
    /// `file`, an ext4 filesystem holding /hello. Without device-mapper the volume is written
    /// through a loop device over its extents, detached afterwards.
    static func makeLogicalVolume(_ name: String, on node: LVMCluster.Node, file: String?) throws {
        let group = node.group
        // The fixture's lvm.conf turns activation on wherever /dev/mapper/control exists,
        // even when the kernel has no device-mapper (as here); the agent keeps it off.
        try group.lvm(["lvcreate", "--config", "global { activation = \(DeviceMapper.isAvailable ? 1 : 0) }", "-an", "-Zn", "-Wn",
                       "--alloc", "contiguous", "-L", "64m", "-n", name, group.name])
        func value(_ arguments: [String]) throws -> String {
            try group.lvm(arguments + ["--noheadings", "--units", "b", "--nosuffix"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        // "/dev/loop7:16-31": the first extent on the physical volume.
        let range = try value(["lvs", "-o", "seg_pe_ranges", "\(group.name)/\(name)"])
        let first = try #require(range.split(separator: ":").last?.split(separator: "-").first.flatMap { Int64($0) }, "\(range)")
        let extent = try #require(Int64(try value(["vgs", "-o", "vg_extent_size", group.name])))
        let start = try #require(Int64(try value(["pvs", "-o", "pe_start", group.device])))
        let attach = try CommandRunner.run("/usr/sbin/losetup", ["--find", "--show", "--offset", "\(start + first * extent)", "--sizelimit", "\(64 << 20)",
                                                                  group.device])
        try #require(attach.succeeded, "\(attach)")
        let loop = attach.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        defer { _ = try? CommandRunner.run("/usr/sbin/losetup", ["-d", loop]) }
        let content = TemporaryDirectory.make(prefix: "ballast-orphan")
        defer { try? FileManager.default.removeItem(atPath: content) }
        if let file { try NodeTest.write(content + "/hello", file) }
        let mkfs = try CommandRunner.run("/usr/sbin/mkfs.ext4", ["-q", "-F", "-d", content, loop])
        try #require(mkfs.succeeded, "\(mkfs)")
    }
}
