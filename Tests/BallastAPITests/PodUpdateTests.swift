import BallastAPI
import Testing

/// What an update may change in a Pod, and the scheduler's binding.
struct PodUpdateTests {
    static func stored() -> Pod {
        var pod = preparedForCreate(Pod(metadata: ObjectMeta(name: "web"), spec: PodSpec(containers: [Container(name: "app", image: "nginx:1.26")])))
        pod.metadata.resourceVersion = "7"
        return pod
    }

    @Test func theImageMayChange() {
        let old = Self.stored()
        var new = old
        new.spec?.containers?[0].image = "nginx:1.27"
        #expect(new.validateUpdate(old: old).isEmpty)
    }

    @Test func otherSpecFieldsMayNot() throws {
        let old = Self.stored()
        var new = old
        new.spec?.restartPolicy = "Never"
        let errors = new.validateUpdate(old: old)
        let error = try #require(errors.first)
        #expect(errors.count == 1)
        #expect(error.field == "spec")
        #expect(error.kind == .forbidden)
        #expect(error.detail.hasPrefix(
            "pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)\n"))
        #expect(error.detail.contains("- \trestartPolicy: \"Always\","))
        #expect(error.detail.contains("+ \trestartPolicy: \"Never\","))
    }

    @Test func containersMayNotBeAdded() {
        let old = Self.stored()
        var new = old
        new.spec?.containers?.append(Container(name: "sidecar", image: "busybox", terminationMessagePath: "/dev/termination-log",
                                               terminationMessagePolicy: "File", imagePullPolicy: "Always"))
        #expect(new.validateUpdate(old: old).map(\.description) == ["spec.containers: Forbidden: pod updates may not add or remove containers"])
    }

    @Test func tolerationsMayOnlyBeAdded() {
        var old = Self.stored()
        old.spec?.tolerations = [Toleration(key: "a", operator: "Exists")]
        var added = old
        added.spec?.tolerations?.append(Toleration(key: "b", operator: "Exists"))
        #expect(added.validateUpdate(old: old).isEmpty)
        var removed = old
        removed.spec?.tolerations = []
        #expect(removed.validateUpdate(old: old).map(\.description) == [
            "spec.tolerations: Forbidden: existing toleration can not be modified except its tolerationSeconds",
        ])
    }

    @Test func activeDeadlineMayOnlyShrink() {
        var old = Self.stored()
        old.spec?.activeDeadlineSeconds = 100
        var shorter = old
        shorter.spec?.activeDeadlineSeconds = 50
        #expect(shorter.validateUpdate(old: old).isEmpty)
        var longer = old
        longer.spec?.activeDeadlineSeconds = 200
        #expect(longer.validateUpdate(old: old).map(\.description) == [
            "spec.activeDeadlineSeconds: Invalid value: 200: must be less than or equal to previous value",
        ])
    }

    @Test func nodeNameMaySetOnceByTheBinding() {
        let old = Self.stored()
        var bound = old
        bound.spec?.nodeName = "node-1"
        #expect(bound.validateUpdate(old: old).isEmpty)
        var moved = bound
        moved.spec?.nodeName = "node-2"
        let errors = moved.validateUpdate(old: bound)
        #expect(errors.count == 1)
        #expect(errors.first?.field == "spec")
    }

    @Test func bindingSetsTheNodeAndTheScheduledCondition() throws {
        var pod = Self.stored()
        try pod.bind(toNode: "node-1", annotations: ["example.com/picked": "yes"], now: Time(tableNow))
        #expect(pod.spec?.nodeName == "node-1")
        #expect(pod.metadata.annotations?["example.com/picked"] == "yes")
        #expect(pod.status?.condition("PodScheduled") == PodCondition(type: "PodScheduled", status: "True", lastTransitionTime: Time(tableNow)))
        #expect(throws: PodBindingError(#"pod web is already assigned to node "node-1""#)) {
            try pod.bind(toNode: "node-2", now: Time(tableNow))
        }
    }

    @Test func gatedPodsAreNotBound() {
        var pod = Self.stored()
        pod.spec?.schedulingGates = [PodSchedulingGate(name: "example.com/wait")]
        #expect(throws: PodBindingError("pod web has non-empty .spec.schedulingGates")) {
            try pod.bind(toNode: "node-1", now: Time(tableNow))
        }
    }

    @Test func createAddsTheSchedulingGatedCondition() {
        var pod = Pod(metadata: ObjectMeta(name: "p"), spec: PodSpec(containers: [Container(name: "a", image: "i")],
                                                                      schedulingGates: [PodSchedulingGate(name: "example.com/wait")]))
        pod = preparedForCreate(pod)
        #expect(pod.status?.conditions == [PodCondition(type: "PodScheduled", status: "False", reason: "SchedulingGated",
                                                        message: "Scheduling is blocked due to non-empty scheduling gates")])
        #expect(pod.tableCells(now: tableNow)[2] == "SchedulingGated")
    }

    @Test func statusWritesKeepTheSpec() {
        let old = Self.stored()
        var write = old
        write.spec?.nodeName = "sneaky"
        write.status?.phase = "Running"
        write.prepareForStatusUpdate(old: old)
        #expect(write.spec == old.spec)
        #expect(write.status?.phase == "Running")
    }
}
