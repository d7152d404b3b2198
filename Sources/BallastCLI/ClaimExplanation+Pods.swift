import BallastAPI
import Foundation

extension ClaimExplanation {
    /// The pods that use the claim and have not finished: by name, or as the claim of a
    /// generic ephemeral volume ("<pod>-<volume>").
    static func consumers(of claim: PersistentVolumeClaim, in pods: [Pod]) -> [Pod] {
        pods.filter { pod in
            pod.namespace == claim.namespace && pod.status?.phase != "Succeeded" && pod.status?.phase != "Failed"
                && (pod.spec?.volumes ?? []).contains { volume in
                    volume.source.persistentVolumeClaim?.claimName == claim.name
                        || (volume.source.ephemeral != nil && "\(pod.name)-\(volume.name)" == claim.name)
                }
        }.sorted { $0.name < $1.name }
    }

    /// The latest Warning event of each reason on the claim (this incarnation of it, by uid)
    /// and on the pods that use it, newest first: ProvisioningFailed, FailedScheduling,
    /// FailedMount and the like say what the objects alone cannot.
    static func warnings(about claim: PersistentVolumeClaim, pods: [Pod], in events: [Event]) -> [EventSummary] {
        let podNames = Set(pods.map(\.name))
        var latest: [String: (date: Date, summary: EventSummary)] = [:]
        for event in events where event.type == Event.warning {
            guard let object = event.involvedObject, object.namespace == claim.namespace, let name = object.name else { continue }
            let label: String
            if object.kind == PersistentVolumeClaim.gvk.kind, name == claim.name {
                if let uid = object.uid, !uid.isEmpty, !claim.uid.isEmpty, uid != claim.uid { continue }
                label = "persistentvolumeclaim/\(name)"
            } else if object.kind == Pod.gvk.kind, podNames.contains(name) {
                label = "pod/\(name)"
            } else {
                continue
            }
            let seen = event.lastTimestamp ?? event.eventTime.map { Time($0.date) } ?? event.firstTimestamp ?? event.metadata.creationTimestamp
            let date = seen?.date ?? .distantPast
            let key = label + " " + (event.reason ?? "")
            if let known = latest[key], known.date > date { continue }
            latest[key] = (date, EventSummary(object: label, type: event.type ?? Event.warning, reason: event.reason ?? "",
                                              message: event.message ?? "", count: event.series?.count ?? event.count, lastSeen: seen))
        }
        return latest.values.sorted { $0.date != $1.date ? $0.date > $1.date : $0.summary.object < $1.summary.object }.map(\.summary)
    }
}
