/// How the API server stores and serves Nodes (pkg/registry/core/node).
extension Node: APIResource {
    public static let resource = ResourceInfo(
        gvk: gvk, plural: "nodes", singular: "node", shortNames: ["no"], namespaced: false, hasStatus: true)

    /// SetDefaults_NodeStatus: allocatable is the capacity until the agent says otherwise.
    public mutating func applyDefaults() {
        if var status, status.allocatable == nil, let capacity = status.capacity {
            status.allocatable = capacity
            self.status = status
        }
    }

    /// A node's agent registers it with its status, so creation keeps the status.
    public mutating func prepareForCreate() {}

    /// kubectl cordon users select on spec.unschedulable.
    public var selectableFields: [String: String] { ["spec.unschedulable": isUnschedulable ? "true" : "false"] }
}
