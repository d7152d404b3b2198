public import Foundation

/// The DaemonSet printer: NAME DESIRED CURRENT READY UP-TO-DATE AVAILABLE NODE SELECTOR AGE,
/// and wide CONTAINERS IMAGES SELECTOR.
extension DaemonSet {
    public static var tableColumns: [TableColumn] {
        [
            TableColumn("Desired", type: "integer", description: "The total number of nodes that should be running the daemon pod (including nodes correctly running the daemon pod)."),
            TableColumn("Current", type: "integer", description: "The number of nodes that are running at least 1 daemon pod and are supposed to run the daemon pod."),
            TableColumn("Ready", type: "integer", description: "numberReady is the number of nodes that should be running the daemon pod and have one or more of the daemon pod running with a Ready Condition."),
            TableColumn("Up-to-date", type: "integer", description: "The total number of nodes that are running updated daemon pod"),
            TableColumn("Available", type: "integer", description: "The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and available (ready for at least spec.minReadySeconds)"),
            TableColumn("Node Selector", description: "NodeSelector is a selector which must be true for the pod to fit on a node. Selector which must match a node's labels for the pod to be scheduled on that node."),
            TableColumn.age,
            TableColumn("Containers", priority: 1, description: "Names of each container in the template."),
            TableColumn("Images", priority: 1, description: "Images referenced by each container in the template."),
            TableColumn("Selector", priority: 1, description: "A label query over pods that are managed by the daemon set. Must match in order to be controlled. It must match the pod template's labels."),
        ]
    }

    public func tableCells(now: Date) -> [JSONValue] {
        let cells = WorkloadRules.containerCells(spec?.template)
        let nodeSelector = (spec?.template?.spec?.nodeSelector ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        return [
            .string(name),
            .int(Int64(status?.desiredNumberScheduled ?? 0)),
            .int(Int64(status?.currentNumberScheduled ?? 0)),
            .int(Int64(status?.numberReady ?? 0)),
            .int(Int64(status?.updatedNumberScheduled ?? 0)),
            .int(Int64(status?.numberAvailable ?? 0)),
            .string(nodeSelector.isEmpty ? "<none>" : nodeSelector.joined(separator: ",")),
            .string(HumanDuration.since(metadata.creationTimestamp, now: now)),
            .string(cells.names),
            .string(cells.images),
            .string(WorkloadRules.formatSelector(spec?.selector)),
        ]
    }
}
