import BallastAPI
import BallastClient
import Foundation

/// A test-only stand-in for the node agent of fake Nodes: it writes the status a kubelet
/// would for Pods bound to them (Running and Ready, or Succeeded/Failed with an exit code)
/// and confirms the deletion of Pods being deleted there. The real agent is tested on its
/// own; these tests are about the controllers above it.
final class PodStatusDriver: Sendable {
    enum Outcome: Sendable {
        case runReady
        case runNotReady
        case succeed
        case fail(exitCode: Int32)
        case stayPending
    }

    private let client: KubeClient
    private let nodes: Set<String>
    private let decide: @Sendable (Pod) -> Outcome
    private let pods: Informer<Pod>
    private let queue = WorkQueue()

    init(client: KubeClient, nodes: Set<String>, decide: @escaping @Sendable (Pod) -> Outcome) {
        self.client = client
        self.nodes = nodes
        self.decide = decide
        pods = Informer<Pod>(client: client)
    }

    func run() async {
        pods.addHandler { [queue, nodes] event in
            switch event {
            case .added(let pod), .updated(_, let pod):
                if let node = pod.spec?.nodeName, nodes.contains(node) { queue.add(Self.key(pod)) }
            case .deleted:
                break
            }
        }
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.pods.run() }
            group.addTask { await Workers.run(self.queue, count: 2) { key in try await self.drive(key) } }
            group.addTask {
                // Decisions can change during a test (a gate opens): look again now and then.
                while !Task.isCancelled {
                    try? await Task.sleep(nanoseconds: 200_000_000)
                    for pod in self.pods.list() where self.nodes.contains(pod.spec?.nodeName ?? "") { self.queue.add(Self.key(pod)) }
                }
            }
        }
    }

    private static func key(_ pod: Pod) -> String { "\(pod.metadata.namespace ?? "")/\(pod.metadata.name ?? "")" }

    private func drive(_ key: String) async throws -> Workers.Outcome {
        guard let pod = pods.get(key: key), let node = pod.spec?.nodeName, nodes.contains(node) else { return .done }
        if pod.metadata.deletionTimestamp != nil {
            // The containers stopped: the agent finishes the deletion.
            try await client.delete(Pod.self, namespace: pod.metadata.namespace ?? "", name: pod.metadata.name ?? "",
                                    options: DeleteOptions(gracePeriodSeconds: 0), ignoreNotFound: true)
            return .done
        }
        if pod.isTerminal { return .done }
        let now = Time.now()
        var status = pod.status ?? PodStatus()
        let containers = pod.spec?.containers ?? []
        let outcome = decide(pod)
        switch outcome {
        case .stayPending:
            return .done
        case .runReady, .runNotReady:
            let ready: Bool
            if case .runReady = outcome { ready = true } else { ready = false }
            if status.phase == Pod.Phase.running, (status.condition("Ready")?.status == "True") == ready { return .done }
            status.phase = Pod.Phase.running
            status.startTime = status.startTime ?? now
            status.setCondition(PodCondition(type: "Ready", status: ready ? "True" : "False"), now: now)
            status.setCondition(PodCondition(type: "ContainersReady", status: ready ? "True" : "False"), now: now)
            status.containerStatuses = containers.map {
                ContainerStatus(name: $0.name, state: ContainerState(running: ContainerStateRunning(startedAt: now)), ready: ready,
                                restartCount: 0, image: $0.image, started: true)
            }
        case .succeed, .fail:
            let exitCode: Int32
            if case .fail(let code) = outcome { exitCode = code } else { exitCode = 0 }
            status.phase = exitCode == 0 ? Pod.Phase.succeeded : Pod.Phase.failed
            status.startTime = status.startTime ?? now
            status.setCondition(PodCondition(type: "Ready", status: "False", reason: "PodCompleted"), now: now)
            status.containerStatuses = containers.map {
                ContainerStatus(name: $0.name, state: ContainerState(terminated: ContainerStateTerminated(
                    exitCode: exitCode, reason: exitCode == 0 ? "Completed" : "Error", startedAt: now, finishedAt: now)),
                    ready: false, restartCount: 0, image: $0.image, started: false)
            }
        }
        var updated = pod
        updated.status = status
        do {
            _ = try await client.updateStatus(updated)
        } catch {
            // (Not `catch where`: with a typed error in an untyped function that crashes
            // Swift 6.3's SILGen.)
            guard error.isNotFound else { throw error }
        }
        return .done
    }
}
