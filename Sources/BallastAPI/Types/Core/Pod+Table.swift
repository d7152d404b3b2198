public import Foundation

/// The Pod printer of kubectl get pods (printPod).
extension Pod {
    public static var tableColumns: [TableColumn] {
        [
            TableColumn("Ready", description: "The aggregate readiness state of this pod for accepting traffic."),
            TableColumn("Status", description: "The aggregate status of the containers in this pod."),
            TableColumn("Restarts", description: "The number of times the containers in this pod have been restarted and when the last container in this pod has restarted."),
            TableColumn.age,
            TableColumn("IP", priority: 1, description: "podIP address allocated to the pod. Routable at least within the cluster. Empty if not yet allocated."),
            TableColumn("Node", priority: 1, description: "NodeName indicates in which node this pod is scheduled."),
            TableColumn("Nominated Node", priority: 1, description: "nominatedNodeName is set only when this pod preempts other pods on the node, but it cannot be scheduled right away as preemption victims receive their graceful termination periods."),
            TableColumn("Readiness Gates", priority: 1, description: "If specified, all readiness gates will be evaluated for pod readiness."),
        ]
    }

    public func tableCells(now: Date) -> [JSONValue] {
        let summary = printSummary()
        var restarts = String(summary.restarts)
        if summary.restarts != 0, let last = summary.lastRestart {
            restarts = "\(summary.restarts) (\(HumanDuration.since(last, now: now)) ago)"
        }
        let gates = spec?.readinessGates ?? []
        var readinessGates = "<none>"
        if !gates.isEmpty {
            let trueCount = gates.filter { status?.condition($0.conditionType)?.status == "True" }.count
            readinessGates = "\(trueCount)/\(gates.count)"
        }
        func orNone(_ text: String?) -> String { (text ?? "").isEmpty ? "<none>" : text ?? "" }
        return [
            .string(name),
            .string("\(summary.ready)/\(summary.total)"),
            .string(summary.reason),
            .string(restarts),
            .string(HumanDuration.since(metadata.creationTimestamp, now: now)),
            .string(orNone(status?.podIPs?.first?.ip ?? status?.podIP)),
            .string(orNone(spec?.nodeName)),
            .string(orNone(status?.nominatedNodeName)),
            .string(readinessGates),
        ]
    }

    /// What kubectl's STATUS, READY and RESTARTS columns say about the Pod.
    public struct PrintSummary: Sendable, Equatable {
        /// The STATUS column: the phase, or the most telling container reason.
        public var reason: String
        public var ready: Int
        public var total: Int
        public var restarts: Int
        public var lastRestart: Time?
    }

    /// The reason logic of printPod, kept apart from formatting so other printers (the
    /// ballast CLI) can use it.
    public func printSummary() -> PrintSummary {
        let spec = self.spec ?? PodSpec()
        let status = self.status ?? PodStatus()
        let phase = status.phase ?? ""
        var reason = (status.reason ?? "").isEmpty ? phase : (status.reason ?? "")
        if status.conditions?.contains(where: { $0.type == "PodScheduled" && $0.reason == "SchedulingGated" }) == true {
            reason = "SchedulingGated"
        }
        let initContainers = spec.initContainers ?? []
        let total = (spec.containers ?? []).count + initContainers.filter(\.isRestartable).count
        var ready = 0
        var restarts = 0
        var sidecarRestarts = 0
        var lastRestart: Time?
        var lastSidecarRestart: Time?
        func later(_ a: Time?, _ b: Time?) -> Time? {
            guard let b else { return a }
            guard let a else { return b }
            return max(a, b)
        }
        let restartable = Set(initContainers.filter(\.isRestartable).map(\.name))
        var initializing = false
        let initStatuses = status.initContainerStatuses ?? []
        for (index, container) in initStatuses.enumerated() {
            let count = Int(container.restartCount ?? 0)
            let finished = container.lastState?.terminated?.finishedAt
            restarts += count
            lastRestart = later(lastRestart, finished)
            let isSidecar = restartable.contains(container.name)
            if isSidecar {
                sidecarRestarts += count
                lastSidecarRestart = later(lastSidecarRestart, finished)
            }
            if let terminated = container.state?.terminated, terminated.exitCode == 0 { continue }
            if isSidecar, container.started == true {
                if container.ready == true { ready += 1 }
                continue
            }
            if let terminated = container.state?.terminated {
                if let why = terminated.reason, !why.isEmpty {
                    reason = "Init:" + why
                } else if let signal = terminated.signal, signal != 0 {
                    reason = "Init:Signal:\(signal)"
                } else {
                    reason = "Init:ExitCode:\(terminated.exitCode)"
                }
            } else if let why = container.state?.waiting?.reason, !why.isEmpty, why != "PodInitializing" {
                reason = "Init:" + why
            } else {
                reason = "Init:\(index)/\(initContainers.count)"
            }
            initializing = true
            break
        }
        if !initializing || status.condition("Initialized")?.status == "True" {
            restarts = sidecarRestarts
            lastRestart = lastSidecarRestart
            var hasRunning = false
            for container in (status.containerStatuses ?? []).reversed() {
                restarts += Int(container.restartCount ?? 0)
                lastRestart = later(lastRestart, container.lastState?.terminated?.finishedAt)
                if let why = container.state?.waiting?.reason, !why.isEmpty {
                    reason = why
                } else if let terminated = container.state?.terminated, let why = terminated.reason, !why.isEmpty {
                    reason = why
                } else if let terminated = container.state?.terminated {
                    reason = (terminated.signal ?? 0) != 0 ? "Signal:\(terminated.signal ?? 0)" : "ExitCode:\(terminated.exitCode)"
                } else if container.ready == true, container.state?.running != nil {
                    hasRunning = true
                    ready += 1
                }
            }
            if reason == "Completed", hasRunning {
                reason = status.condition("Ready")?.status == "True" ? "Running" : "NotReady"
            }
        }
        if metadata.isDeleting {
            if status.reason == "NodeLost" {
                reason = "Unknown"
            } else if !isTerminal {
                reason = "Terminating"
            }
        }
        return PrintSummary(reason: reason, ready: ready, total: total, restarts: restarts, lastRestart: lastRestart)
    }
}
