import BallastAPI
import Foundation
import Testing

@Suite("Lease")
struct LeaseTests {
    static let lease = """
        {"apiVersion":"coordination.k8s.io/v1","kind":"Lease","metadata":{"name":"node-1","namespace":"kube-node-lease"},
         "spec":{"holderIdentity":"node-1","leaseDurationSeconds":40,"renewTime":"2026-01-02T03:04:05.123456Z"}}
        """

    @Test func resourceInfo() throws {
        _ = try StorageFixtures.decode(Lease.self, #"{"metadata":{}}"#)
        let info = Lease.resource
        #expect(info.gvk.apiVersion == "coordination.k8s.io/v1")
        #expect(info.plural == "leases")
        #expect(info.singular == "lease")
        #expect(info.namespaced)
        #expect(!info.hasStatus)
    }

    @Test func renewTimeKeepsMicroseconds() throws {
        let lease = try StorageFixtures.decode(Lease.self, Self.lease)
        #expect(StorageFixtures.problems(lease) == [])
        #expect(StorageFixtures.json(lease)[path: ["spec", "renewTime"]] == "2026-01-02T03:04:05.123456Z")
    }

    @Test(arguments: [
        (#"{"leaseDurationSeconds":0}"#, ["spec.leaseDurationSeconds: Invalid value: 0: must be greater than 0"]),
        (#"{"leaseTransitions":-1}"#, ["spec.leaseTransitions: Invalid value: -1: must be greater than or equal to 0"]),
        (#"{"preferredHolder":"a"}"#, ["spec.preferredHolder: Forbidden: may only be specified if `strategy` is defined"]),
        (#"{"strategy":"Newest"}"#, [#"spec.strategy: Unsupported value: "Newest": supported values: "OldestEmulationVersion""#]),
        (#"{"strategy":"OldestEmulationVersion","preferredHolder":"a"}"#, []),
    ])
    func specRules(spec: String, errors: [String]) throws {
        let lease = try StorageFixtures.decode(Lease.self, #"{"metadata":{"name":"l","namespace":"default"},"spec":\#(spec)}"#)
        #expect(lease.validate().map(\.description) == errors)
    }

    @Test func tableShowsTheHolder() throws {
        var lease = try StorageFixtures.decode(Lease.self, Self.lease)
        lease.metadata.creationTimestamp = StorageFixtures.creationTime
        #expect(Lease.allTableColumns.map(\.name) == ["Name", "Holder", "Age"])
        #expect(lease.tableCells(now: StorageFixtures.now) == ["node-1", "node-1", "5m"].map(JSONValue.string))
    }
}
