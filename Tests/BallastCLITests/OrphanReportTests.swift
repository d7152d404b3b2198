import BallastAPI
import BallastCLI
import BallastStorage
import Foundation
import Testing

/// What `ballast storage orphans` lists, and the volume `--adopt` writes: the rules that
/// decide whether storage is an orphan, one named case each.
struct OrphanReportTests {
    static func volume(_ name: String, source: String, node: String? = nil) throws -> PersistentVolume {
        let affinity = node.map {
            #", "nodeAffinity": {"required": {"nodeSelectorTerms": [{"matchExpressions": [{"key": "kubernetes.io/hostname", "operator": "In", "values": ["\#($0)"]}]}]}}"#
        } ?? ""
        return try JSONDecoder().decode(PersistentVolume.self, from: Data("""
            {"metadata": {"name": "\(name)"}, "spec": {"capacity": {"storage": "1Gi"}, \(source)\(affinity)}}
            """.utf8))
    }

    static func claim(_ name: String, uid: String) throws -> PersistentVolumeClaim {
        try JSONDecoder().decode(PersistentVolumeClaim.self, from: Data("""
            {"metadata": {"name": "\(name)", "namespace": "shop", "uid": "\(uid)"}, "spec": {"resources": {"requests": {"storage": "1Gi"}}}}
            """.utf8))
    }

    static let node = StorageInventory(
        node: "node-1",
        logicalVolumes: [
            .init(name: "pvc-u1", volumeGroup: "ballast", sizeBytes: 1 << 30, tags: [LVMProvisioner.managedTag], filesystem: "ext4"),
            .init(name: "pvc-u2", volumeGroup: "ballast", sizeBytes: 1 << 30, tags: [LVMProvisioner.managedTag]),
            .init(name: "pvc-gone", volumeGroup: "ballast", sizeBytes: 1 << 30, tags: [LVMProvisioner.managedTag], filesystem: "ext4"),
            .init(name: "handmade", volumeGroup: "ballast", sizeBytes: 64 << 20, filesystem: "ext4", mountPoint: "/mnt/x"),
            .init(name: "pool", volumeGroup: "ballast", sizeBytes: 1 << 30, layout: "thin,pool", thinPool: true),
            .init(name: "static", volumeGroup: "ballast", sizeBytes: 1 << 30, filesystem: "xfs"),
        ],
        localPathBase: "/var/lib/ballast/local-path",
        directories: [
            .init(name: "pvc-u3", path: "/var/lib/ballast/local-path/pvc-u3"),
            .init(name: "old", path: "/var/lib/ballast/local-path/old"),
            .init(name: "parent", path: "/var/lib/ballast/local-path/parent"),
        ])

    static let share = OrphanReport.NFSListing(storageClass: "nfs", server: "10.0.0.5", share: "/export",
                                               directories: ["shop-data-pvc-u4", "left", "archived-shop-old", "default", "pvc-u5-pending"])

    static func report() throws -> OrphanReport {
        let volumes = try [
            volume("pvc-u1", source: #""csi": {"driver": "lvm.ballast.io", "volumeHandle": "ballast/pvc-u1", "fsType": "ext4"}"#, node: "node-1"),
            // A static volume on the same handle, whatever its driver field says.
            volume("mine", source: #""csi": {"driver": "lvm.ballast.io", "volumeHandle": "ballast/static"}"#, node: "node-1"),
            volume("pvc-u3", source: #""local": {"path": "/var/lib/ballast/local-path/pvc-u3"}"#, node: "node-1"),
            // A volume inside a directory accounts for the directory.
            volume("deep", source: #""local": {"path": "/var/lib/ballast/local-path/parent/inner"}"#, node: "node-1"),
            volume("pvc-u4", source: #""nfs": {"server": "10.0.0.5", "path": "/export/shop-data-pvc-u4"}"#),
            volume("nested", source: #""nfs": {"server": "10.0.0.5", "path": "/export/default/data"}"#),
        ]
        let claims = try [claim("data", uid: "u1"), claim("new", uid: "u2"), claim("pending", uid: "u5")]
        return OrphanReport(inventories: [node], nfs: [share], volumes: volumes, claims: claims, problems: ["node node-2 did not list its storage: 503"])
    }

    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        let object: String
        let expected: OrphanReport.State?
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "an LV a volume names is not listed", object: "ballast/pvc-u1", expected: nil),
        Case(name: "an LV named after a claim that has no volume yet is provisioning (crash between lvcreate and the PV)", object: "ballast/pvc-u2",
             expected: .provisioning),
        Case(name: "an LV Ballast made whose claim and volume are gone is an orphan", object: "ballast/pvc-gone", expected: .orphan),
        Case(name: "an LV made by hand is an orphan", object: "ballast/handmade", expected: .orphan),
        Case(name: "a thin pool is never listed", object: "ballast/pool", expected: nil),
        Case(name: "an LV a static volume names is not listed", object: "ballast/static", expected: nil),
        Case(name: "a directory a volume names is not listed", object: "/var/lib/ballast/local-path/pvc-u3", expected: nil),
        Case(name: "a directory nothing names is an orphan", object: "/var/lib/ballast/local-path/old", expected: .orphan),
        Case(name: "a directory holding a volume's path is not listed", object: "/var/lib/ballast/local-path/parent", expected: nil),
        Case(name: "an NFS directory a volume names is not listed", object: "10.0.0.5:/export/shop-data-pvc-u4", expected: nil),
        Case(name: "an NFS directory nothing names is an orphan", object: "10.0.0.5:/export/left", expected: .orphan),
        Case(name: "an archived NFS directory is an archive", object: "10.0.0.5:/export/archived-shop-old", expected: .archive),
        Case(name: "an NFS directory holding a volume's path (pathPattern ns/claim) is not listed", object: "10.0.0.5:/export/default", expected: nil),
        Case(name: "an NFS directory named with a pending claim's pvc-uid is provisioning", object: "10.0.0.5:/export/pvc-u5-pending",
             expected: .provisioning),
    ]

    @Test(arguments: cases)
    func rule(_ testCase: Case) throws {
        let entry = try Self.report().entries.first { $0.object == testCase.object }
        #expect(entry?.state == testCase.expected, "\(String(describing: entry))")
    }

    @Test func aDirectoryAPodUsesAsHostPathIsNotAnOrphan() throws {
        let pod = try JSONDecoder().decode(Pod.self, from: Data("""
            {"metadata": {"name": "p", "namespace": "shop"}, "spec": {"nodeName": "node-1", "containers": [],
             "volumes": [{"name": "v", "hostPath": {"path": "/var/lib/ballast/local-path/old/sub"}}]}}
            """.utf8))
        let report = OrphanReport(inventories: [Self.node], volumes: [], claims: [], pods: [pod])
        #expect(!report.entries.contains { $0.object == "/var/lib/ballast/local-path/old" })
        var elsewhere = pod
        elsewhere.spec?.nodeName = "node-2"
        let other = OrphanReport(inventories: [Self.node], volumes: [], claims: [], pods: [elsewhere])
        #expect(other.entries.contains { $0.object == "/var/lib/ballast/local-path/old" })
    }

    @Test func anNFSVolumeNamingTheServerOtherwiseStillAccountsForItsDirectory() throws {
        let aliased = try Self.volume("alias", source: #""nfs": {"server": "nfs.example", "path": "/export/left"}"#)
        let report = OrphanReport(inventories: [], nfs: [Self.share], volumes: [aliased], claims: [])
        #expect(!report.entries.contains { $0.object == "10.0.0.5:/export/left" })
    }

    @Test func anNFSShareRootVolumeAccountsForEverythingInIt() throws {
        let whole = try Self.volume("all", source: #""nfs": {"server": "10.0.0.5", "path": "/export/"}"#)
        let report = OrphanReport(inventories: [], nfs: [Self.share], volumes: [whole], claims: [])
        #expect(report.entries.isEmpty)
    }

    @Test func theTableSaysWhereWhatAndWhyAndTheProblems() throws {
        let text = try Self.report().text
        #expect(text.contains("NODE") && text.contains("REASON"))
        #expect(text.contains("ballast/handmade") && text.contains("64Mi") && text.contains("(not made by Ballast); mounted at /mnt/x"))
        #expect(text.contains("warning: node node-2 did not list its storage"))
        #expect(OrphanReport(inventories: [], volumes: [], claims: []).text == "No orphaned storage found.\n")
    }

    @Test func entryLookupNeedsTheNodeWhenTwoNodesHoldTheSameName() throws {
        var other = Self.node
        other.node = "node-2"
        let report = OrphanReport(inventories: [Self.node, other], volumes: [], claims: [])
        #expect(throws: OrphanError.self) { try report.entry("ballast/handmade", node: nil) }
        #expect(try report.entry("ballast/handmade", node: "node-2").node == "node-2")
        #expect(throws: OrphanError.self) { try report.entry("ballast/nothing", node: nil) }
    }

    // MARK: Adoption

    static let classes = [
        StorageClass(metadata: ObjectMeta(name: "local-lvm"), provisioner: LVMProvisioner.name, parameters: ["volumeGroup": "ballast", "fsType": "ext4"],
                     reclaimPolicy: "Delete"),
        StorageClass(metadata: ObjectMeta(name: "local-lvm-xfs"), provisioner: LVMProvisioner.name, parameters: ["fsType": "xfs"], reclaimPolicy: "Delete"),
        StorageClass(metadata: ObjectMeta(name: "local-lvm-retain"), provisioner: LVMProvisioner.name, parameters: ["volumeGroup": "ballast"],
                     reclaimPolicy: "Retain"),
        StorageClass(metadata: ObjectMeta(name: "other-vg"), provisioner: LVMProvisioner.name, parameters: ["volumeGroup": "fast", "fsType": "ext4"],
                     reclaimPolicy: "Retain"),
        StorageClass(metadata: ObjectMeta(name: "local-path"), provisioner: LocalPathProvisioner.name),
    ]

    @Test func anLVIsAdoptedAsARetainCSIVolumeWithItsFilesystemSizeNodeAndAnnotations() throws {
        var entry = try Self.report().entry("ballast/handmade", node: nil)
        entry.mounted = false
        let storageClass = try #require(OrphanReport.defaultClass(for: entry, classes: Self.classes))
        #expect(storageClass.name == "local-lvm-retain", "same volume group and filesystem, Retain first")
        let now = Time(Date(timeIntervalSince1970: 1_800_000_000))
        let volume = try OrphanReport.adoptingVolume(entry, storageClass: storageClass, options: .init(), now: now)
        #expect(volume.name == "adopted-handmade")
        #expect(volume.spec?.persistentVolumeReclaimPolicy == "Retain")
        #expect(volume.spec?.storageClassName == "local-lvm-retain")
        #expect(volume.spec?.csi == CSIPersistentVolumeSource(driver: "lvm.ballast.io", volumeHandle: "ballast/handmade", fsType: "ext4"))
        #expect(volume.spec?.storageCapacity?.value == 64 << 20)
        #expect(volume.spec?.volumeMode == "Filesystem")
        #expect(volume.nodeAffinityHostname == "node-1")
        #expect(volume.metadata.annotation(OrphanReport.adoptedAtAnnotation) == "2027-01-15T08:00:00Z")
        #expect(volume.metadata.annotation(OrphanReport.adoptedFromAnnotation) == "lvm ballast/handmade on node node-1")
        #expect(volume.spec?.claimRef == nil && volume.metadata.finalizers == nil)
    }

    @Test func anLVWithoutARecognisedFilesystemIsAdoptedOnlyAsABlockDevice() throws {
        var entry = try Self.report().entry("ballast/handmade", node: nil)
        entry.mounted = false
        entry.filesystem = nil
        #expect(throws: OrphanError.self) { try OrphanReport.adoptingVolume(entry, storageClass: nil, options: .init(), now: .now()) }
        entry.filesystem = "swap"
        #expect(throws: OrphanError.self) { try OrphanReport.adoptingVolume(entry, storageClass: nil, options: .init(), now: .now()) }
        let block = try OrphanReport.adoptingVolume(entry, storageClass: nil, options: .init(block: true), now: .now())
        #expect(block.spec?.volumeMode == "Block" && block.spec?.csi?.fsType == nil)
    }

    @Test func somethingMountedIsNotAdopted() throws {
        let entry = try Self.report().entry("ballast/handmade", node: nil)
        #expect(entry.mounted)
        #expect(throws: OrphanError.self) { try OrphanReport.adoptingVolume(entry, storageClass: nil, options: .init(), now: .now()) }
    }

    @Test func aDirectoryNeedsASizeAndGetsALocalSource() throws {
        let entry = try Self.report().entry("/var/lib/ballast/local-path/old", node: nil)
        let storageClass = OrphanReport.defaultClass(for: entry, classes: Self.classes)
        #expect(storageClass?.name == "local-path")
        #expect(throws: OrphanError.self) { try OrphanReport.adoptingVolume(entry, storageClass: storageClass, options: .init(), now: .now()) }
        let volume = try OrphanReport.adoptingVolume(entry, storageClass: storageClass, options: .init(name: "old-data", capacityBytes: 1 << 30), now: .now())
        #expect(volume.name == "old-data" && volume.spec?.local?.path == "/var/lib/ballast/local-path/old" && volume.nodeAffinityHostname == "node-1")
    }

    @Test func anNFSDirectoryGetsAnNFSSourceAndNoNodeAffinity() throws {
        let entry = try Self.report().entry("10.0.0.5:/export/left", node: nil)
        let nfsClass = StorageClass(metadata: ObjectMeta(name: "nfs"), provisioner: NFSProvisioner.name, mountOptions: ["nfsvers=3"])
        #expect(OrphanReport.defaultClass(for: entry, classes: [nfsClass])?.name == "nfs")
        let volume = try OrphanReport.adoptingVolume(entry, storageClass: nfsClass, options: .init(capacityBytes: 1 << 30), now: .now())
        #expect(volume.spec?.nfs == NFSVolumeSource(server: "10.0.0.5", path: "/export/left"))
        #expect(volume.spec?.mountOptions == ["nfsvers=3"] && volume.spec?.nodeAffinity == nil && volume.spec?.accessModes == [.readWriteMany])
    }

    @Test func provisioningStorageAndBadNamesAreRefused() throws {
        let report = try Self.report()
        let gone = try report.entry("ballast/pvc-gone", node: nil)
        #expect(try OrphanReport.adoptingVolume(gone, storageClass: nil, options: .init(name: "good.name-1"), now: .now()).name == "good.name-1")
        #expect(throws: OrphanError.self) {
            try OrphanReport.adoptingVolume(try report.entry("ballast/pvc-u2", node: nil), storageClass: nil, options: .init(), now: .now())
        }
        #expect(throws: OrphanError.self) {
            try OrphanReport.adoptingVolume(try report.entry("ballast/pvc-gone", node: nil), storageClass: nil, options: .init(name: "Bad_Name"), now: .now())
        }
    }

    @Test func pathsOverlapOnlyAtWholeElements() {
        #expect(StorageReferences.overlaps("/a/b", "/a/b/"))
        #expect(StorageReferences.overlaps("/a", "/a/b/c"))
        #expect(!StorageReferences.overlaps("/a/b", "/a/bc"))
        #expect(StorageReferences.overlaps("/", "/anything"))
    }
}
