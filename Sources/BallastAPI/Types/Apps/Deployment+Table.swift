public import Foundation

/// The Deployment printer: NAME READY UP-TO-DATE AVAILABLE AGE, and wide CONTAINERS
/// IMAGES SELECTOR.
extension Deployment {
    public static var tableColumns: [TableColumn] {
        [
            TableColumn("Ready", description: "Number of the pod with ready state"),
            TableColumn("Up-to-date", description: "Total number of non-terminated pods targeted by this deployment that have the desired template spec."),
            TableColumn("Available", description: "Total number of available pods (ready for at least minReadySeconds) targeted by this deployment."),
            TableColumn.age,
            TableColumn("Containers", priority: 1, description: "Names of each container in the template."),
            TableColumn("Images", priority: 1, description: "Images referenced by each container in the template."),
            TableColumn("Selector", priority: 1, description: "Label selector for pods. Existing ReplicaSets whose pods are selected by this will be the ones affected by this deployment. It must match the pod template's labels."),
        ]
    }

    public func tableCells(now: Date) -> [JSONValue] {
        let ready = Int64(status?.readyReplicas ?? 0)
        let desired = Int64(spec?.replicas ?? 0)
        let cells = WorkloadRules.containerCells(spec?.template)
        // Unlike the other workloads, upstream prints this selector bare: "" for none.
        var selector = ""
        if let query = try? spec?.selector?.requirements() {
            selector = LabelQuery(requirements: query.requirements.sorted { $0.key < $1.key }).description
        } else if spec?.selector != nil {
            selector = "<invalid>"
        }
        return [
            .string(name),
            .string("\(ready)/\(desired)"),
            .int(Int64(status?.updatedReplicas ?? 0)),
            .int(Int64(status?.availableReplicas ?? 0)),
            .string(HumanDuration.since(metadata.creationTimestamp, now: now)),
            .string(cells.names),
            .string(cells.images),
            .string(selector),
        ]
    }
}
