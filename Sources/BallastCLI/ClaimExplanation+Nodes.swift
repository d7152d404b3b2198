import BallastAPI

extension ClaimExplanation {
    /// Each node's room for the claim's volume, as the scheduler's capacity check sees it
    /// (VolumeBinding with its StorageCapacityLedger): the node must be in the class's
    /// allowedTopologies, and a record of the class whose topology selects the node must hold
    /// the volume whole, after what other claims being provisioned there will take.
    static func room(for bytes: Int64, of claim: PersistentVolumeClaim, storageClass: StorageClass, records: [CSIStorageCapacity],
                     nodes: [Node], claims: [PersistentVolumeClaim]) -> [NodeRoom] {
        let request = claim.spec?.storageRequest ?? Quantity(bytes)
        return nodes.sorted { $0.name < $1.name }.map { node in
            let labels = node.metadata.labels ?? [:]
            guard allowsTopology(storageClass.allowedTopologies, labels: labels) else {
                return NodeRoom(node: node.name, reservedBytes: 0, fits: false, detail: "outside class \(storageClass.name)'s allowedTopologies")
            }
            let pools = records.filter { $0.nodeTopology?.matches(labels) == true }
            guard !pools.isEmpty else {
                return NodeRoom(node: node.name, reservedBytes: 0, fits: false, detail: "publishes no capacity for class \(storageClass.name)")
            }
            let reserved = claims.filter { other in
                !(other.namespace == claim.namespace && other.name == claim.name)
                    && other.metadata.annotation(VolumeBindingRules.selectedNode) == node.name
                    && (other.spec?.volumeName ?? "").isEmpty && VolumeBindingRules.storageClass(of: other) == storageClass.name
            }.compactMap { $0.spec?.storageRequest?.value }.reduce(0, +)
            // Each record is one pool (a volume group) and a volume must fit whole in one of
            // them, so the roomiest pool speaks for the node. Ballast's agents publish one
            // record per node and class; with several, reservations are charged to each.
            let (free, largest) = pools.map { record -> (Int64, Int64) in
                let free = (record.capacity ?? record.maximumVolumeSize)?.value ?? 0
                return (free, max(0, min(record.largestVolume?.value ?? 0, free - reserved)))
            }.max { $0.1 < $1.1 } ?? (0, 0)
            let fits = largest >= bytes
            var detail = "\(Quantity(free)) free"
            if reserved > 0 { detail += " (\(Quantity(reserved)) of it reserved for claims being provisioned)" }
            detail += ", largest \(Quantity(largest)) \(fits ? ">=" : "<") \(request) requested"
            return NodeRoom(node: node.name, freeBytes: free, largestVolumeBytes: largest, reservedBytes: reserved, fits: fits, detail: detail)
        }
    }

    /// MatchTopologySelectorTerms, as the scheduler's VolumeBinding applies allowedTopologies:
    /// no terms allow every node; a term without expressions allows none.
    private static func allowsTopology(_ terms: [TopologySelectorTerm]?, labels: [String: String]) -> Bool {
        guard let terms, !terms.isEmpty else { return true }
        return terms.contains { !($0.matchLabelExpressions ?? []).isEmpty && $0.matches(labels) }
    }
}
