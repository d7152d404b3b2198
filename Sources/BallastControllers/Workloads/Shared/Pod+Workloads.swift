import BallastAPI
import Foundation

/// The readings of a Pod that workload controllers share (podutil and controller_utils
/// upstream).
extension Pod {
    /// Whether the Pod's Ready condition is True.
    var isReady: Bool { status?.condition("Ready")?.status == "True" }

    /// When the Pod last became Ready, if it is.
    var readySince: Date? {
        guard let condition = status?.condition("Ready"), condition.status == "True" else { return nil }
        return condition.lastTransitionTime?.date
    }

    /// Ready for at least `minReadySeconds` (podutil.IsPodAvailable).
    func isAvailable(minReadySeconds: Int32, now: Date) -> Bool {
        guard isReady else { return false }
        if minReadySeconds <= 0 { return true }
        guard let since = readySince else { return false }
        return since.addingTimeInterval(Double(minReadySeconds)) < now
    }

    /// When a Ready Pod becomes available, if it is not yet.
    func availableAt(minReadySeconds: Int32) -> Date? {
        guard minReadySeconds > 0, let since = readySince else { return nil }
        return since.addingTimeInterval(Double(minReadySeconds))
    }

    /// Not finished and not being deleted (controller.FilterActivePods).
    var isActive: Bool { !isTerminal && !metadata.isDeleting }

    /// The node the Pod is bound to, or "" while unscheduled.
    var nodeName: String { spec?.nodeName ?? "" }

    /// The sum of restarts of every container, init containers included.
    var totalRestarts: Int32 {
        ((status?.initContainerStatuses ?? []) + (status?.containerStatuses ?? [])).reduce(0) { $0 + ($1.restartCount ?? 0) }
    }
}

extension KubernetesObject {
    /// Whether the object whose uid is `uid` is this object's controller.
    func isControlled(by uid: String) -> Bool { metadata.controllerReference?.uid == uid }

    /// The work-queue key of the object: "namespace/name".
    var queueKey: String { namespace.isEmpty ? name : "\(namespace)/\(name)" }

    /// The creation time, or the distant past when unknown.
    var createdAt: Date { metadata.creationTimestamp?.date ?? .distantPast }
}

/// Splits a work-queue key into namespace and name.
func splitKey(_ key: String) -> (namespace: String, name: String) {
    guard let slash = key.firstIndex(of: "/") else { return ("", key) }
    return (String(key[..<slash]), String(key[key.index(after: slash)...]))
}

extension OwnerReference {
    /// The work-queue key of the owner, which lives in `namespace`.
    func key(in namespace: String) -> String { namespace.isEmpty ? name : "\(namespace)/\(name)" }
}
