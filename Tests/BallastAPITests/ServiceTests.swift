import BallastAPI
import Foundation
import Testing

@Suite("Service")
struct ServiceTests {
    /// examples/service-nginx.yaml.
    static let nginx = """
        {"apiVersion":"v1","kind":"Service","metadata":{"name":"nginx-svc","labels":{"app":"nginx"}},
         "spec":{"type":"NodePort","ports":[{"port":8080,"nodePort":31472,"targetPort":80}],"selector":{"app":"nginx"}}}
        """

    /// A service as the server stores it: decoded in "default", created, given a cluster IP.
    static func stored(_ json: String = nginx, clusterIP: String? = "10.43.0.10") throws -> Service {
        var service = try StorageFixtures.decode(Service.self, json)
        service.metadata.namespace = "default"
        service = StorageFixtures.created(service)
        if let clusterIP, service.spec?.type != "ExternalName" {
            service.spec?.clusterIP = clusterIP
            service.spec?.clusterIPs = [clusterIP]
        }
        return service
    }

    @Test func resourceInfo() throws {
        _ = try StorageFixtures.decode(Service.self, #"{"metadata":{}}"#)
        let info = Service.resource
        #expect(info.plural == "services")
        #expect(info.shortNames == ["svc"])
        #expect(info.categories == ["all"])
        #expect(info.namespaced)
        #expect(info.hasStatus)
    }

    @Test func exampleDecodesDefaultsAndValidates() throws {
        let service = try Self.stored()
        #expect(StorageFixtures.problems(service) == [])
        #expect(service.spec?.ports == [ServicePort(protocol: "TCP", port: 8080, targetPort: .int(80), nodePort: 31472)])
        #expect(service.spec?.sessionAffinity == "None")
        #expect(service.spec?.externalTrafficPolicy == "Cluster")
        #expect(service.spec?.internalTrafficPolicy == "Cluster")
    }

    @Test func portDefaults() throws {
        let service = try Self.stored(#"""
            {"metadata":{"name":"web"},"spec":{"ports":[{"name":"http","port":80},{"name":"dns","port":53,"protocol":"UDP","targetPort":"dns-port"}]}}
            """#)
        #expect(service.spec?.type == "ClusterIP")
        #expect(service.spec?.ports == [
            ServicePort(name: "http", protocol: "TCP", port: 80, targetPort: .int(80)),
            ServicePort(name: "dns", protocol: "UDP", port: 53, targetPort: .string("dns-port")),
        ])
        #expect(service.spec?.externalTrafficPolicy == nil)
        #expect(StorageFixtures.problems(service) == [])
    }

    @Test func clientIPAffinityGetsItsTimeout() throws {
        let service = try Self.stored(#"{"metadata":{"name":"web"},"spec":{"sessionAffinity":"ClientIP","ports":[{"port":80}]}}"#)
        #expect(service.spec?.sessionAffinityConfig?.clientIP?.timeoutSeconds == 10800)
    }

    @Test func singularClusterIPFillsThePlural() throws {
        let service = try Self.stored(#"{"metadata":{"name":"web"},"spec":{"clusterIP":"10.43.0.20","ports":[{"port":80}]}}"#, clusterIP: nil)
        #expect(service.spec?.clusterIPs == ["10.43.0.20"])
        #expect(StorageFixtures.problems(service) == [])
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var spec: String
        var errors: [String]
        var testDescription: String { name }
    }

    static let invalid: [Case] = [
        Case(name: "no ports", spec: "{}", errors: ["spec.ports: Required value"]),
        Case(name: "port out of range", spec: #"{"ports":[{"port":70000}]}"#,
             errors: ["spec.ports[0].port: Invalid value: 70000: must be between 1 and 65535, inclusive",
                      "spec.ports[0].targetPort: Invalid value: 70000: must be between 1 and 65535, inclusive"]),
        Case(name: "unnamed ports", spec: #"{"ports":[{"port":80},{"port":443}]}"#,
             errors: ["spec.ports[0].name: Required value", "spec.ports[1].name: Required value"]),
        Case(name: "repeated port names", spec: #"{"ports":[{"name":"web","port":80},{"name":"web","port":443}]}"#,
             errors: [#"spec.ports[1].name: Duplicate value: "web""#]),
        Case(name: "repeated ports", spec: #"{"ports":[{"name":"a","port":80},{"name":"b","port":80}]}"#,
             errors: [#"spec.ports[1]: Duplicate value: core.ServicePort{Name:"", Protocol:"TCP", AppProtocol:(*string)(nil), Port:80, TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:""}, NodePort:0}"#]),
        Case(name: "bad protocol", spec: #"{"ports":[{"port":80,"protocol":"HTTP"}]}"#,
             errors: [#"spec.ports[0].protocol: Unsupported value: "HTTP": supported values: "SCTP", "TCP", "UDP""#]),
        Case(name: "bad target port name", spec: #"{"ports":[{"port":80,"targetPort":"HTTP_PORT"}]}"#,
             errors: [#"spec.ports[0].targetPort: Invalid value: "HTTP_PORT": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)"#]),
        Case(name: "node port on a ClusterIP service", spec: #"{"ports":[{"port":80,"nodePort":30080}]}"#,
             errors: ["spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'"]),
        Case(name: "node port out of range", spec: #"{"type":"NodePort","ports":[{"port":80,"nodePort":8080}]}"#,
             errors: ["spec.ports[0].nodePort: Invalid value: 8080: provided port is not in the valid range. The range of valid ports is 30000-32767"]),
        Case(name: "unknown type", spec: #"{"type":"Magic","ports":[{"port":80}]}"#,
             errors: [#"spec.type: Unsupported value: "Magic": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort""#]),
        Case(name: "ExternalName without a name", spec: #"{"type":"ExternalName"}"#,
             errors: ["spec.externalName: Required value"]),
        Case(name: "loopback external IP", spec: #"{"ports":[{"port":80}],"externalIPs":["127.0.0.1"]}"#,
             errors: [#"spec.externalIPs[0]: Invalid value: "127.0.0.1": may not be in the loopback range (127.0.0.0/8, ::1/128)"#]),
        Case(name: "bad selector", spec: #"{"ports":[{"port":80}],"selector":{"app":"web server"}}"#,
             errors: [#"spec.selector[app]: Invalid value: "web server": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"#]),
    ]

    @Test(arguments: invalid)
    func invalidServicesAreRefused(_ example: Case) throws {
        let service = try Self.stored(#"{"metadata":{"name":"web"},"spec":\#(example.spec)}"#)
        #expect(StorageFixtures.problems(service) == example.errors)
    }

    @Test func nameIsADNS1035Label() throws {
        let service = try Self.stored(#"{"metadata":{"name":"1web"},"spec":{"ports":[{"port":80}]}}"#)
        #expect(StorageFixtures.problems(service) == [
            #"metadata.name: Invalid value: "1web": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')"#,
        ])
    }

    @Test func replaceKeepsAllocatedValues() throws {
        let old = try Self.stored()
        var new = try StorageFixtures.decode(Service.self, #"""
            {"metadata":{"name":"nginx-svc","namespace":"default"},"spec":{"type":"NodePort","ports":[{"port":8080,"targetPort":80}],"selector":{"app":"nginx"}}}
            """#)
        new = StorageFixtures.updated(new, from: old)
        #expect(new.spec?.clusterIP == "10.43.0.10")
        #expect(new.spec?.clusterIPs == ["10.43.0.10"])
        #expect(new.spec?.ports?.first?.nodePort == 31472)
        #expect(StorageFixtures.updateProblems(new, old: old) == [])
    }

    @Test func clusterIPMayNotChange() throws {
        let old = try Self.stored()
        var new = old
        new.spec?.clusterIP = "10.43.0.99"
        new = StorageFixtures.updated(new, from: old)
        #expect(new.spec?.clusterIPs == ["10.43.0.99"])
        #expect(StorageFixtures.updateProblems(new, old: old) == [
            #"spec.clusterIPs[0]: Invalid value: []string{"10.43.0.99"}: may not change once set"#,
        ])
    }

    @Test func tableShowsPortsAndAddresses() throws {
        var service = try Self.stored()
        service.metadata.creationTimestamp = StorageFixtures.creationTime
        #expect(Service.allTableColumns.map(\.name) == ["Name", "Type", "Cluster-IP", "External-IP", "Port(s)", "Age", "Selector"])
        #expect(service.tableCells(now: StorageFixtures.now) == [
            "nginx-svc", "NodePort", "10.43.0.10", "<none>", "8080:31472/TCP", "5m", "app=nginx",
        ].map(JSONValue.string))

        var balancer = try Self.stored(#"{"metadata":{"name":"lb"},"spec":{"type":"LoadBalancer","ports":[{"port":80,"nodePort":30080},{"name":"b","port":53,"protocol":"UDP"}]}}"#)
        #expect(balancer.tableCells(now: StorageFixtures.now)[3] == "<pending>")
        #expect(balancer.tableCells(now: StorageFixtures.now)[4] == "80:30080/TCP,53/UDP")
        balancer.status = ServiceStatus(loadBalancer: LoadBalancerStatus(ingress: [LoadBalancerIngress(ip: "192.168.1.50")]))
        #expect(balancer.tableCells(now: StorageFixtures.now)[3] == "192.168.1.50")

        let external = try Self.stored(#"{"metadata":{"name":"db"},"spec":{"type":"ExternalName","externalName":"db.example.com"}}"#)
        #expect(StorageFixtures.problems(external) == [])
        #expect(Array(external.tableCells(now: StorageFixtures.now)[1...4]) == ["ExternalName", "<none>", "db.example.com", "<none>"].map(JSONValue.string))
    }

    @Test func selectableFields() throws {
        #expect(try Self.stored().selectableFields == ["spec.clusterIP": "10.43.0.10", "spec.type": "NodePort"])
    }
}
