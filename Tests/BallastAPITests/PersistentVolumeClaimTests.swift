import BallastAPI
import Foundation
import Testing

@Suite("PersistentVolumeClaim")
struct PersistentVolumeClaimTests {
    /// The claim of examples/static-pv-pvc-pod.yaml.
    static let staticClaim = """
        {"apiVersion":"v1","kind":"PersistentVolumeClaim","metadata":{"name":"pv-claim-demo"},
         "spec":{"storageClassName":"","volumeName":"pv-demo","accessModes":["ReadWriteOnce"],
                 "resources":{"requests":{"storage":"20G"}}}}
        """

    /// The claim of examples/dynamic-pvc-pod.yaml.
    static let dynamicClaim = """
        {"apiVersion":"v1","kind":"PersistentVolumeClaim","metadata":{"name":"mydisk"},
         "spec":{"accessModes":["ReadWriteOnce"],"resources":{"requests":{"storage":"3Gi"}}}}
        """

    /// A claim as the server stores it: decoded, in "default", created.
    static func stored(_ json: String) throws -> PersistentVolumeClaim {
        var claim = try StorageFixtures.decode(PersistentVolumeClaim.self, json)
        claim.metadata.namespace = "default"
        return StorageFixtures.created(claim)
    }

    /// A claim of `size` the binder has bound to a volume of `capacity`.
    static func bound(size: String, capacity: String, storageClass: String = "local-lvm") throws -> PersistentVolumeClaim {
        var claim = try stored(#"""
            {"metadata":{"name":"data"},"spec":{"storageClassName":"\#(storageClass)","accessModes":["ReadWriteOnce"],
             "resources":{"requests":{"storage":"\#(size)"}}}}
            """#)
        claim.spec?.volumeName = "pvc-1234"
        claim.status = PersistentVolumeClaimStatus(phase: "Bound", accessModes: [.readWriteOnce],
                                                   capacity: ["storage": try Quantity(parsing: capacity)])
        return claim
    }

    @Test func resourceInfo() throws {
        _ = try StorageFixtures.decode(PersistentVolumeClaim.self, #"{"metadata":{}}"#)
        let info = PersistentVolumeClaim.resource
        #expect(info.plural == "persistentvolumeclaims")
        #expect(info.singular == "persistentvolumeclaim")
        #expect(info.shortNames == ["pvc"])
        #expect(info.namespaced)
        #expect(info.hasStatus)
    }

    @Test(arguments: [staticClaim, dynamicClaim])
    func examplesDecodeDefaultAndValidate(_ json: String) throws {
        let claim = try Self.stored(json)
        #expect(StorageFixtures.problems(claim) == [])
        #expect(claim.spec?.volumeMode == "Filesystem")
        #expect(claim.status == PersistentVolumeClaimStatus(phase: "Pending"))
        #expect(claim.spec?.accessModes == [.readWriteOnce])
    }

    @Test func emptyClassAndUnsetClassStayDistinct() throws {
        let staticClaim = try Self.stored(Self.staticClaim)
        let dynamicClaim = try Self.stored(Self.dynamicClaim)
        #expect(staticClaim.spec?.storageClassName == "")
        #expect(dynamicClaim.spec?.storageClassName == nil)
        #expect(dynamicClaim.spec?.storageRequest == (try Quantity(parsing: "3Gi")))
        #expect(StorageFixtures.json(staticClaim)[path: ["spec", "storageClassName"]] == .string(""))
        #expect(StorageFixtures.json(dynamicClaim)[path: ["spec", "storageClassName"]] == nil)
    }

    @Test func createDropsTheClientsStatus() throws {
        var claim = try StorageFixtures.decode(PersistentVolumeClaim.self, Self.dynamicClaim)
        claim.status = PersistentVolumeClaimStatus(phase: "Bound", capacity: ["storage": Quantity(1 << 40)])
        #expect(StorageFixtures.created(claim).status == PersistentVolumeClaimStatus(phase: "Pending"))
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var spec: String
        var errors: [String]
        var testDescription: String { name }
    }

    static let invalid: [Case] = [
        Case(name: "no access modes", spec: #"{"resources":{"requests":{"storage":"1Gi"}}}"#,
             errors: ["spec.accessModes: Required value: at least 1 access mode is required"]),
        Case(name: "bad access mode", spec: #"{"accessModes":["ReadMostly"],"resources":{"requests":{"storage":"1Gi"}}}"#,
             errors: [#"spec.accessModes: Unsupported value: "ReadMostly": supported values: "ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod""#]),
        Case(name: "ReadWriteOncePod with another mode",
             spec: #"{"accessModes":["ReadWriteOnce","ReadWriteOncePod"],"resources":{"requests":{"storage":"1Gi"}}}"#,
             errors: ["spec.accessModes: Forbidden: may not use ReadWriteOncePod with other access modes"]),
        Case(name: "no storage request", spec: #"{"accessModes":["ReadWriteOnce"]}"#,
             errors: ["spec.resources[storage]: Required value"]),
        Case(name: "zero storage request", spec: #"{"accessModes":["ReadWriteOnce"],"resources":{"requests":{"storage":"0"}}}"#,
             errors: [#"spec.resources[storage]: Invalid value: "0": must be greater than zero"#]),
        Case(name: "bad class name",
             spec: #"{"accessModes":["ReadWriteOnce"],"storageClassName":"NFS","resources":{"requests":{"storage":"1Gi"}}}"#,
             errors: [#"spec.storageClassName: Invalid value: "NFS": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"#]),
        Case(name: "bad volume mode",
             spec: #"{"accessModes":["ReadWriteOnce"],"volumeMode":"Raw","resources":{"requests":{"storage":"1Gi"}}}"#,
             errors: [#"spec.volumeMode: Unsupported value: "Raw": supported values: "Block", "Filesystem""#]),
        Case(name: "bad selector",
             spec: #"{"accessModes":["ReadWriteOnce"],"selector":{"matchExpressions":[{"key":"tier","operator":"In"}]},"resources":{"requests":{"storage":"1Gi"}}}"#,
             errors: ["spec.selector.matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'"]),
        Case(name: "data source of the core group that is not a claim",
             spec: #"{"accessModes":["ReadWriteOnce"],"dataSource":{"kind":"Pod","name":"p"},"resources":{"requests":{"storage":"1Gi"}}}"#,
             errors: [#"spec.dataSource: Invalid value: "Pod": must be 'PersistentVolumeClaim' when referencing the default apiGroup"#,
                      #"spec.dataSourceRef: Invalid value: "Pod": must be 'PersistentVolumeClaim' when referencing the default apiGroup"#]),
        Case(name: "data source and ref that disagree",
             spec: #"{"accessModes":["ReadWriteOnce"],"dataSource":{"kind":"PersistentVolumeClaim","name":"a"},"dataSourceRef":{"kind":"PersistentVolumeClaim","name":"b"},"resources":{"requests":{"storage":"1Gi"}}}"#,
             errors: ["spec: Invalid value: spec.dataSource: must match dataSourceRef"]),
    ]

    @Test(arguments: invalid)
    func invalidClaimsAreRefused(_ example: Case) throws {
        let claim = try Self.stored(#"{"metadata":{"name":"c"},"spec":\#(example.spec)}"#)
        #expect(StorageFixtures.problems(claim) == example.errors)
    }

    @Test func dataSourceFillsDataSourceRef() throws {
        let claim = try Self.stored(#"""
            {"metadata":{"name":"clone"},"spec":{"accessModes":["ReadWriteOnce"],"resources":{"requests":{"storage":"1Gi"}},
             "dataSource":{"kind":"PersistentVolumeClaim","name":"data"}}}
            """#)
        #expect(claim.spec?.dataSourceRef == TypedObjectReference(kind: "PersistentVolumeClaim", name: "data"))
        #expect(StorageFixtures.problems(claim) == [])
    }

    struct Resize: Sendable, CustomTestStringConvertible {
        var name: String
        var request: String
        var capacity: String
        var newRequest: String
        var errors: [String]
        var testDescription: String { name }
    }

    static let resizes: [Resize] = [
        Resize(name: "growing a bound claim", request: "10Gi", capacity: "10Gi", newRequest: "20Gi", errors: []),
        Resize(name: "keeping the size", request: "10Gi", capacity: "10Gi", newRequest: "10Gi", errors: []),
        Resize(name: "shrinking a bound claim", request: "10Gi", capacity: "10Gi", newRequest: "5Gi",
               errors: ["spec.resources.requests.storage: Forbidden: field can not be less than status.capacity"]),
        Resize(name: "undoing an expansion the volume has not reached", request: "20Gi", capacity: "10Gi", newRequest: "15Gi", errors: []),
        Resize(name: "undoing an expansion down to the volume's size", request: "20Gi", capacity: "10Gi", newRequest: "10Gi",
               errors: ["spec.resources.requests.storage: Forbidden: field can not be less than status.capacity"]),
    ]

    @Test(arguments: resizes)
    func boundClaimsResize(_ example: Resize) throws {
        let old = try Self.bound(size: example.request, capacity: example.capacity)
        var new = old
        new.spec?.resources?.requests?["storage"] = try Quantity(parsing: example.newRequest)
        new.status = nil
        #expect(StorageFixtures.updateProblems(StorageFixtures.updated(new, from: old), old: old) == example.errors)
    }

    static let immutableMessage = "spec: Forbidden: spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims"

    @Test func boundClaimKeepsItsClass() throws {
        let old = try Self.bound(size: "10Gi", capacity: "10Gi")
        var new = old
        new.spec?.storageClassName = "nfs"
        let problems = StorageFixtures.updateProblems(StorageFixtures.updated(new, from: old), old: old)
        #expect(StorageFixtures.firstLines(problems) == [Self.immutableMessage])
        #expect(problems.first?.contains(#"- \#tStorageClassName: "local-lvm","#) == true)
        #expect(problems.first?.contains(#"+ \#tStorageClassName: "nfs","#) == true)
    }

    @Test func pendingClaimMayNotResize() throws {
        let old = try Self.stored(Self.dynamicClaim)
        var new = old
        new.spec?.resources?.requests?["storage"] = try Quantity(parsing: "5Gi")
        #expect(StorageFixtures.firstLines(StorageFixtures.updateProblems(StorageFixtures.updated(new, from: old), old: old))
            == [Self.immutableMessage])
    }

    @Test func binderMaySetVolumeNameOnce() throws {
        let old = try Self.stored(Self.dynamicClaim)
        var bound = old
        bound.spec?.volumeName = "pvc-1"
        #expect(StorageFixtures.updateProblems(StorageFixtures.updated(bound, from: old), old: old) == [])

        var moved = bound
        moved.spec?.volumeName = "pvc-2"
        #expect(StorageFixtures.firstLines(StorageFixtures.updateProblems(StorageFixtures.updated(moved, from: bound), old: bound))
            == [Self.immutableMessage])
    }

    @Test func unsetClassMayBeSetLater() throws {
        let old = try Self.stored(Self.dynamicClaim)
        var new = old
        new.spec?.storageClassName = "local-lvm"
        #expect(StorageFixtures.updateProblems(StorageFixtures.updated(new, from: old), old: old) == [])

        var changed = new
        changed.spec?.storageClassName = "nfs"
        #expect(StorageFixtures.firstLines(StorageFixtures.updateProblems(StorageFixtures.updated(changed, from: new), old: new))
            == [Self.immutableMessage])
    }

    @Test func volumeModeIsImmutable() throws {
        let old = try Self.stored(Self.dynamicClaim)
        var new = old
        new.spec?.volumeMode = "Block"
        let problems = StorageFixtures.updateProblems(StorageFixtures.updated(new, from: old), old: old)
        #expect(StorageFixtures.firstLines(problems) == [Self.immutableMessage, #"volumeMode: Invalid value: "Block": field is immutable"#])
    }

    @Test func updatesKeepTheStoredStatus() throws {
        let old = try Self.bound(size: "10Gi", capacity: "10Gi")
        var new = old
        new.status = PersistentVolumeClaimStatus(phase: "Lost")
        #expect(StorageFixtures.updated(new, from: old).status == old.status)
    }

    @Test func tableShowsWhatKubectlShows() throws {
        var pending = try Self.stored(Self.dynamicClaim)
        pending.metadata.creationTimestamp = StorageFixtures.creationTime
        #expect(PersistentVolumeClaim.allTableColumns.map(\.name) == [
            "Name", "Status", "Volume", "Capacity", "Access Modes", "StorageClass", "VolumeAttributesClass", "Age", "VolumeMode",
        ])
        #expect(pending.tableCells(now: StorageFixtures.now) == [
            "mydisk", "Pending", "", "", "", "", "<unset>", "5m", "Filesystem",
        ].map(JSONValue.string))

        var bound = try Self.bound(size: "10Gi", capacity: "12Gi")
        bound.metadata.creationTimestamp = StorageFixtures.creationTime
        #expect(bound.tableCells(now: StorageFixtures.now) == [
            "data", "Bound", "pvc-1234", "12Gi", "RWO", "local-lvm", "<unset>", "5m", "Filesystem",
        ].map(JSONValue.string))
    }
}
