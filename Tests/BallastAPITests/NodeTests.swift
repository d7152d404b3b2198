import BallastAPI
import Foundation
import Testing

@Suite("Node")
struct NodeTests {
    static let node = """
        {"apiVersion":"v1","kind":"Node",
         "metadata":{"name":"node-1","labels":{"node-role.kubernetes.io/control-plane":"","node-role.kubernetes.io/storage":"","kubernetes.io/role":"worker"}},
         "spec":{"podCIDR":"10.42.0.0/24","podCIDRs":["10.42.0.0/24"]},
         "status":{"capacity":{"cpu":"2","memory":"4Gi","pods":"110"},
                   "conditions":[{"type":"Ready","status":"True","lastHeartbeatTime":"2026-01-01T00:00:00Z","lastTransitionTime":"2026-01-01T00:00:00Z","reason":"KubeletReady"}],
                   "addresses":[{"type":"InternalIP","address":"192.168.1.10"},{"type":"Hostname","address":"node-1"}],
                   "daemonEndpoints":{"kubeletEndpoint":{"Port":10250}},
                   "nodeInfo":{"kubeletVersion":"v1.32.0-ballast","osImage":"Debian GNU/Linux 12 (bookworm)","kernelVersion":"6.1.0-18-amd64","containerRuntimeVersion":"crun://1.8.1","operatingSystem":"linux","architecture":"amd64"}}}
        """

    static func stored() throws -> Node { StorageFixtures.created(try StorageFixtures.decode(Node.self, node)) }

    @Test func resourceInfo() throws {
        _ = try StorageFixtures.decode(Node.self, #"{"metadata":{}}"#)
        let info = Node.resource
        #expect(info.plural == "nodes")
        #expect(info.shortNames == ["no"])
        #expect(!info.namespaced)
        #expect(info.hasStatus)
    }

    @Test func registrationKeepsTheStatusAndDefaultsAllocatable() throws {
        let node = try Self.stored()
        #expect(StorageFixtures.problems(node) == [])
        #expect(node.isReady)
        #expect(node.status?.allocatable == node.status?.capacity)
        #expect(node.status?.daemonEndpoints?.kubeletEndpoint?.port == 10250)
        #expect(StorageFixtures.json(node)[path: ["status", "daemonEndpoints", "kubeletEndpoint", "Port"]] == .int(10250))
    }

    @Test func updatesKeepTheStatus() throws {
        let old = try Self.stored()
        var new = old
        new.status?.conditions = []
        new.spec?.unschedulable = true
        let updated = StorageFixtures.updated(new, from: old)
        #expect(updated.status == old.status)
        #expect(updated.spec?.unschedulable == true)
    }

    @Test(arguments: [
        (#"[{"key":"dedicated","value":"storage","effect":"NoSchedule"}]"#, [String]()),
        (#"[{"key":"dedicated","effect":"Sometimes"}]"#,
         [#"metadata.taints[0].effect: Unsupported value: "Sometimes": supported values: "NoSchedule", "PreferNoSchedule", "NoExecute""#]),
        (#"[{"key":"dedicated","effect":""}]"#, ["metadata.taints[0].effect: Required value"]),
        (#"[{"key":"a","effect":"NoSchedule"},{"key":"a","value":"x","effect":"NoSchedule"}]"#,
         [#"metadata.taints[1]: Duplicate value: core.Taint{Key:"a", Value:"x", Effect:"NoSchedule", TimeAdded:(*v1.Time)(nil)}: taints must be unique by key and effect pair"#]),
        (#"[{"key":"a","value":"bad value","effect":"NoExecute"}]"#,
         [#"metadata.taints[0].value: Invalid value: "bad value": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"#]),
    ])
    func taints(taints: String, errors: [String]) throws {
        let node = try StorageFixtures.decode(Node.self, #"{"metadata":{"name":"n"},"spec":{"taints":\#(taints)}}"#)
        #expect(node.validate().map(\.description) == errors)
    }

    @Test func podCIDRAndProviderIDAreSetOnce() throws {
        let old = try Self.stored()
        var new = old
        new.spec?.podCIDRs = ["10.43.0.0/24"]
        new.spec?.providerID = "ballast://node-1"
        #expect(StorageFixtures.updateProblems(StorageFixtures.updated(new, from: old), old: old) == [
            #"spec.podCIDRs: Forbidden: node updates may not change podCIDR except from "" to valid"#,
        ])
        var again = StorageFixtures.updated(new, from: old)
        again.spec?.podCIDRs = old.spec?.podCIDRs
        var changed = again
        changed.spec?.providerID = "ballast://node-2"
        #expect(StorageFixtures.updateProblems(changed, old: again) == [
            #"spec.providerID: Forbidden: node updates may not change providerID except from "" to valid"#,
        ])
    }

    @Test func podCIDRsAreOnePerFamily() throws {
        let node = try StorageFixtures.decode(Node.self, #"{"metadata":{"name":"n"},"spec":{"podCIDRs":["10.0.0.0/24","10.1.0.0/24"]}}"#)
        #expect(node.validate().map(\.description) == [
            #"spec.podCIDRs: Invalid value: []string{"10.0.0.0/24", "10.1.0.0/24"}: may specify no more than one CIDR for each IP family"#,
        ])
        let dual = try StorageFixtures.decode(Node.self, #"{"metadata":{"name":"n"},"spec":{"podCIDRs":["10.0.0.0/24","fd00::/64"]}}"#)
        #expect(dual.validate() == [])
        let bad = try StorageFixtures.decode(Node.self, #"{"metadata":{"name":"n"},"spec":{"podCIDRs":["10.0.0.0/33"]}}"#)
        #expect(bad.validate().map(\.description) == [
            #"spec.podCIDRs[0]: Invalid value: "10.0.0.0/33": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)"#,
        ])
    }

    @Test func tableShowsStatusRolesAndWideColumns() throws {
        var node = try Self.stored()
        node.metadata.creationTimestamp = StorageFixtures.creationTime
        #expect(Node.allTableColumns.map(\.name) == [
            "Name", "Status", "Roles", "Age", "Version", "Internal-IP", "External-IP", "OS-Image", "Kernel-Version", "Container-Runtime",
        ])
        #expect(Node.allTableColumns.map(\.priority) == [0, 0, 0, 0, 0, 1, 1, 1, 1, 1])
        #expect(node.tableCells(now: StorageFixtures.now) == [
            "node-1", "Ready", "control-plane,storage,worker", "5m", "v1.32.0-ballast", "192.168.1.10", "<none>",
            "Debian GNU/Linux 12 (bookworm)", "6.1.0-18-amd64", "crun://1.8.1",
        ].map(JSONValue.string))
    }

    @Test(arguments: [
        ("True", false, "Ready"), ("False", false, "NotReady"), ("Unknown", true, "NotReady,SchedulingDisabled"), ("", false, "Unknown"),
    ])
    func statusCell(ready: String, cordoned: Bool, shown: String) throws {
        var node = try Self.stored()
        node.status?.conditions = ready.isEmpty ? [] : [NodeCondition(type: "Ready", status: ready)]
        node.spec?.unschedulable = cordoned
        #expect(node.tableCells(now: StorageFixtures.now)[1] == .string(shown))
        #expect(node.selectableFields == ["spec.unschedulable": cordoned ? "true" : "false"])
    }

    @Test func nodeWithoutRolesOrInfo() throws {
        let node = try StorageFixtures.decode(Node.self, #"{"metadata":{"name":"bare"}}"#)
        let cells = node.tableCells(now: StorageFixtures.now)
        #expect(cells[1] == "Unknown")
        #expect(cells[2] == "<none>")
        #expect(cells[3] == "<unknown>")
        #expect(Array(cells[5...]) == ["<none>", "<none>", "<unknown>", "<unknown>", "<unknown>"].map(JSONValue.string))
    }
}
