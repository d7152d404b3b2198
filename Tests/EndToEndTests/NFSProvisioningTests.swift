import BallastAPI
import BallastTesting
import Foundation
import Testing

/// Issue 3: NFS volumes end to end: the real kubectl, a real `ballast server` and a real
/// nfs-ganesha on 127.0.0.1; every test asserts what happens to the data on the export.
@Suite(.enabled(if: NFSServer.isEnabled)) struct NFSProvisioningTests {
    /// A cluster and an NFS server torn down together.
    final class Fixture: @unchecked Sendable {
        let nfs: NFSServer
        var cluster: Cluster

        init(environment: [String: String] = [:]) throws {
            nfs = try NFSServer()
            do {
                cluster = try Cluster(environment: environment)
            } catch {
                nfs.remove()
                throw error
            }
        }

        deinit { nfs.remove() }

        var kubectl: Kubectl { cluster.kubectl }

        func storageClass(_ name: String, onDelete: String = "delete", reclaimPolicy: String = "Delete", mode: String? = nil,
                          expandable: Bool = false) throws {
            let modeLine = mode.map { "\n  mode: \"\($0)\"" } ?? ""
            try kubectl.ok("apply", "-f", "-", input: """
                apiVersion: storage.k8s.io/v1
                kind: StorageClass
                metadata: {name: \(name)}
                provisioner: ballast.io/nfs
                parameters:
                  server: 127.0.0.1
                  share: \(nfs.exportPath)
                  onDelete: \(onDelete)\(modeLine)
                mountOptions: [\(nfs.mountOptions.joined(separator: ", "))]
                reclaimPolicy: \(reclaimPolicy)
                allowVolumeExpansion: \(expandable)
                """)
        }

        func claim(_ name: String, className: String, modes: String = "ReadWriteMany") throws {
            try kubectl.ok("apply", "-f", "-", input: """
                apiVersion: v1
                kind: PersistentVolumeClaim
                metadata: {name: \(name), namespace: default}
                spec:
                  storageClassName: "\(className)"
                  accessModes: [\(modes)]
                  resources: {requests: {storage: 1Gi}}
                """)
        }

        func phase(_ resource: String, _ name: String) -> String? {
            guard let object = try? cluster.json("get", resource, name) else { return nil }
            return object.string("status.phase")
        }

        /// Waits for a phase; false when it is not reached in 30 s.
        func waitFor(_ resource: String, _ name: String, phase expected: String) -> Bool {
            Kubectl.eventually(timeout: 30, interval: 0.1) { phase(resource, name) == expected }
        }

        /// Waits until the object is gone.
        func waitGone(_ resource: String, _ name: String) -> Bool {
            Kubectl.eventually(timeout: 30, interval: 0.1) {
                let result = try? kubectl("get", resource, name)
                return result.map { !$0.succeeded && $0.stderr.contains("NotFound") } ?? false
            }
        }

        func volumeName(of claim: String) throws -> String {
            try #require(try cluster.json("get", "pvc", claim).string("spec.volumeName"))
        }

        /// The entries of the export, sorted.
        func exportEntries() -> [String] {
            ((try? FileManager.default.contentsOfDirectory(atPath: nfs.exportPath)) ?? []).sorted()
        }

        func pvCount() throws -> Int {
            guard case .array(let items)? = try cluster.json("get", "pv").at("items") else { return 0 }
            return items.count
        }
    }

    @Test func aClaimGetsItsOwnDirectoryWithTheClassModeAndDeleteRemovesIt() throws {
        let fixture = try Fixture()
        try fixture.storageClass("nfs-delete", mode: "0750")
        try fixture.claim("data", className: "nfs-delete")
        #expect(fixture.waitFor("pvc", "data", phase: "Bound"))
        let volume = try fixture.volumeName(of: "data")
        #expect(volume.hasPrefix("pvc-"))
        let directory = try #require(fixture.exportEntries().first)
        #expect(fixture.exportEntries() == ["default-data-\(volume)"])
        let attributes = try FileManager.default.attributesOfItem(atPath: fixture.nfs.hostPath(directory))
        #expect((attributes[.posixPermissions] as? Int) == 0o750)
        let pv = try fixture.cluster.json("get", "pv", volume)
        #expect(pv.string("spec.nfs.path") == fixture.nfs.exportPath + "/" + directory)
        #expect(pv.at("metadata.annotations")?["pv.kubernetes.io/provisioned-by"]?.stringValue == "ballast.io/nfs")

        try "row".write(toFile: fixture.nfs.hostPath(directory) + "/table", atomically: true, encoding: .utf8)
        try fixture.kubectl.ok("delete", "pvc", "data")
        #expect(fixture.waitGone("pv", volume))
        #expect(fixture.exportEntries().isEmpty)
    }

    @Test func aGrownClaimGetsItsNewCapacityWithTheVolumeAndAnEvent() throws {
        let fixture = try Fixture()
        try fixture.storageClass("nfs-growing", expandable: true)
        try fixture.storageClass("nfs-fixed")
        try fixture.claim("grows", className: "nfs-growing")
        try fixture.claim("fixed", className: "nfs-fixed")
        #expect(fixture.waitFor("pvc", "grows", phase: "Bound") && fixture.waitFor("pvc", "fixed", phase: "Bound"))
        let volume = try fixture.cluster.json("get", "pvc", "grows").string("spec.volumeName") ?? ""
        let file = fixture.nfs.hostPath(try #require(try FileManager.default.contentsOfDirectory(atPath: fixture.nfs.exportPath).first { $0.contains(volume) }) + "/kept")
        try "data".write(toFile: file, atomically: true, encoding: .utf8)

        try fixture.kubectl.ok("patch", "pvc", "grows", "--type=merge", "-p", #"{"spec": {"resources": {"requests": {"storage": "3Gi"}}}}"#)
        #expect(Kubectl.eventually(timeout: 30, interval: 0.1) {
            (try? fixture.cluster.json("get", "pvc", "grows").string("status.capacity.storage")) == "3Gi"
        })
        #expect(try fixture.cluster.json("get", "pv", volume).string("spec.capacity.storage") == "3Gi")
        #expect(try fixture.cluster.json("get", "pvc", "grows").at("status.conditions") == nil, "Resizing is cleared")
        #expect(Kubectl.eventually(timeout: 30, interval: 0.1) {
            let reasons = try? fixture.kubectl.ok("get", "events", "--field-selector", "involvedObject.name=grows", "-o", "jsonpath={.items[*].reason}")
            return reasons?.contains("VolumeResizeSuccessful") == true
        })
        #expect(try String(contentsOfFile: file, encoding: .utf8) == "data")

        // A class without allowVolumeExpansion: the request may not grow.
        let refused = try fixture.kubectl("patch", "pvc", "fixed", "--type=merge", "-p", #"{"spec": {"resources": {"requests": {"storage": "3Gi"}}}}"#)
        #expect(!refused.succeeded && refused.stderr.contains("storageclass that provisions the pvc must support resize"), "\(refused)")
    }

    @Test func onDeleteRetainKeepsTheDirectoryAndArchiveRenamesIt() throws {
        let fixture = try Fixture()
        try fixture.storageClass("nfs-keep", onDelete: "retain")
        try fixture.storageClass("nfs-archive", onDelete: "archive")
        try fixture.claim("kept", className: "nfs-keep")
        try fixture.claim("archived", className: "nfs-archive")
        #expect(fixture.waitFor("pvc", "kept", phase: "Bound"))
        #expect(fixture.waitFor("pvc", "archived", phase: "Bound"))
        let keptDirectory = "default-kept-" + (try fixture.volumeName(of: "kept"))
        let archivedDirectory = "default-archived-" + (try fixture.volumeName(of: "archived"))
        for directory in [keptDirectory, archivedDirectory] {
            try "precious".write(toFile: fixture.nfs.hostPath(directory) + "/file", atomically: true, encoding: .utf8)
        }
        let keptVolume = try fixture.volumeName(of: "kept")
        let archivedVolume = try fixture.volumeName(of: "archived")
        try fixture.kubectl.ok("delete", "pvc", "kept", "archived")
        #expect(fixture.waitGone("pv", keptVolume))
        #expect(fixture.waitGone("pv", archivedVolume))
        #expect(fixture.exportEntries() == ["archived-" + archivedDirectory, keptDirectory].sorted())
        #expect(try String(contentsOfFile: fixture.nfs.hostPath(keptDirectory) + "/file", encoding: .utf8) == "precious")
        #expect(try String(contentsOfFile: fixture.nfs.hostPath("archived-" + archivedDirectory) + "/file", encoding: .utf8) == "precious")
    }

    /// `ballast pvc delete --dry-run` says what each policy will do and changes nothing;
    /// deleting for real then does what it said.
    @Test func theDryRunForecastOfEachPolicyChangesNothingAndComesTrue() throws {
        let fixture = try Fixture()
        try fixture.storageClass("nfs-archive", onDelete: "archive")
        try fixture.storageClass("nfs-retain", reclaimPolicy: "Retain")
        try fixture.storageClass("nfs-delete")
        for (claim, className) in [("archived", "nfs-archive"), ("kept", "nfs-retain"), ("destroyed", "nfs-delete")] {
            try fixture.claim(claim, className: className)
        }
        // Recycle is for static volumes: one on a directory made by hand.
        try FileManager.default.createDirectory(atPath: fixture.nfs.hostPath("static"), withIntermediateDirectories: true)
        try fixture.kubectl.ok("apply", "-f", "-", input: """
            apiVersion: v1
            kind: PersistentVolume
            metadata: {name: recycled}
            spec:
              capacity: {storage: 1Gi}
              accessModes: [ReadWriteMany]
              persistentVolumeReclaimPolicy: Recycle
              mountOptions: [\(fixture.nfs.mountOptions.joined(separator: ", "))]
              nfs: {server: 127.0.0.1, path: \(fixture.nfs.exportPath)/static}
            ---
            apiVersion: v1
            kind: PersistentVolumeClaim
            metadata: {name: scrubbed}
            spec:
              storageClassName: ""
              volumeName: recycled
              accessModes: [ReadWriteMany]
              resources: {requests: {storage: 1Gi}}
            """)
        let claims = ["archived", "kept", "destroyed", "scrubbed"]
        for claim in claims { #expect(fixture.waitFor("pvc", claim, phase: "Bound"), "\(claim) binds") }
        let before = fixture.exportEntries()
        let ballast = try BallastBinary.path
        func forecast(_ claim: String, dryRun: Bool = true) throws -> CommandResult {
            try CommandRunner.run(ballast, ["pvc", "delete", claim, "--kubeconfig", fixture.cluster.server.kubeconfig] + (dryRun ? ["--dry-run"] : []))
        }
        for claim in claims {
            let said = try forecast(claim)
            // Each claim is named after what its data will go through.
            #expect(said.succeeded && said.stdout.contains(" \(claim) ") && said.stdout.contains(fixture.nfs.exportPath), "\(said)")
        }
        for claim in claims { #expect(fixture.phase("pvc", claim) == "Bound", "the dry run left \(claim) alone") }
        #expect(fixture.exportEntries() == before)

        let archivedDirectory = "default-archived-" + (try fixture.volumeName(of: "archived"))
        let keptVolume = try fixture.volumeName(of: "kept")
        let destroyedDirectory = "default-destroyed-" + (try fixture.volumeName(of: "destroyed"))
        for claim in ["archived", "kept", "destroyed"] { #expect(try forecast(claim, dryRun: false).succeeded) }
        #expect(Kubectl.eventually(timeout: 30, interval: 0.1) {
            let entries = fixture.exportEntries()
            return entries.contains("archived-" + archivedDirectory) && !entries.contains(destroyedDirectory)
        }, "archived and destroyed as forecast: \(fixture.exportEntries())")
        #expect(fixture.waitFor("pv", keptVolume, phase: "Released"), "kept as forecast")
        #expect(fixture.exportEntries().contains("default-kept-" + keptVolume))
    }

    @Test func reclaimPolicyRetainLeavesTheVolumeReleasedWithItsFiles() throws {
        let fixture = try Fixture()
        try fixture.storageClass("nfs-retain", reclaimPolicy: "Retain")
        try fixture.claim("db", className: "nfs-retain")
        #expect(fixture.waitFor("pvc", "db", phase: "Bound"))
        let volume = try fixture.volumeName(of: "db")
        let directory = "default-db-\(volume)"
        try "rows".write(toFile: fixture.nfs.hostPath(directory) + "/pgdata", atomically: true, encoding: .utf8)
        try fixture.kubectl.ok("delete", "pvc", "db")
        #expect(fixture.waitFor("pv", volume, phase: "Released"))
        // It stays Released: nothing touches a retained volume.
        Thread.sleep(forTimeInterval: 2)
        #expect(fixture.phase("pv", volume) == "Released")
        #expect(try String(contentsOfFile: fixture.nfs.hostPath(directory) + "/pgdata", encoding: .utf8) == "rows")
    }

    @Test func recycleEmptiesTheVolumeWithoutFollowingASymlinkOut() throws {
        let fixture = try Fixture()
        let files = FileManager.default
        let volumeDirectory = fixture.nfs.hostPath("recyclable")
        let outside = fixture.nfs.hostPath("outside")
        try files.createDirectory(atPath: volumeDirectory + "/nested/deeper", withIntermediateDirectories: true)
        try files.createDirectory(atPath: outside, withIntermediateDirectories: true)
        try "keep me".write(toFile: outside + "/sentinel", atomically: true, encoding: .utf8)
        try fixture.kubectl.ok("apply", "-f", "-", input: """
            apiVersion: v1
            kind: PersistentVolume
            metadata: {name: recyclable}
            spec:
              capacity: {storage: 1Gi}
              accessModes: [ReadWriteMany]
              storageClassName: ""
              persistentVolumeReclaimPolicy: Recycle
              mountOptions: [\(fixture.nfs.mountOptions.joined(separator: ", "))]
              nfs: {server: 127.0.0.1, path: \(volumeDirectory)}
            """)
        try fixture.claim("scratch", className: "")
        #expect(fixture.waitFor("pvc", "scratch", phase: "Bound"))
        // What a user (or an attacker) left in the volume.
        try "data".write(toFile: volumeDirectory + "/nested/deeper/file", atomically: true, encoding: .utf8)
        try ".hidden".write(toFile: volumeDirectory + "/.hidden", atomically: true, encoding: .utf8)
        try files.createSymbolicLink(atPath: volumeDirectory + "/escape", withDestinationPath: "../outside")
        try files.createSymbolicLink(atPath: volumeDirectory + "/nested/absolute", withDestinationPath: outside)

        try fixture.kubectl.ok("delete", "pvc", "scratch")
        #expect(fixture.waitFor("pv", "recyclable", phase: "Available"))
        #expect(try files.contentsOfDirectory(atPath: volumeDirectory).isEmpty)
        #expect(try String(contentsOfFile: outside + "/sentinel", encoding: .utf8) == "keep me")
        let recycled = try fixture.cluster.json("get", "pv", "recyclable")
        #expect(recycled.string("spec.claimRef.name") == nil)
    }

    @Test func aClaimInUseAndItsBoundVolumeOutliveTheirDeletionUntilThePodIsGone() throws {
        let fixture = try Fixture()
        try fixture.storageClass("nfs-shared")
        try fixture.claim("shared", className: "nfs-shared")
        #expect(fixture.waitFor("pvc", "shared", phase: "Bound"))
        let volume = try fixture.volumeName(of: "shared")
        // A scheduled pod (nodeName set) uses the claim.
        try fixture.kubectl.ok("apply", "-f", "-", input: """
            apiVersion: v1
            kind: Pod
            metadata: {name: user, namespace: default}
            spec:
              nodeName: node-a
              containers: [{name: app, image: busybox}]
              volumes: [{name: data, persistentVolumeClaim: {claimName: shared}}]
            """)
        try fixture.kubectl.ok("delete", "pv", volume, "--wait=false")
        try fixture.kubectl.ok("delete", "pvc", "shared", "--wait=false")
        Thread.sleep(forTimeInterval: 2)
        let claim = try fixture.cluster.json("get", "pvc", "shared")
        #expect(claim.string("metadata.deletionTimestamp") != nil)
        #expect(claim.at("metadata.finalizers") == ["kubernetes.io/pvc-protection"])
        #expect(fixture.phase("pv", volume) == "Bound")
        #expect(fixture.exportEntries().count == 1)

        try fixture.kubectl.ok("delete", "pod", "user", "--grace-period=0", "--force")
        #expect(fixture.waitGone("pvc", "shared"))
        #expect(fixture.waitGone("pv", volume))
        #expect(fixture.exportEntries().isEmpty)
    }

    @Test func aServerThatStopsMidProvisioningEndsWithOneVolumeOnceItIsBack() throws {
        let fixture = try Fixture()
        try fixture.storageClass("nfs-flaky")
        try fixture.nfs.stop()
        try fixture.claim("patient", className: "nfs-flaky")
        let failed = Kubectl.eventually(timeout: 30, interval: 0.2) {
            let events = (try? fixture.kubectl.ok("get", "events", "--field-selector", "involvedObject.name=patient")) ?? ""
            return events.contains("ProvisioningFailed")
        }
        #expect(failed)
        #expect(fixture.phase("pvc", "patient") == "Pending")
        #expect(try fixture.pvCount() == 0)
        try fixture.nfs.start()
        #expect(fixture.waitFor("pvc", "patient", phase: "Bound"))
        #expect(try fixture.pvCount() == 1)
        #expect(fixture.exportEntries().count == 1)
    }

    @Test func aControlPlaneKilledBetweenTheDirectoryAndThePVMakesNeitherTwice() throws {
        let fixture = try Fixture(environment: ["BALLAST_CRASH_AT": "provision-before-pv"])
        try fixture.storageClass("nfs-crash")
        try fixture.claim("survivor", className: "nfs-crash")
        #expect(fixture.cluster.server.waitForExit(timeout: 30), "the server did not reach the crash point")
        // The directory exists, the PV does not.
        #expect(fixture.exportEntries().count == 1)
        fixture.cluster.server.environment = [:]
        try fixture.cluster.server.start()
        #expect(fixture.waitFor("pvc", "survivor", phase: "Bound"))
        #expect(try fixture.pvCount() == 1)
        let volume = try fixture.volumeName(of: "survivor")
        #expect(fixture.exportEntries() == ["default-survivor-\(volume)"])
    }
}
