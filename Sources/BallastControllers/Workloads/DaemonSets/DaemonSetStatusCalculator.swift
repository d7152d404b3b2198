import BallastAPI
import Foundation

/// The counts a DaemonSet reports (updateDaemonSetStatus upstream), per node: desired where
/// a Pod belongs, current where one is, misscheduled where one is but should not be; of the
/// oldest Pod on each desired node whether it is ready, available and updated.
enum DaemonSetStatusCalculator {
    /// The status, and when a Ready Pod becomes available if one is waiting for minReadySeconds.
    static func status(_ set: DaemonSet, pods: [Pod], nodes: [Node], hash: String, now: Date) -> (DaemonSetStatus, Date?) {
        let byNode = DaemonSetController.podsByNode(pods)
        let minReady = set.spec?.minReadySeconds ?? 0
        var desired: Int32 = 0
        var current: Int32 = 0
        var misscheduled: Int32 = 0
        var ready: Int32 = 0
        var available: Int32 = 0
        var updated: Int32 = 0
        var next: Date?
        for node in nodes {
            let onNode = byNode[node.name] ?? []
            if DaemonSetPlacement.shouldRun(on: node, set).run {
                desired += 1
                guard let pod = onNode.sorted(by: DaemonSetController.oldestFirst).first else { continue }
                current += 1
                if pod.isReady {
                    ready += 1
                    if pod.isAvailable(minReadySeconds: minReady, now: now) {
                        available += 1
                    } else if let at = pod.availableAt(minReadySeconds: minReady) {
                        next = min(next ?? at, at)
                    }
                }
                if pod.metadata.labels?[DaemonSetController.revisionLabel] == hash { updated += 1 }
            } else if !onNode.isEmpty {
                misscheduled += 1
            }
        }
        var status = set.status ?? DaemonSetStatus()
        status.desiredNumberScheduled = desired
        status.currentNumberScheduled = current
        status.numberMisscheduled = misscheduled
        status.numberReady = ready
        status.numberAvailable = available
        status.numberUnavailable = desired - available
        status.updatedNumberScheduled = updated
        status.observedGeneration = set.metadata.generation
        return (status, next)
    }
}
