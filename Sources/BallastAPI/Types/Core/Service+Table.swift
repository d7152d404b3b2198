public import Foundation

/// `kubectl get svc`, as printService prints it (wide, as the API server prints it).
extension Service {
    public static var tableColumns: [TableColumn] {
        [
            TableColumn("Type", description: "type determines how the Service is exposed."),
            TableColumn("Cluster-IP", description: "clusterIP is the IP address of the service and is usually assigned randomly."),
            TableColumn("External-IP", description: "externalIPs is a list of IP addresses for which nodes in the cluster will also accept traffic for this service."),
            TableColumn("Port(s)", description: "The list of ports that are exposed by this service."),
            TableColumn.age,
            TableColumn("Selector", priority: 1, description: "Route service traffic to pods with label keys and values matching this selector."),
        ]
    }

    public func tableCells(now: Date) -> [JSONValue] {
        let spec = self.spec ?? ServiceSpec()
        let ports = (spec.ports ?? []).map { port -> String in
            let proto = port.protocol ?? ""
            if let nodePort = port.nodePort, nodePort > 0 { return "\(port.port):\(nodePort)/\(proto)" }
            return "\(port.port)/\(proto)"
        }.joined(separator: ",")
        let selector = (spec.selector ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
        return [
            .string(name),
            .string(spec.type ?? ""),
            .string(spec.clusterIPs?.first ?? "<none>"),
            .string(externalIPText),
            .string(ports.isEmpty ? "<none>" : ports),
            .string(HumanDuration.since(metadata.creationTimestamp, now: now)),
            .string(selector.isEmpty ? "<none>" : selector),
        ]
    }

    /// getServiceExternalIP: external IPs, or the load balancer's addresses ("<pending>"
    /// until it has some), or the external name.
    private var externalIPText: String {
        let externalIPs = spec?.externalIPs ?? []
        switch spec?.type ?? "" {
        case ServiceType.clusterIP, ServiceType.nodePort:
            return externalIPs.isEmpty ? "<none>" : externalIPs.joined(separator: ",")
        case ServiceType.loadBalancer:
            let addresses = Set((status?.loadBalancer?.ingress ?? []).compactMap { ingress -> String? in
                if let ip = ingress.ip, !ip.isEmpty { return ip }
                if let hostname = ingress.hostname, !hostname.isEmpty { return hostname }
                return nil
            }).sorted()
            if !externalIPs.isEmpty { return (addresses + externalIPs).joined(separator: ",") }
            return addresses.isEmpty ? "<pending>" : addresses.joined(separator: ",")
        case ServiceType.externalName:
            return spec?.externalName ?? ""
        default:
            return "<unknown>"
        }
    }
}
