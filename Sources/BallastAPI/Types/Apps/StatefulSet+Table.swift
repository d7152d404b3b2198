public import Foundation

/// The StatefulSet printer: NAME READY AGE, and wide CONTAINERS IMAGES.
extension StatefulSet {
    public static var tableColumns: [TableColumn] {
        [
            TableColumn("Ready", description: "Number of the pod with ready state"),
            TableColumn.age,
            TableColumn("Containers", priority: 1, description: "Names of each container in the template."),
            TableColumn("Images", priority: 1, description: "Images referenced by each container in the template."),
        ]
    }

    public func tableCells(now: Date) -> [JSONValue] {
        let cells = WorkloadRules.containerCells(spec?.template)
        return [
            .string(name),
            .string("\(status?.readyReplicas ?? 0)/\(spec?.replicas ?? 0)"),
            .string(HumanDuration.since(metadata.creationTimestamp, now: now)),
            .string(cells.names),
            .string(cells.images),
        ]
    }
}
