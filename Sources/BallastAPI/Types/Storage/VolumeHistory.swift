public import Foundation

/// storage.ballast.io/v1 VolumeHistory: the life of one PersistentVolume as a timeline
/// (provisioned, bound, mounted by which pods where, expanded, released, reclaimed), named
/// after the volume. The control plane writes it as it sees the volume change, and keeps it
/// after the volume is gone for a retention period, where Kubernetes' Events would have
/// expired within the hour.
public struct VolumeHistory: KubernetesObject {
    public static let gvk = GroupVersionKind(group: "storage.ballast.io", version: "v1", kind: "VolumeHistory")

    public var apiVersion: String?
    public var kind: String?
    public var metadata: ObjectMeta
    /// What happened, oldest first.
    public var entries: [VolumeHistoryEntry]
    /// The volume as the recorder last saw it: the next change is told against this.
    public var observed: VolumeObservation?
    /// When the volume was seen gone; the history is deleted a retention period later.
    public var volumeDeletedAt: Time?

    public init(metadata: ObjectMeta = ObjectMeta(), entries: [VolumeHistoryEntry] = [], observed: VolumeObservation? = nil,
                volumeDeletedAt: Time? = nil) {
        apiVersion = Self.gvk.apiVersion
        kind = Self.gvk.kind
        self.metadata = metadata
        self.entries = entries
        self.observed = observed
        self.volumeDeletedAt = volumeDeletedAt
    }

    enum CodingKeys: String, CodingKey {
        case apiVersion, kind, metadata, entries, observed, volumeDeletedAt
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        apiVersion = try container.decodeIfPresent(String.self, forKey: .apiVersion)
        kind = try container.decodeIfPresent(String.self, forKey: .kind)
        metadata = try container.decodeIfPresent(ObjectMeta.self, forKey: .metadata) ?? ObjectMeta()
        entries = try container.decodeIfPresent([VolumeHistoryEntry].self, forKey: .entries) ?? []
        observed = try container.decodeIfPresent(VolumeObservation.self, forKey: .observed)
        volumeDeletedAt = try container.decodeIfPresent(Time.self, forKey: .volumeDeletedAt)
    }
}

/// One thing that happened to a volume.
public struct VolumeHistoryEntry: Codable, Sendable, Equatable {
    /// Provisioned, Created, Bound, Unbound, Mounted, Unmounted, Expanded, Released,
    /// Available, Failed, Deleting, Deleted (see `VolumeHistoryEntry.Action`).
    public var action: String
    public var time: Time
    public var message: String
    /// Who did it: a provisioner, a node, a controller, or the manager that last wrote the object.
    public var by: String?
    public var claim: String?
    public var pod: String?
    public var node: String?

    public init(action: String, time: Time, message: String, by: String? = nil, claim: String? = nil, pod: String? = nil, node: String? = nil) {
        self.action = action
        self.time = time
        self.message = message
        self.by = by
        self.claim = claim
        self.pod = pod
        self.node = node
    }

    public enum Action {
        public static let provisioned = "Provisioned"
        public static let created = "Created"
        public static let bound = "Bound"
        public static let unbound = "Unbound"
        public static let mounted = "Mounted"
        public static let unmounted = "Unmounted"
        public static let expanded = "Expanded"
        public static let released = "Released"
        public static let available = "Available"
        public static let failed = "Failed"
        public static let deleting = "Deleting"
        public static let deleted = "Deleted"
    }
}

/// The facts about a volume whose changes make history entries.
public struct VolumeObservation: Codable, Sendable, Equatable {
    public var uid: String?
    public var phase: String?
    /// "namespace/name" of the claim it is bound to.
    public var claim: String?
    public var capacity: String?
    public var reclaimPolicy: String?
    public var deleting: Bool?
    /// The pods that have it mounted, as "namespace/name".
    public var pods: [MountingPod]?

    public init(uid: String? = nil, phase: String? = nil, claim: String? = nil, capacity: String? = nil, reclaimPolicy: String? = nil,
                deleting: Bool? = nil, pods: [MountingPod]? = nil) {
        self.uid = uid
        self.phase = phase
        self.claim = claim
        self.capacity = capacity
        self.reclaimPolicy = reclaimPolicy
        self.deleting = deleting
        self.pods = pods
    }

    /// A pod with the volume mounted: where, and since when.
    public struct MountingPod: Codable, Sendable, Equatable {
        /// "namespace/name".
        public var pod: String
        public var uid: String
        public var node: String
        public var mountPaths: [String]
        public var since: Time?

        public init(pod: String, uid: String, node: String, mountPaths: [String], since: Time?) {
            self.pod = pod
            self.uid = uid
            self.node = node
            self.mountPaths = mountPaths
            self.since = since
        }
    }
}

extension VolumeHistory: APIResource {
    public static let resource = ResourceInfo(gvk: gvk, plural: "volumehistories", singular: "volumehistory", namespaced: false)

    public func validate() -> [FieldError] {
        entries.enumerated().flatMap { index, entry in
            entry.action.isEmpty ? [FieldError.required(FieldPath("entries").index(index).child("action"), "")] : []
        }
    }

    public static var tableColumns: [TableColumn] {
        [
            TableColumn("Entries", type: "integer", description: "How many things the history records."),
            TableColumn("Last", description: "The latest action."),
            TableColumn("Volume", description: "Whether the volume still exists."),
            TableColumn.age,
        ]
    }

    public func tableCells(now: Date) -> [JSONValue] {
        [.string(name), .int(Int64(entries.count)), .string(entries.last?.action ?? "<none>"),
         .string(volumeDeletedAt == nil ? "present" : "deleted"), .string(HumanDuration.since(metadata.creationTimestamp, now: now))]
    }
}
