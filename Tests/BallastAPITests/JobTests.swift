import BallastAPI
import Testing

/// Jobs: the generated selector, restart policies, what an update may change, the printer.
struct JobTests {
    static let uid = "7b0f9c52-3d5e-4c1a-9d8f-2a6b1e4c7d90"

    static func pi() throws -> Job { preparedForCreate(try decodeManifest(Job.self, WorkloadManifests.jobPi)) }

    @Test func createGeneratesSelectorAndLabels() throws {
        let job = try Self.pi()
        let labels = ["batch.kubernetes.io/controller-uid": Self.uid, "controller-uid": Self.uid, "batch.kubernetes.io/job-name": "pi", "job-name": "pi"]
        #expect(job.spec?.template?.metadata?.labels == labels)
        #expect(job.spec?.selector == LabelSelector(matchLabels: ["batch.kubernetes.io/controller-uid": Self.uid]))
        #expect(job.metadata.labels == labels)
        #expect(job.validate().isEmpty)
    }

    @Test func manualSelectorIsLeftAlone() throws {
        var job = try decodeManifest(Job.self, WorkloadManifests.jobPi)
        job.spec?.manualSelector = true
        job.spec?.selector = LabelSelector(matchLabels: ["app": "pi"])
        job.spec?.template?.metadata = ObjectMeta(labels: ["app": "pi"])
        job = preparedForCreate(job)
        #expect(job.spec?.selector == LabelSelector(matchLabels: ["app": "pi"]))
        #expect(job.spec?.template?.metadata?.labels == ["app": "pi"])
        #expect(job.validate().isEmpty)
    }

    @Test func aForeignSelectorIsRefused() throws {
        var job = try decodeManifest(Job.self, WorkloadManifests.jobPi)
        job.spec?.selector = LabelSelector(matchLabels: ["app": "pi"])
        job = preparedForCreate(job)
        #expect(job.validate().map(\.description) == [
            #"spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":"pi", "batch.kubernetes.io/controller-uid":"7b0f9c52-3d5e-4c1a-9d8f-2a6b1e4c7d90"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: `selector` not auto-generated"#,
            #"spec.template.metadata.labels: Invalid value: map[string]string{"batch.kubernetes.io/controller-uid":"7b0f9c52-3d5e-4c1a-9d8f-2a6b1e4c7d90", "batch.kubernetes.io/job-name":"pi", "controller-uid":"7b0f9c52-3d5e-4c1a-9d8f-2a6b1e4c7d90", "job-name":"pi"}: `selector` does not match template `labels`"#,
        ])
    }

    @Test(arguments: [("Always", #"spec.template.spec.restartPolicy: Required value: valid values: "OnFailure", "Never""#),
                      ("Sometimes", #"spec.template.spec.restartPolicy: Unsupported value: "Sometimes": supported values: "OnFailure", "Never""#)])
    func podsMayNotRestartAlways(_ policy: String, _ message: String) throws {
        var job = try Self.pi()
        job.spec?.template?.spec?.restartPolicy = policy
        let errors = job.validate().map(\.description)
        #expect(errors.last == message)
    }

    @Test func templateAndCompletionsAreImmutable() throws {
        let old = try Self.pi()
        var new = old
        new.spec?.template?.spec?.containers?[0].image = "perl:5.40"
        new.spec?.completions = 6
        #expect(new.validateUpdate(old: old).map(\.description) == [
            "spec.completions: Invalid value: 6: field is immutable",
            "spec.template: Invalid value: core.PodTemplateSpec{…}: field is immutable",
        ])
        var suspended = old
        suspended.spec?.suspend = true
        suspended.spec?.parallelism = 3
        #expect(suspended.validateUpdate(old: old).isEmpty)
    }

    @Test func aSuspendedJobThatNeverStartedMayBeRetargeted() throws {
        var old = try Self.pi()
        old.spec?.suspend = true
        var new = old
        new.spec?.template?.spec?.nodeSelector = ["zone": "b"]
        new.spec?.template?.spec?.tolerations = [Toleration(key: "dedicated", operator: "Exists")]
        #expect(new.validateUpdate(old: old).isEmpty)
        old.status = JobStatus(startTime: secondsAgo(60))
        #expect(new.validateUpdate(old: old).map(\.description) == ["spec.template: Invalid value: core.PodTemplateSpec{…}: field is immutable"])
    }

    struct StatusCase: Sendable, CustomTestStringConvertible {
        var name: String
        var status: JobStatus
        var deleting = false
        var expected: String
        var testDescription: String { name }
    }

    static let statusCases: [StatusCase] = [
        StatusCase(name: "running", status: JobStatus(active: 2), expected: "Running"),
        StatusCase(name: "complete", status: JobStatus(conditions: [JobCondition(type: "Complete", status: "True")]), expected: "Complete"),
        StatusCase(name: "failed", status: JobStatus(conditions: [JobCondition(type: "Failed", status: "True")]), expected: "Failed"),
        StatusCase(name: "suspended", status: JobStatus(conditions: [JobCondition(type: "Suspended", status: "True")]), expected: "Suspended"),
        StatusCase(name: "resumed", status: JobStatus(conditions: [JobCondition(type: "Suspended", status: "False")]), expected: "Running"),
        StatusCase(name: "terminating", status: JobStatus(), deleting: true, expected: "Terminating"),
    ]

    @Test(arguments: statusCases)
    func statusColumn(_ test: StatusCase) throws {
        var job = try Self.pi()
        job.status = test.status
        if test.deleting { job.metadata.deletionTimestamp = secondsAgo(1) }
        #expect(job.tableCells(now: tableNow)[1] == .string(test.expected))
    }

    @Test func completionsAndDuration() throws {
        var job = try Self.pi()
        job.metadata.creationTimestamp = secondsAgo(600)
        job.status = JobStatus(startTime: secondsAgo(590), completionTime: secondsAgo(400), succeeded: 3)
        let uid = Self.uid
        #expect(job.tableCells(now: tableNow) == ["pi", "Running", "3/5", "3m10s", "10m", "pi", "perl", .string("batch.kubernetes.io/controller-uid=\(uid)")])
        job.spec?.completions = nil
        job.status?.completionTime = nil
        #expect(job.tableCells(now: tableNow)[2...3] == ["3/1 of 2", "9m50s"])
        #expect(job.selectableFields == ["status.successful": "3"])
        #expect(Job.tableColumns.map(\.name) == ["Status", "Completions", "Duration", "Age", "Containers", "Images", "Selector"])
    }
}
