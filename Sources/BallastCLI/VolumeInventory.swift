public import BallastAPI

/// `ballast pv list`: every PersistentVolume with its claim, phase, class, node and where
/// its data lives.
public struct VolumeInventory: Sendable, Codable, Equatable {
    public struct Row: Sendable, Codable, Equatable {
        public var name: String
        public var claim: String?
        public var phase: String?
        public var storageClass: String?
        public var reclaimPolicy: String?
        public var capacityBytes: Int64?
        public var backing: VolumeBacking?
    }

    public var volumes: [Row]

    public init(volumes: [PersistentVolume]) {
        self.volumes = volumes.sorted { $0.name < $1.name }.map { volume in
            let claim = volume.spec?.claimRef.map { "\($0.namespace ?? "")/\($0.name ?? "")" }
            return Row(name: volume.name, claim: claim, phase: volume.status?.phase, storageClass: volume.spec?.storageClassName,
                       reclaimPolicy: volume.spec?.persistentVolumeReclaimPolicy, capacityBytes: volume.spec?.storageCapacity?.value,
                       backing: VolumeBacking(volume))
        }
    }

    public var table: TextTable {
        TextTable(headers: ["name", "claim", "phase", "class", "reclaim", "node", "kind", "backing", "fs", "capacity"], rows: volumes.map { row in
            [row.name, row.claim ?? "-", row.phase ?? "-", row.storageClass ?? "-", row.reclaimPolicy ?? "-", row.backing?.node ?? "-",
             row.backing?.kind ?? "-", row.backing?.location ?? "-", row.backing?.filesystem ?? "-",
             row.capacityBytes.map { Quantity($0).description } ?? "-"]
        })
    }
}
