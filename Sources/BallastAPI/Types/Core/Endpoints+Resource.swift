public import Foundation

/// How the API server stores and serves Endpoints (pkg/registry/core/endpoint).
extension Endpoints: APIResource {
    public static let resource = ResourceInfo(
        gvk: gvk, plural: "endpoints", singular: "endpoints", shortNames: ["ep"], namespaced: true)

    /// SetDefaults_Endpoints: ports are TCP unless they say otherwise.
    public mutating func applyDefaults() {
        guard var subsets else { return }
        for subset in subsets.indices {
            guard var ports = subsets[subset].ports else { continue }
            for index in ports.indices where (ports[index].protocol ?? "").isEmpty {
                ports[index].protocol = "TCP"
            }
            subsets[subset].ports = ports
        }
        self.subsets = subsets
    }

    /// validateEndpointSubsets: every subset has addresses, every address is a usable IP,
    /// ports are named when there are several.
    public func validate() -> [FieldError] {
        var errors: [FieldError] = []
        for (index, subset) in (subsets ?? []).enumerated() {
            let path = FieldPath("subsets").index(index)
            if (subset.addresses ?? []).isEmpty, (subset.notReadyAddresses ?? []).isEmpty {
                errors.append(.required(path, "must specify `addresses` or `notReadyAddresses`"))
            }
            for (position, address) in (subset.addresses ?? []).enumerated() {
                errors += Self.validate(address, field: path.child("addresses").index(position))
            }
            for (position, address) in (subset.notReadyAddresses ?? []).enumerated() {
                errors += Self.validate(address, field: path.child("notReadyAddresses").index(position))
            }
            let ports = subset.ports ?? []
            for (position, port) in ports.enumerated() {
                errors += Self.validate(port, requireName: ports.count > 1, field: path.child("ports").index(position))
            }
        }
        return errors
    }

    private static func validate(_ address: EndpointAddress, field: FieldPath) -> [FieldError] {
        var errors = ServiceIPAddress.validateIP(address.ip, field: field.child("ip"))
        if let hostname = address.hostname, !hostname.isEmpty {
            errors += NameRules.dns1123Label(hostname).map { FieldError.invalid(field.child("hostname"), hostname, $0) }
        }
        if let nodeName = address.nodeName {
            errors += NameRules.dns1123Subdomain(nodeName).map { FieldError.invalid(field.child("nodeName"), nodeName, $0) }
        }
        errors += ServiceIPAddress.validateNonSpecial(address.ip, field: field.child("ip"))
        return errors
    }

    private static func validate(_ port: EndpointPort, requireName: Bool, field: FieldPath) -> [FieldError] {
        var errors: [FieldError] = []
        let name = port.name ?? ""
        if requireName, name.isEmpty {
            errors.append(.required(field.child("name")))
        } else if !name.isEmpty {
            errors += NameRules.dns1123Label(name).map { FieldError.invalid(field.child("name"), name, $0) }
        }
        if !(1...65535).contains(port.port) {
            errors.append(.invalid(field.child("port"), number: port.port, "must be between 1 and 65535, inclusive"))
        }
        let proto = port.protocol ?? ""
        if proto.isEmpty {
            errors.append(.required(field.child("protocol")))
        } else if !["SCTP", "TCP", "UDP"].contains(proto) {
            errors.append(.notSupported(field.child("protocol"), proto, ["SCTP", "TCP", "UDP"]))
        }
        if let appProtocol = port.appProtocol {
            errors += NameRules.qualifiedName(appProtocol).map { FieldError.invalid(field.child("appProtocol"), appProtocol, $0) }
        }
        return errors
    }

    public static var tableColumns: [TableColumn] {
        [TableColumn("Endpoints", description: "The set of all endpoints is the union of all subsets."), TableColumn.age]
    }

    public func tableCells(now: Date) -> [JSONValue] {
        [.string(name), .string(endpointsText), .string(HumanDuration.since(metadata.creationTimestamp, now: now))]
    }

    /// formatEndpoints: up to three "ip:port" (or bare IPs for port-less subsets), then
    /// "+ N more...".
    var endpointsText: String {
        let subsets = self.subsets ?? []
        if subsets.isEmpty { return "<none>" }
        var list: [String] = []
        var count = 0
        var more = false
        func add(_ entries: [String]) {
            count += entries.count
            for entry in entries {
                if list.count == 3 {
                    more = true
                    break
                }
                list.append(entry)
            }
        }
        for subset in subsets {
            let addresses = subset.addresses ?? []
            let ports = subset.ports ?? []
            if ports.isEmpty {
                add(addresses.map(\.ip))
                continue
            }
            for port in ports {
                add(addresses.map { $0.ip.contains(":") ? "[\($0.ip)]:\(port.port)" : "\($0.ip):\(port.port)" })
            }
        }
        let text = list.joined(separator: ",")
        return more ? "\(text) + \(count - 3) more..." : text
    }
}
