public import BallastAPI

/// `ballast storage capacity`: per node and class, what the node agents publish (free, and
/// the largest volume that still fits), what volumes there already hold, and what claims
/// being provisioned there will take.
public struct CapacityReport: Sendable, Codable, Equatable {
    public struct Row: Sendable, Codable, Equatable {
        public var node: String
        public var storageClass: String
        /// Bytes of the volumes of this class on the node.
        public var usedBytes: Int64
        /// Bytes claims selected for the node but not yet bound will take.
        public var reservedBytes: Int64
        public var freeBytes: Int64?
        public var largestVolumeBytes: Int64?
    }

    public var rows: [Row]

    public init(capacities: [CSIStorageCapacity], volumes: [PersistentVolume], claims: [PersistentVolumeClaim]) {
        var rows: [Row] = []
        for record in capacities {
            guard let node = record.nodeTopology?.matchLabels?["kubernetes.io/hostname"] else { continue }
            let used = volumes.filter { $0.nodeAffinityHostname == node && $0.spec?.storageClassName == record.storageClassName }
                .compactMap { $0.spec?.storageCapacity?.value }.reduce(0, +)
            let reserved = claims.filter {
                $0.metadata.annotation(VolumeBindingRules.selectedNode) == node && ($0.spec?.volumeName ?? "").isEmpty
                    && $0.spec?.storageClassName == record.storageClassName
            }.compactMap { $0.spec?.storageRequest?.value }.reduce(0, +)
            rows.append(Row(node: node, storageClass: record.storageClassName, usedBytes: used, reservedBytes: reserved,
                            freeBytes: record.capacity?.value, largestVolumeBytes: record.largestVolume?.value))
        }
        self.rows = rows.sorted { ($0.node, $0.storageClass) < ($1.node, $1.storageClass) }
    }

    public var table: TextTable {
        TextTable(headers: ["node", "class", "used", "reserved", "free", "largest volume"], rows: rows.map { row in
            [row.node, row.storageClass, Quantity(row.usedBytes).description, Quantity(row.reservedBytes).description,
             row.freeBytes.map { Quantity($0).description } ?? "-", row.largestVolumeBytes.map { Quantity($0).description } ?? "-"]
        })
    }
}
