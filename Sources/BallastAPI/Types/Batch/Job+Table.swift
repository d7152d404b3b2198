public import Foundation

/// The Job printer: NAME STATUS COMPLETIONS DURATION AGE, and wide CONTAINERS IMAGES SELECTOR.
extension Job {
    public static var tableColumns: [TableColumn] {
        [
            TableColumn("Status", description: "Status of the job."),
            TableColumn("Completions", description: "The number of pods which reached phase Succeeded. The value increases monotonically for a given spec. However, it may decrease in reaction to scale down of elastic indexed jobs."),
            TableColumn("Duration", description: "Time required to complete the job."),
            TableColumn.age,
            TableColumn("Containers", priority: 1, description: "Names of each container in the template."),
            TableColumn("Images", priority: 1, description: "Images referenced by each container in the template."),
            TableColumn("Selector", priority: 1, description: "A label query over pods that should match the pod count. Normally, the system sets this field for you."),
        ]
    }

    public func tableCells(now: Date) -> [JSONValue] {
        let succeeded = status?.succeeded ?? 0
        var completions: String
        if let wanted = spec?.completions {
            completions = "\(succeeded)/\(wanted)"
        } else if let parallelism = spec?.parallelism, parallelism > 1 {
            completions = "\(succeeded)/1 of \(parallelism)"
        } else {
            completions = "\(succeeded)/1"
        }
        var duration = ""
        if let start = status?.startTime {
            let end = status?.completionTime?.date ?? now
            duration = HumanDuration.format(end.timeIntervalSince(start.date))
        }
        let cells = WorkloadRules.containerCells(spec?.template)
        return [
            .string(name),
            .string(printStatus),
            .string(completions),
            .string(duration),
            .string(HumanDuration.since(metadata.creationTimestamp, now: now)),
            .string(cells.names),
            .string(cells.images),
            .string(WorkloadRules.formatSelector(spec?.selector)),
        ]
    }

    /// The STATUS column: Complete, Failed, Terminating, Suspended, FailureTarget,
    /// SuccessCriteriaMet or Running.
    public var printStatus: String {
        let status = self.status ?? JobStatus()
        if status.hasCondition("Complete") { return "Complete" }
        if status.hasCondition("Failed") { return "Failed" }
        if metadata.isDeleting { return "Terminating" }
        if status.hasCondition("Suspended") { return "Suspended" }
        if status.hasCondition("FailureTarget") { return "FailureTarget" }
        if status.hasCondition("SuccessCriteriaMet") { return "SuccessCriteriaMet" }
        return "Running"
    }

    /// Beyond metadata.name and metadata.namespace, a field selector may name status.successful.
    public var selectableFields: [String: String] { ["status.successful": String(status?.succeeded ?? 0)] }
}
