import BallastAPI
import Testing

/// The cells of kubectl get pods, which the server prints.
struct PodTableTests {
    static func pod(phase: String, containers: [ContainerStatus], initContainers: [ContainerStatus] = [], specInit: [Container] = [],
                    deleting: Bool = false, conditions: [PodCondition]? = nil) -> Pod {
        let spec = PodSpec(initContainers: specInit.isEmpty ? nil : specInit,
                           containers: containers.map { Container(name: $0.name, image: "busybox") })
        var meta = ObjectMeta(name: "web", namespace: "default", creationTimestamp: secondsAgo(3600))
        if deleting { meta.deletionTimestamp = secondsAgo(10) }
        return Pod(metadata: meta, spec: spec,
                   status: PodStatus(phase: phase, conditions: conditions, initContainerStatuses: initContainers.isEmpty ? nil : initContainers,
                                     containerStatuses: containers))
    }

    static let running = ContainerState(running: ContainerStateRunning(startedAt: secondsAgo(600)))
    static func waiting(_ reason: String) -> ContainerState { ContainerState(waiting: ContainerStateWaiting(reason: reason)) }
    static func terminated(_ code: Int32, _ reason: String? = nil, signal: Int32? = nil) -> ContainerState {
        ContainerState(terminated: ContainerStateTerminated(exitCode: code, signal: signal, reason: reason, finishedAt: secondsAgo(300)))
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var pod: Pod
        var ready: String
        var status: String
        var restarts: String
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "running", pod: pod(phase: "Running", containers: [ContainerStatus(name: "a", state: running, ready: true, restartCount: 0)]),
             ready: "1/1", status: "Running", restarts: "0"),
        Case(name: "creating", pod: pod(phase: "Pending", containers: [ContainerStatus(name: "a", state: waiting("ContainerCreating"), ready: false)]),
             ready: "0/1", status: "ContainerCreating", restarts: "0"),
        Case(name: "crash loop", pod: pod(phase: "Running", containers: [
                 ContainerStatus(name: "a", state: waiting("CrashLoopBackOff"), lastState: terminated(1, "Error"), ready: false, restartCount: 3),
                 ContainerStatus(name: "b", state: running, ready: true, restartCount: 0),
             ]),
             ready: "1/2", status: "CrashLoopBackOff", restarts: "3 (5m ago)"),
        Case(name: "completed", pod: pod(phase: "Succeeded", containers: [ContainerStatus(name: "a", state: terminated(0, "Completed"), ready: false)]),
             ready: "0/1", status: "Completed", restarts: "0"),
        Case(name: "error", pod: pod(phase: "Failed", containers: [ContainerStatus(name: "a", state: terminated(1, "Error"), ready: false)]),
             ready: "0/1", status: "Error", restarts: "0"),
        Case(name: "killed without reason", pod: pod(phase: "Failed", containers: [ContainerStatus(name: "a", state: terminated(137, signal: 9), ready: false)]),
             ready: "0/1", status: "Signal:9", restarts: "0"),
        Case(name: "one container done, one running", pod: pod(phase: "Running", containers: [
                 ContainerStatus(name: "a", state: running, ready: true),
                 ContainerStatus(name: "b", state: terminated(0, "Completed"), ready: false),
             ], conditions: [PodCondition(type: "Ready", status: "False")]),
             ready: "1/2", status: "NotReady", restarts: "0"),
        Case(name: "initializing", pod: pod(phase: "Pending", containers: [ContainerStatus(name: "a", state: waiting("PodInitializing"), ready: false)],
                                            initContainers: [ContainerStatus(name: "init", state: running, ready: false)],
                                            specInit: [Container(name: "init", image: "busybox")]),
             ready: "0/1", status: "Init:0/1", restarts: "0"),
        Case(name: "init crash loop", pod: pod(phase: "Pending", containers: [ContainerStatus(name: "a", state: waiting("PodInitializing"), ready: false)],
                                               initContainers: [ContainerStatus(name: "init", state: waiting("CrashLoopBackOff"), lastState: terminated(1, "Error"), ready: false, restartCount: 2)],
                                               specInit: [Container(name: "init", image: "busybox")]),
             ready: "0/1", status: "Init:CrashLoopBackOff", restarts: "2 (5m ago)"),
        Case(name: "init failed", pod: pod(phase: "Pending", containers: [ContainerStatus(name: "a", state: waiting("PodInitializing"), ready: false)],
                                           initContainers: [ContainerStatus(name: "init", state: terminated(2), ready: false)],
                                           specInit: [Container(name: "init", image: "busybox")]),
             ready: "0/1", status: "Init:ExitCode:2", restarts: "0"),
        Case(name: "sidecar counts as a container", pod: pod(phase: "Running", containers: [ContainerStatus(name: "a", state: running, ready: true)],
                                                             initContainers: [ContainerStatus(name: "proxy", state: running, ready: true, started: true)],
                                                             specInit: [Container(name: "proxy", image: "envoy", restartPolicy: "Always")]),
             ready: "2/2", status: "Running", restarts: "0"),
        Case(name: "terminating", pod: pod(phase: "Running", containers: [ContainerStatus(name: "a", state: running, ready: true)], deleting: true),
             ready: "1/1", status: "Terminating", restarts: "0"),
        Case(name: "scheduling gated", pod: pod(phase: "Pending", containers: [],
                                                conditions: [PodCondition(type: "PodScheduled", status: "False", reason: "SchedulingGated")]),
             ready: "0/0", status: "SchedulingGated", restarts: "0"),
    ]

    @Test(arguments: cases)
    func readyStatusAndRestarts(_ test: Case) {
        let cells = test.pod.tableCells(now: tableNow)
        #expect(cells[0] == "web")
        #expect(cells[1] == .string(test.ready))
        #expect(cells[2] == .string(test.status))
        #expect(cells[3] == .string(test.restarts))
        #expect(cells[4] == "60m")
    }

    @Test func wideColumnsShowIPNodeAndGates() {
        var pod = Self.cases[0].pod
        pod.spec?.nodeName = "node-1"
        pod.spec?.readinessGates = [PodReadinessGate(conditionType: "example.com/lb"), PodReadinessGate(conditionType: "example.com/dns")]
        pod.status?.podIPs = [PodIP(ip: "10.42.0.7")]
        pod.status?.conditions = [PodCondition(type: "example.com/lb", status: "True")]
        let cells = pod.tableCells(now: tableNow)
        #expect(Array(cells[5...]) == ["10.42.0.7", "node-1", "<none>", "1/2"])
        #expect(Pod.tableColumns.map(\.name) == ["Ready", "Status", "Restarts", "Age", "IP", "Node", "Nominated Node", "Readiness Gates"])
        #expect(Pod.tableColumns.map(\.priority) == [0, 0, 0, 0, 1, 1, 1, 1])
        #expect(cells.count == Pod.tableColumns.count + 1)
    }

    @Test func unscheduledPodShowsNone() {
        let cells = Pod(metadata: ObjectMeta(name: "p")).tableCells(now: tableNow)
        #expect(Array(cells[4...]) == ["<unknown>", "<none>", "<none>", "<none>", "<none>"])
    }
}
