import BallastAPI
import Foundation
import Testing

@Suite("Endpoints")
struct EndpointsTests {
    static func endpoints(_ subsets: String) throws -> Endpoints {
        var endpoints = try StorageFixtures.decode(Endpoints.self, #"{"metadata":{"name":"web","namespace":"default"},"subsets":\#(subsets)}"#)
        endpoints.applyDefaults()
        return endpoints
    }

    @Test func resourceInfo() throws {
        _ = try StorageFixtures.decode(Endpoints.self, #"{"metadata":{}}"#)
        let info = Endpoints.resource
        #expect(info.plural == "endpoints")
        #expect(info.singular == "endpoints")
        #expect(info.shortNames == ["ep"])
        #expect(info.namespaced)
    }

    @Test func portsDefaultToTCPAndValidate() throws {
        let endpoints = try Self.endpoints(#"[{"addresses":[{"ip":"10.42.0.5"}],"ports":[{"port":80}]}]"#)
        #expect(endpoints.subsets?.first?.ports?.first?.protocol == "TCP")
        #expect(StorageFixtures.problems(endpoints) == [])
    }

    @Test(arguments: [
        (#"[{"ports":[{"port":80}]}]"#, ["subsets[0]: Required value: must specify `addresses` or `notReadyAddresses`"]),
        (#"[{"addresses":[{"ip":"10.42.0"}]}]"#, [
            #"subsets[0].addresses[0].ip: Invalid value: "10.42.0": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"#,
            #"subsets[0].addresses[0].ip: Invalid value: "10.42.0": must be a valid IP address"#,
        ]),
        (#"[{"addresses":[{"ip":"169.254.1.1"}]}]"#, [
            #"subsets[0].addresses[0].ip: Invalid value: "169.254.1.1": may not be in the link-local range (169.254.0.0/16, fe80::/10)"#,
        ]),
        (#"[{"addresses":[{"ip":"10.42.0.5"}],"ports":[{"port":80},{"name":"b","port":81}]}]"#, ["subsets[0].ports[0].name: Required value"]),
    ])
    func invalidSubsets(subsets: String, errors: [String]) throws {
        #expect(try Self.endpoints(subsets).validate().map(\.description) == errors)
    }

    @Test(arguments: [
        ("[]", "<none>"),
        (#"[{"addresses":[{"ip":"10.42.0.5"},{"ip":"10.42.0.6"}],"ports":[{"port":80}]}]"#, "10.42.0.5:80,10.42.0.6:80"),
        (#"[{"addresses":[{"ip":"10.42.0.5"}]}]"#, "10.42.0.5"),
        (#"[{"addresses":[{"ip":"fd00::5"}],"ports":[{"port":80}]}]"#, "[fd00::5]:80"),
        (#"[{"addresses":[{"ip":"10.0.0.1"},{"ip":"10.0.0.2"},{"ip":"10.0.0.3"},{"ip":"10.0.0.4"},{"ip":"10.0.0.5"}],"ports":[{"port":80}]}]"#,
         "10.0.0.1:80,10.0.0.2:80,10.0.0.3:80 + 2 more..."),
    ])
    func table(subsets: String, shown: String) throws {
        var endpoints = try Self.endpoints(subsets)
        endpoints.metadata.creationTimestamp = StorageFixtures.creationTime
        #expect(Endpoints.allTableColumns.map(\.name) == ["Name", "Endpoints", "Age"])
        #expect(endpoints.tableCells(now: StorageFixtures.now) == ["web", shown, "5m"].map(JSONValue.string))
    }
}
