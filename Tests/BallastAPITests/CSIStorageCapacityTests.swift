import BallastAPI
import Foundation
import Testing

@Suite("CSIStorageCapacity")
struct CSIStorageCapacityTests {
    static let record = """
        {"apiVersion":"storage.k8s.io/v1","kind":"CSIStorageCapacity","metadata":{"name":"node-1-local-lvm","namespace":"kube-system"},
         "nodeTopology":{"matchLabels":{"kubernetes.io/hostname":"node-1"}},"storageClassName":"local-lvm",
         "capacity":"100Gi","maximumVolumeSize":"50Gi"}
        """

    @Test func resourceInfo() throws {
        _ = try StorageFixtures.decode(CSIStorageCapacity.self, #"{"metadata":{}}"#)
        let info = CSIStorageCapacity.resource
        #expect(info.gvk.apiVersion == "storage.k8s.io/v1")
        #expect(info.plural == "csistoragecapacities")
        #expect(info.singular == "csistoragecapacity")
        #expect(info.shortNames.isEmpty)
        #expect(info.namespaced)
    }

    @Test func decodesAndValidates() throws {
        let record = StorageFixtures.created(try StorageFixtures.decode(CSIStorageCapacity.self, Self.record))
        #expect(StorageFixtures.problems(record) == [])
        #expect(record.largestVolume == (try Quantity(parsing: "50Gi")))
        #expect(record.nodeTopology?.matches(["kubernetes.io/hostname": "node-1"]) == true)
    }

    @Test func classIsRequiredAndFixed() throws {
        var record = try StorageFixtures.decode(CSIStorageCapacity.self, #"{"metadata":{"name":"c","namespace":"kube-system"}}"#)
        #expect(record.validate().map(\.description).first?.hasPrefix(#"storageClassName: Invalid value: "": a lowercase RFC 1123 subdomain"#) == true)
        let old = StorageFixtures.created(try StorageFixtures.decode(CSIStorageCapacity.self, Self.record))
        record = old
        record.storageClassName = "nfs"
        record.capacity = try Quantity(parsing: "90Gi")
        #expect(StorageFixtures.updateProblems(record, old: old) == [#"storageClassName: Invalid value: "nfs": field is immutable"#])
    }

    @Test func tableHasNoAge() throws {
        let record = try StorageFixtures.decode(CSIStorageCapacity.self, Self.record)
        #expect(CSIStorageCapacity.allTableColumns.map(\.name) == ["Name", "StorageClassName", "Capacity"])
        #expect(record.tableCells(now: StorageFixtures.now) == ["node-1-local-lvm", "local-lvm", "100Gi"].map(JSONValue.string))
        var unknown = record
        unknown.capacity = nil
        #expect(unknown.tableCells(now: StorageFixtures.now).last == "<unset>")
    }
}
