public import BallastAPI
import BallastStorage

/// What deleting a claim would do to its data, decided from the same objects the
/// controllers act on (the claim, its volume, the pods that use it), before anything
/// happens: `ballast pvc delete NAME --dry-run`.
public struct DeletionForecast: Sendable, Equatable, Codable {
    /// What becomes of the data.
    public enum Outcome: String, Sendable, Codable {
        /// The data stays where it is (Retain, or a driver told to keep it).
        case kept
        /// The data is removed for good.
        case destroyed
        /// The data is moved aside under a new name and stays.
        case archived
        /// Every file is removed and the volume is offered to other claims (Recycle).
        case scrubbed
        /// The claim has no volume: there is no data.
        case none
        /// Deletion would fail and keep the data (the PV goes Failed).
        case refused
    }

    public var claim: String
    public var volume: String?
    public var reclaimPolicy: String?
    public var outcome: Outcome
    public var backing: VolumeBacking?
    /// What happens, in a sentence.
    public var detail: String
    /// Pods that still use the claim: it stays Terminating (pvc-protection) until they go.
    public var blockingPods: [String]

    /// The forecast for `claim`, bound to `volume` (nil when unbound), used by `pods`.
    public init(claim: PersistentVolumeClaim, volume: PersistentVolume?, pods: [Pod]) {
        self.claim = "\(claim.namespace)/\(claim.name)"
        self.volume = volume?.name
        blockingPods = pods.filter { pod in
            pod.status?.phase != "Succeeded" && pod.status?.phase != "Failed"
                && (pod.spec?.volumes ?? []).contains { $0.source.persistentVolumeClaim?.claimName == claim.name }
        }.map { $0.name }.sorted()
        guard let volume else {
            reclaimPolicy = nil
            backing = nil
            outcome = .none
            detail = "the claim is not bound to a volume: only the claim is deleted"
            return
        }
        let policy = volume.spec?.persistentVolumeReclaimPolicy ?? PersistentVolumeReclaimPolicy.retain
        reclaimPolicy = policy
        let backing = VolumeBacking(volume)
        self.backing = backing
        let place = backing?.description ?? "its storage"
        switch policy {
        case PersistentVolumeReclaimPolicy.delete:
            (outcome, detail) = Self.deleteOutcome(volume, place: place)
        case PersistentVolumeReclaimPolicy.recycle:
            outcome = .scrubbed
            detail = "every file in \(place) is removed, then \(volume.name) is Available to another claim"
        default:
            outcome = .kept
            detail = "\(volume.name) becomes Released and keeps the data in \(place) until an administrator deletes it"
        }
    }

    private static func deleteOutcome(_ volume: PersistentVolume, place: String) -> (Outcome, String) {
        let provisioner = volume.metadata.annotation(VolumeBindingRules.provisionedBy)
        switch provisioner {
        case NFSProvisioner.name?:
            switch volume.metadata.annotation(NFSVolumeAttributes.onDeleteKey) {
            case "archive"?:
                let path = volume.metadata.annotation(NFSVolumeAttributes.pathKey) ?? volume.spec?.nfs?.path ?? ""
                let name = path.split(separator: "/").last.map(String.init) ?? path
                return (.archived, "\(volume.name) is deleted; its directory \(place) is renamed to archived-\(name) beside it, with the data")
            case "retain"?:
                return (.kept, "\(volume.name) is deleted; its directory \(place) stays with the data (class onDelete: retain)")
            default:
                return (.destroyed, "\(volume.name) is deleted and its directory \(place) is removed with everything in it")
            }
        case LVMProvisioner.name?:
            return (.destroyed, "\(volume.name) is deleted and its logical volume \(place) is removed (lvremove)")
        case LocalPathProvisioner.name?:
            return (.destroyed, "\(volume.name) is deleted and its directory \(place) is removed with everything in it")
        default:
            if let path = volume.spec?.hostPath?.path, !(path.hasPrefix("/tmp/") && path.count > 5) {
                return (.refused, "the hostPath deleter removes only directories under /tmp: \(volume.name) goes Failed and \(path) keeps the data")
            }
            return (.destroyed, "\(volume.name) is deleted and \(place) is removed")
        }
    }
}

extension DeletionForecast {
    public var table: TextTable {
        TextTable(headers: ["claim", "volume", "reclaim", "data", "where"], rows: [[
            claim, volume ?? "-", reclaimPolicy ?? "-", outcome.rawValue, backing?.description ?? "-",
        ]])
    }

    /// The table, the sentence, and the pods that hold the claim.
    public var text: String {
        var text = table.text + "\n" + detail + ".\n"
        if !blockingPods.isEmpty {
            text += "The claim stays Terminating until these pods are gone (pvc-protection): \(blockingPods.joined(separator: ", ")).\n"
        }
        return text
    }
}
