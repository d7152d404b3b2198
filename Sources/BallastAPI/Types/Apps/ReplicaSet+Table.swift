public import Foundation

/// The ReplicaSet printer: NAME DESIRED CURRENT READY AGE, and wide CONTAINERS IMAGES SELECTOR.
extension ReplicaSet {
    public static var tableColumns: [TableColumn] {
        [
            TableColumn("Desired", type: "integer", description: "Replicas is the number of desired pods. This is a pointer to distinguish between explicit zero and unspecified. Defaults to 1."),
            TableColumn("Current", type: "integer", description: "Replicas is the most recently observed number of replicas."),
            TableColumn("Ready", type: "integer", description: "readyReplicas is the number of pods targeted by this ReplicaSet with a Ready Condition."),
            TableColumn.age,
            TableColumn("Containers", priority: 1, description: "Names of each container in the template."),
            TableColumn("Images", priority: 1, description: "Images referenced by each container in the template."),
            TableColumn("Selector", priority: 1, description: "Selector is a label query over pods that should match the replica count. Label keys and values that must match in order to be controlled by this replica set. It must match the pod template's labels."),
        ]
    }

    public func tableCells(now: Date) -> [JSONValue] {
        let cells = WorkloadRules.containerCells(spec?.template)
        return [
            .string(name),
            .int(Int64(spec?.replicas ?? 0)),
            .int(Int64(status?.replicas ?? 0)),
            .int(Int64(status?.readyReplicas ?? 0)),
            .string(HumanDuration.since(metadata.creationTimestamp, now: now)),
            .string(cells.names),
            .string(cells.images),
            .string(WorkloadRules.formatSelector(spec?.selector)),
        ]
    }
}
