import BallastAPI
import Foundation
import Testing

@Suite("PersistentVolume")
struct PersistentVolumeTests {
    /// The PersistentVolume of examples/static-pv-pvc-pod.yaml.
    static let staticPV = """
        {"apiVersion":"v1","kind":"PersistentVolume","metadata":{"name":"pv-demo"},
         "spec":{"storageClassName":"","capacity":{"storage":"20G"},"accessModes":["ReadWriteOnce"],
                 "persistentVolumeReclaimPolicy":"Retain","nfs":{"server":"127.0.0.1","path":"/export/pv-demo"}}}
        """

    static func volume(_ spec: String, metadata: String = #"{"name":"pv1"}"#) throws -> PersistentVolume {
        try StorageFixtures.decode(PersistentVolume.self, #"{"metadata":\#(metadata),"spec":\#(spec)}"#)
    }

    @Test func resourceInfo() {
        let info = PersistentVolume.resource
        #expect(info.gvk.apiVersion == "v1")
        #expect(info.kind == "PersistentVolume")
        #expect(info.plural == "persistentvolumes")
        #expect(info.singular == "persistentvolume")
        #expect(info.shortNames == ["pv"])
        #expect(!info.namespaced)
        #expect(info.categories.isEmpty)
        #expect(info.hasStatus)
    }

    @Test func staticExampleDecodesDefaultsAndValidates() throws {
        let pv = StorageFixtures.created(try StorageFixtures.decode(PersistentVolume.self, Self.staticPV))
        #expect(StorageFixtures.problems(pv) == [])
        #expect(pv.storageCapacity == (try Quantity(parsing: "20G")))
        #expect(pv.spec?.accessModes == [.readWriteOnce])
        #expect(pv.source == .nfs)
        #expect(pv.spec?.nfs == NFSVolumeSource(server: "127.0.0.1", path: "/export/pv-demo"))
        #expect(pv.spec?.storageClassName == "")
        #expect(pv.spec?.volumeMode == "Filesystem")
        #expect(pv.spec?.persistentVolumeReclaimPolicy == "Retain")
        #expect(pv.status?.phase == "Pending")
        #expect(pv.status?.lastPhaseTransitionTime != nil)
    }

    @Test func defaultsFillReclaimPolicyModeAndPhase() throws {
        var pv = try Self.volume(#"{"capacity":{"storage":"1Gi"},"accessModes":["ReadWriteOnce"],"hostPath":{"path":"/tmp/a"}}"#)
        pv.applyDefaults()
        #expect(pv.spec?.persistentVolumeReclaimPolicy == "Retain")
        #expect(pv.spec?.volumeMode == "Filesystem")
        #expect(pv.status?.phase == "Pending")
        let again = pv
        pv.applyDefaults()
        #expect(pv == again)
    }

    @Test func decodesFromMetadataAlone() throws {
        let pv = try StorageFixtures.decode(PersistentVolume.self, #"{"metadata":{}}"#)
        #expect(pv.spec == nil)
        #expect(pv.source == nil)
    }

    /// Kubernetes keeps the format a quantity was written in.
    @Test(arguments: [("20G", "20G"), ("30Gi", "30Gi"), ("1000Mi", "1000Mi"), ("1.5Gi", "1536Mi"), ("1000M", "1G"), ("2048Ki", "2Mi")])
    func capacityKeepsItsCanonicalForm(written: String, stored: String) throws {
        let pv = try Self.volume(#"{"capacity":{"storage":"\#(written)"}}"#)
        #expect(StorageFixtures.json(pv)[path: ["spec", "capacity", "storage"]] == .string(stored))
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var spec: String
        var metadata = #"{"name":"pv1"}"#
        var errors: [String]
        var testDescription: String { name }
    }

    static let invalid: [Case] = [
        Case(name: "two sources",
             spec: #"{"capacity":{"storage":"1Gi"},"accessModes":["ReadWriteOnce"],"hostPath":{"path":"/tmp/a"},"nfs":{"server":"nfs","path":"/x"}}"#,
             errors: ["spec.nfs: Forbidden: may not specify more than 1 volume type"]),
        Case(name: "no source", spec: #"{"capacity":{"storage":"1Gi"},"accessModes":["ReadWriteOnce"]}"#,
             errors: ["spec: Required value: must specify a volume type"]),
        Case(name: "bad access mode",
             spec: #"{"capacity":{"storage":"1Gi"},"accessModes":["ReadWriteSometimes"],"hostPath":{"path":"/tmp/a"}}"#,
             errors: [#"spec.accessModes: Unsupported value: "ReadWriteSometimes": supported values: "ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod""#]),
        Case(name: "ReadWriteOncePod with another mode",
             spec: #"{"capacity":{"storage":"1Gi"},"accessModes":["ReadWriteOncePod","ReadOnlyMany"],"hostPath":{"path":"/tmp/a"}}"#,
             errors: ["spec.accessModes: Forbidden: may not use ReadWriteOncePod with other access modes"]),
        Case(name: "no access modes", spec: #"{"capacity":{"storage":"1Gi"},"hostPath":{"path":"/tmp/a"}}"#,
             errors: ["spec.accessModes: Required value"]),
        Case(name: "local without node affinity",
             spec: #"{"capacity":{"storage":"1Gi"},"accessModes":["ReadWriteOnce"],"local":{"path":"/mnt/disks/a"}}"#,
             errors: ["spec.nodeAffinity: Required value: Local volume requires node affinity"]),
        Case(name: "no capacity", spec: #"{"accessModes":["ReadWriteOnce"],"hostPath":{"path":"/tmp/a"}}"#,
             errors: ["spec.capacity: Required value",
                      #"spec.capacity: Unsupported value: core.ResourceList(nil): supported values: "storage""#]),
        Case(name: "zero capacity",
             spec: #"{"capacity":{"storage":"0"},"accessModes":["ReadWriteOnce"],"hostPath":{"path":"/tmp/a"}}"#,
             errors: [#"spec.capacity[storage]: Invalid value: "0": must be greater than zero"#]),
        Case(name: "unknown reclaim policy",
             spec: #"{"capacity":{"storage":"1Gi"},"accessModes":["ReadWriteOnce"],"persistentVolumeReclaimPolicy":"Keep","hostPath":{"path":"/tmp/a"}}"#,
             errors: [#"spec.persistentVolumeReclaimPolicy: Unsupported value: "Keep": supported values: "Delete", "Recycle", "Retain""#]),
        Case(name: "empty hostPath path",
             spec: #"{"capacity":{"storage":"1Gi"},"accessModes":["ReadWriteOnce"],"hostPath":{"path":""}}"#,
             errors: ["spec.hostPath.path: Required value"]),
        Case(name: "hostPath with ..",
             spec: #"{"capacity":{"storage":"1Gi"},"accessModes":["ReadWriteOnce"],"hostPath":{"path":"/tmp/../etc"}}"#,
             errors: [#"spec.hostPath.path: Invalid value: "/tmp/../etc": must not contain '..'"#]),
        Case(name: "recycling /",
             spec: #"{"capacity":{"storage":"1Gi"},"accessModes":["ReadWriteOnce"],"persistentVolumeReclaimPolicy":"Recycle","hostPath":{"path":"//"}}"#,
             errors: ["spec.persistentVolumeReclaimPolicy: Forbidden: may not be 'recycle' for a hostPath mount of '/'"]),
        Case(name: "nfs without server and relative path",
             spec: #"{"capacity":{"storage":"1Gi"},"accessModes":["ReadWriteMany"],"nfs":{"server":"","path":"export"}}"#,
             errors: ["spec.nfs.server: Required value", #"spec.nfs.path: Invalid value: "export": must be an absolute path"#]),
        Case(name: "bad class name",
             spec: #"{"capacity":{"storage":"1Gi"},"accessModes":["ReadWriteOnce"],"storageClassName":"Fast_SSD","hostPath":{"path":"/tmp/a"}}"#,
             errors: [#"spec.storageClassName: Invalid value: "Fast_SSD": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"#]),
        Case(name: "bad volume mode",
             spec: #"{"capacity":{"storage":"1Gi"},"accessModes":["ReadWriteOnce"],"volumeMode":"Raw","hostPath":{"path":"/tmp/a"}}"#,
             errors: [#"spec.volumeMode: Unsupported value: "Raw": supported values: "Block", "Filesystem""#]),
        Case(name: "node affinity without terms",
             spec: #"{"capacity":{"storage":"1Gi"},"accessModes":["ReadWriteOnce"],"local":{"path":"/mnt/a"},"nodeAffinity":{"required":{"nodeSelectorTerms":[]}}}"#,
             errors: ["spec.nodeAffinity.required.nodeSelectorTerms: Required value: must have at least one node selector term"]),
        Case(name: "node affinity with a bad operator and field key",
             spec: #"{"capacity":{"storage":"1Gi"},"accessModes":["ReadWriteOnce"],"local":{"path":"/mnt/a"},"nodeAffinity":{"required":{"nodeSelectorTerms":[{"matchExpressions":[{"key":"kubernetes.io/hostname","operator":"Equals","values":["n1"]}],"matchFields":[{"key":"metadata.namespace","operator":"In","values":["x"]}]}]}}}"#,
             errors: [#"spec.nodeAffinity.required.nodeSelectorTerms[0].matchExpressions[0].operator: Invalid value: "Equals": not a valid selector operator"#,
                      #"spec.nodeAffinity.required.nodeSelectorTerms[0].matchFields[0].key: Invalid value: "metadata.namespace": not a valid field selector key"#]),
        Case(name: "csi without driver or handle",
             spec: #"{"capacity":{"storage":"1Gi"},"accessModes":["ReadWriteOnce"],"csi":{"driver":"","volumeHandle":""}}"#,
             errors: ["spec.csi.driver: Required value",
                      #"spec.csi.driver: Invalid value: "": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"#,
                      "spec.csi.volumeHandle: Required value"]),
        Case(name: "mount-options annotation on hostPath",
             spec: #"{"capacity":{"storage":"1Gi"},"accessModes":["ReadWriteOnce"],"hostPath":{"path":"/tmp/a"}}"#,
             metadata: #"{"name":"pv1","annotations":{"volume.beta.kubernetes.io/mount-options":"ro"}}"#,
             errors: ["metadata.annotations.volume.beta.kubernetes.io/mount-options: Forbidden: may not specify mount options for this volume type"]),
    ]

    @Test(arguments: invalid)
    func invalidVolumesAreRefused(_ example: Case) throws {
        let pv = StorageFixtures.created(try Self.volume(example.spec, metadata: example.metadata))
        #expect(StorageFixtures.problems(pv) == example.errors)
    }

    @Test func localVolumeWithNodeAffinityIsValid() throws {
        let pv = StorageFixtures.created(try Self.volume(#"""
            {"capacity":{"storage":"10Gi"},"accessModes":["ReadWriteOnce"],"storageClassName":"local-lvm","local":{"path":"/dev/vg0/pv1"},
             "nodeAffinity":{"required":{"nodeSelectorTerms":[{"matchExpressions":[{"key":"kubernetes.io/hostname","operator":"In","values":["node-1"]}]}]}}}
            """#))
        #expect(StorageFixtures.problems(pv) == [])
        #expect(pv.source == .local)
    }

    @Test func nameMustBeASubdomain() throws {
        let pv = StorageFixtures.created(try Self.volume(
            #"{"capacity":{"storage":"1Gi"},"accessModes":["ReadWriteOnce"],"hostPath":{"path":"/tmp/a"}}"#, metadata: #"{"name":"PV_1"}"#))
        #expect(StorageFixtures.problems(pv).count == 1)
        #expect(StorageFixtures.problems(pv).first?.hasPrefix(#"metadata.name: Invalid value: "PV_1": a lowercase RFC 1123 subdomain"#) == true)
    }

    @Test func sourceIsImmutable() throws {
        let old = StorageFixtures.created(try StorageFixtures.decode(PersistentVolume.self, Self.staticPV))
        var new = old
        new.spec?.nfs?.path = "/export/other"
        let problems = StorageFixtures.updateProblems(StorageFixtures.updated(new, from: old), old: old)
        #expect(StorageFixtures.firstLines(problems) == ["spec.persistentvolumesource: Forbidden: spec.persistentvolumesource is immutable after creation"])
        #expect(problems.first?.contains(#"- \#tNFS: {"path":"/export/pv-demo","server":"127.0.0.1"},"#) == true)
        #expect(problems.first?.contains(#"+ \#tNFS: {"path":"/export/other","server":"127.0.0.1"},"#) == true)
    }

    @Test func mutableFieldsMayChange() throws {
        let old = StorageFixtures.created(try StorageFixtures.decode(PersistentVolume.self, Self.staticPV))
        var new = old
        new.spec?.persistentVolumeReclaimPolicy = "Delete"
        new.spec?.capacity = ["storage": try Quantity(parsing: "30G")]
        new.spec?.claimRef = ObjectReference(kind: "PersistentVolumeClaim", namespace: "default", name: "pv-claim-demo")
        #expect(StorageFixtures.updateProblems(StorageFixtures.updated(new, from: old), old: old) == [])
    }

    @Test func volumeModeAndNodeAffinityAreImmutable() throws {
        let old = StorageFixtures.created(try Self.volume(#"""
            {"capacity":{"storage":"10Gi"},"accessModes":["ReadWriteOnce"],"local":{"path":"/mnt/a"},
             "nodeAffinity":{"required":{"nodeSelectorTerms":[{"matchExpressions":[{"key":"kubernetes.io/hostname","operator":"In","values":["node-1"]}]}]}}}
            """#))
        var new = old
        new.spec?.volumeMode = "Block"
        new.spec?.nodeAffinity?.required?.nodeSelectorTerms[0].matchExpressions?[0].values = ["node-2"]
        let problems = StorageFixtures.updateProblems(StorageFixtures.updated(new, from: old), old: old)
        #expect(problems.count == 2)
        #expect(problems.first == #"volumeMode: Invalid value: "Block": field is immutable"#)
        #expect(problems.last?.hasPrefix("nodeAffinity: Invalid value: ") == true)
        #expect(problems.last?.hasSuffix(": field is immutable, except for updating from beta label to GA") == true)
    }

    @Test func nodeAffinityMayMoveFromBetaToGALabels() throws {
        let affinity = { (key: String) in
            #"{"capacity":{"storage":"10Gi"},"accessModes":["ReadWriteOnce"],"local":{"path":"/mnt/a"},"nodeAffinity":{"required":{"nodeSelectorTerms":[{"matchExpressions":[{"key":"\#(key)","operator":"In","values":["z1"]}]}]}}}"#
        }
        let old = StorageFixtures.created(try Self.volume(affinity("failure-domain.beta.kubernetes.io/zone")))
        let new = try Self.volume(affinity("topology.kubernetes.io/zone"))
        #expect(StorageFixtures.updateProblems(StorageFixtures.updated(new, from: old), old: old) == [])
    }

    @Test func updatesKeepTheStatus() throws {
        let old = StorageFixtures.created(try StorageFixtures.decode(PersistentVolume.self, Self.staticPV))
        var new = old
        new.status = PersistentVolumeStatus(phase: "Bound")
        #expect(StorageFixtures.updated(new, from: old).status == old.status)
    }

    @Test func statusWritesKeepTheSpecAndStampPhaseChanges() throws {
        var old = StorageFixtures.created(try StorageFixtures.decode(PersistentVolume.self, Self.staticPV))
        let longAgo = Time(Date(timeIntervalSince1970: 1_000))
        old.status?.lastPhaseTransitionTime = longAgo

        var bound = old
        bound.spec?.persistentVolumeReclaimPolicy = "Delete"
        bound.status?.phase = "Bound"
        bound.prepareForStatusUpdate(old: old)
        #expect(bound.spec == old.spec)
        #expect(bound.status?.phase == "Bound")
        #expect(bound.status?.lastPhaseTransitionTime != longAgo)

        var chosen = old
        let clientTime = Time(Date(timeIntervalSince1970: 2_000))
        chosen.status = PersistentVolumeStatus(phase: "Available", lastPhaseTransitionTime: clientTime)
        chosen.prepareForStatusUpdate(old: old)
        #expect(chosen.status?.lastPhaseTransitionTime == clientTime)

        var same = old
        same.status = PersistentVolumeStatus(phase: "Pending", message: "waiting")
        same.prepareForStatusUpdate(old: old)
        #expect(same.status?.lastPhaseTransitionTime == longAgo)
        #expect(same.status?.message == "waiting")
    }

    @Test func tableShowsWhatKubectlShows() throws {
        var pv = StorageFixtures.created(try StorageFixtures.decode(PersistentVolume.self, Self.staticPV))
        pv.metadata.creationTimestamp = StorageFixtures.creationTime
        pv.spec?.accessModes = [.readWriteMany, .readWriteOnce, .readWriteOnce]
        pv.spec?.claimRef = ObjectReference(namespace: "default", name: "pv-claim-demo")
        pv.status?.phase = "Bound"
        #expect(PersistentVolume.allTableColumns.map(\.name) == [
            "Name", "Capacity", "Access Modes", "Reclaim Policy", "Status", "Claim", "StorageClass", "VolumeAttributesClass",
            "Reason", "Age", "VolumeMode",
        ])
        #expect(PersistentVolume.allTableColumns.map(\.priority) == [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1])
        #expect(pv.tableCells(now: StorageFixtures.now) == [
            "pv-demo", "20G", "RWO,RWX", "Retain", "Bound", "default/pv-claim-demo", "", "<unset>", "", "5m", "Filesystem",
        ].map(JSONValue.string))

        pv.spec?.claimRef = nil
        pv.metadata.deletionTimestamp = StorageFixtures.creationTime
        pv.metadata.annotations = ["volume.beta.kubernetes.io/storage-class": "slow"]
        let cells = pv.tableCells(now: StorageFixtures.now)
        #expect(cells[4] == "Terminating")
        #expect(cells[5] == "")
        #expect(cells[6] == "slow")
    }

    @Test func accessModesAbbreviateInKubernetesOrder() {
        #expect(PersistentVolumeAccessMode.abbreviated([.readWriteOncePod]) == "RWOP")
        #expect(PersistentVolumeAccessMode.abbreviated([.readOnlyMany, .readWriteOnce, "Other"]) == "RWO,ROX")
        #expect(PersistentVolumeAccessMode.abbreviated(nil) == "")
    }

    @Test func accessModesStayStringsOnTheWire() throws {
        let pv = try Self.volume(#"{"accessModes":["ReadWriteOnce","Whatever"]}"#)
        #expect(pv.spec?.accessModes == [.readWriteOnce, "Whatever"])
        #expect(StorageFixtures.json(pv)[path: ["spec", "accessModes"]] == .array([.string("ReadWriteOnce"), .string("Whatever")]))
    }

    @Test func selectsByTheLegacyNameField() throws {
        let pv = try StorageFixtures.decode(PersistentVolume.self, Self.staticPV)
        #expect(pv.selectableFields == ["name": "pv-demo"])
    }
}
