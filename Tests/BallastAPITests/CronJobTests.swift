import BallastAPI
import Testing

/// CronJobs: the template is validated as a Pod template under its long path, schedules
/// and zones are checked, and the printer.
struct CronJobTests {
    static func hello() throws -> CronJob { preparedForCreate(try decodeManifest(CronJob.self, WorkloadManifests.cronJob)) }

    @Test func capitalisedContainerNameIsRefusedAtItsFullPath() throws {
        var cronJob = try decodeManifest(CronJob.self, WorkloadManifests.cronJob)
        cronJob.spec?.jobTemplate?.spec?.template?.spec?.containers?[0].name = "Hello"
        let errors = preparedForCreate(cronJob).validate()
        #expect(errors.count == 1)
        let error = try #require(errors.first)
        #expect(error.field == "spec.jobTemplate.spec.template.spec.containers[0].name")
        #expect(error.errorBody.hasPrefix(#"Invalid value: "Hello": a lowercase RFC 1123 label"#))
    }

    @Test(arguments: [
        ("* * * *", #"spec.schedule: Invalid value: "* * * *": expected exactly 5 fields, found 4: [* * * *]"#),
        ("*/0 * * * *", #"spec.schedule: Invalid value: "*/0 * * * *": step of range should be a positive number: */0"#),
        ("0 25 * * *", #"spec.schedule: Invalid value: "0 25 * * *": end of range (25) above maximum (23): 25"#),
        ("@fortnightly", #"spec.schedule: Invalid value: "@fortnightly": unrecognized descriptor: @fortnightly"#),
        ("CRON_TZ=UTC 0 * * * *", #"spec.schedule: Invalid value: "CRON_TZ=UTC 0 * * * *": cannot use TZ or CRON_TZ in schedule, use timeZone field instead"#),
    ])
    func badSchedulesAreRefused(_ schedule: String, _ message: String) throws {
        var cronJob = try Self.hello()
        cronJob.spec?.schedule = schedule
        #expect(cronJob.validate().map(\.description) == [message])
    }

    @Test(arguments: [
        ("Mars/Olympus_Mons", #"spec.timeZone: Invalid value: "Mars/Olympus_Mons": unknown time zone Mars/Olympus_Mons"#),
        ("Local", #"spec.timeZone: Invalid value: "Local": timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones"#),
        ("", #"spec.timeZone: Invalid value: "": timeZone must be nil or non-empty string"#),
    ])
    func unknownZonesAreRefused(_ zone: String, _ message: String) throws {
        var cronJob = try Self.hello()
        cronJob.spec?.timeZone = zone
        #expect(cronJob.validate().map(\.description) == [message])
    }

    @Test func knownZonesAreAccepted() throws {
        var cronJob = try Self.hello()
        cronJob.spec?.timeZone = "Europe/Berlin"
        #expect(cronJob.validate().isEmpty)
    }

    @Test func templateMayNotCarryASelector() throws {
        var cronJob = try Self.hello()
        cronJob.spec?.jobTemplate?.spec?.selector = LabelSelector(matchLabels: ["a": "b"])
        #expect(cronJob.validate().map(\.description) == [
            #"spec.jobTemplate.spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"a":"b"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: `selector` will be auto-generated"#,
        ])
    }

    @Test func longNamesAreRefusedOnCreateOnly() throws {
        var cronJob = try Self.hello()
        cronJob.metadata.name = String(repeating: "a", count: 53)
        #expect(cronJob.validate().map(\.description) == [#"metadata.name: Invalid value: "\#(String(repeating: "a", count: 53))": must be no more than 52 characters"#])
        #expect(cronJob.validateUpdate(old: cronJob).isEmpty)
    }

    @Test func table() throws {
        var cronJob = try Self.hello()
        cronJob.metadata.creationTimestamp = secondsAgo(3600 * 5)
        #expect(cronJob.tableCells(now: tableNow) == ["hello", "*/1 * * * *", "<none>", "False", 0, "<none>", "5h", "hello", "busybox", "<none>"])
        cronJob.spec?.timeZone = "Europe/Berlin"
        cronJob.status = CronJobStatus(active: [ObjectReference(kind: "Job", name: "hello-29000000")], lastScheduleTime: secondsAgo(42))
        #expect(cronJob.tableCells(now: tableNow)[2...5] == ["Europe/Berlin", "False", 1, "42s"])
        #expect(CronJob.tableColumns.map(\.name) == ["Schedule", "Timezone", "Suspend", "Active", "Last Schedule", "Age", "Containers", "Images", "Selector"])
    }
}
