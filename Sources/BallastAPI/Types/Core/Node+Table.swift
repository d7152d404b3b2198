public import Foundation

/// `kubectl get nodes`, as printNode prints it (the wide columns always filled, as the API
/// server does).
extension Node {
    public static var tableColumns: [TableColumn] {
        [
            TableColumn("Status", description: "The status of the node"),
            TableColumn("Roles", description: "The roles of the node"),
            TableColumn.age,
            TableColumn("Version", description: "Kubelet Version reported by the node."),
            TableColumn("Internal-IP", priority: 1, description: "List of addresses reachable to the node."),
            TableColumn("External-IP", priority: 1, description: "List of addresses reachable to the node."),
            TableColumn("OS-Image", priority: 1, description: "OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy))."),
            TableColumn("Kernel-Version", priority: 1, description: "Kernel Version reported by the node from 'uname -r' (e.g. 3.16.0-0.bpo.4-amd64)."),
            TableColumn("Container-Runtime", priority: 1, description: "ContainerRuntime Version reported by the node through runtime remote API (e.g. containerd://1.4.2)."),
        ]
    }

    /// Status is Ready, NotReady or Unknown (no Ready condition), then ",SchedulingDisabled"
    /// for a cordoned node.
    public func tableCells(now: Date) -> [JSONValue] {
        var status: [String] = []
        if let ready = readyCondition {
            status.append(ready.status == "True" ? "Ready" : "NotReady")
        } else {
            status.append("Unknown")
        }
        if isUnschedulable { status.append("SchedulingDisabled") }
        let roles = self.roles.joined(separator: ",")
        let info = self.status?.nodeInfo
        func known(_ text: String?) -> String { (text ?? "").isEmpty ? "<unknown>" : (text ?? "") }
        return [
            .string(name),
            .string(status.joined(separator: ",")),
            .string(roles.isEmpty ? "<none>" : roles),
            .string(HumanDuration.since(metadata.creationTimestamp, now: now)),
            .string(info?.kubeletVersion ?? ""),
            .string(address(NodeAddress.internalIP) ?? "<none>"),
            .string(address(NodeAddress.externalIP) ?? "<none>"),
            .string(known(info?.osImage)),
            .string(known(info?.kernelVersion)),
            .string(known(info?.containerRuntimeVersion)),
        ]
    }
}
