public import Foundation

/// The CronJob printer: NAME SCHEDULE TIMEZONE SUSPEND ACTIVE LAST SCHEDULE AGE, and wide
/// CONTAINERS IMAGES SELECTOR.
extension CronJob {
    public static var tableColumns: [TableColumn] {
        [
            TableColumn("Schedule", description: "The schedule in Cron format, see https://en.wikipedia.org/wiki/Cron."),
            TableColumn("Timezone", description: "The time zone name for the given schedule, see https://en.wikipedia.org/wiki/List_of_tz_database_time_zones."),
            TableColumn("Suspend", type: "boolean", description: "This flag tells the controller to suspend subsequent executions, it does not apply to already started executions.  Defaults to false."),
            TableColumn("Active", type: "integer", description: "A list of pointers to currently running jobs."),
            TableColumn("Last Schedule", description: "Information when was the last time the job was successfully scheduled."),
            TableColumn.age,
            TableColumn("Containers", priority: 1, description: "Names of each container in the template."),
            TableColumn("Images", priority: 1, description: "Images referenced by each container in the template."),
            TableColumn("Selector", priority: 1, description: "A label query over pods that should match the pod count. Normally, the system sets this field for you."),
        ]
    }

    public func tableCells(now: Date) -> [JSONValue] {
        let lastSchedule = status?.lastScheduleTime.map { HumanDuration.since($0, now: now) } ?? "<none>"
        let suspend = spec?.suspend.map { $0 ? "True" : "False" } ?? "<unset>"
        let cells = WorkloadRules.containerCells(spec?.jobTemplate?.spec?.template)
        return [
            .string(name),
            .string(spec?.schedule ?? ""),
            .string(spec?.timeZone ?? "<none>"),
            .string(suspend),
            .int(Int64(status?.active?.count ?? 0)),
            .string(lastSchedule),
            .string(HumanDuration.since(metadata.creationTimestamp, now: now)),
            .string(cells.names),
            .string(cells.images),
            .string(WorkloadRules.formatSelector(spec?.jobTemplate?.spec?.selector)),
        ]
    }
}
