public import BallastAPI

/// The free storage the node agents publish (CSIStorageCapacity objects), indexed so that
/// the records that apply to a node are found from its labels, and the storage that
/// provisions already under way will take (claims with selected-node that are not bound
/// yet, including those the scheduler has only assumed).
///
/// Free space is never summed across records: each record is one pool (one volume group),
/// and a volume must fit in one of them (TopoLVM #1139). Reservations are charged to the
/// records of the node they are reserved on; Ballast's agents publish one record per node
/// and class, so that is exact there. A record that spans several nodes is charged only
/// with the reservations of the node being evaluated.
public struct StorageCapacityLedger: Sendable {
    struct Entry: Sendable {
        var object: CSIStorageCapacity
        /// The parsed nodeTopology; nil when the record applies to no node (no topology, or
        /// an invalid one).
        var topology: LabelQuery?
        /// The label pair it is indexed under, or nil when it is checked against every node.
        var indexPair: LabelPair?

        /// All the space the pool has left: capacity, else maximumVolumeSize; -1 when the
        /// record states neither, so that not even an empty volume fits (as upstream).
        var total: Int64 { (object.capacity ?? object.maximumVolumeSize)?.value ?? -1 }
        /// The largest single volume it can make: maximumVolumeSize, else capacity.
        var largestVolume: Int64 { object.largestVolume?.value ?? -1 }
    }

    struct LabelPair: Sendable, Hashable {
        var key: String
        var value: String
    }

    private struct ClassIndex: Sendable {
        var byLabel: [LabelPair: Set<String>] = [:]
        var unindexed: Set<String> = []
        var count = 0
    }

    /// Storage a claim will take on a node once provisioned.
    public struct Reservation: Sendable, Equatable {
        public var storageClass: String
        public var node: String
        public var bytes: Int64
    }

    private var entries: [String: Entry] = [:]
    private var classes: [String: ClassIndex] = [:]
    /// class → node → claim key → bytes.
    private var reserved: [String: [String: [String: Int64]]] = [:]
    private var reservationOfClaim: [String: Reservation] = [:]

    public init() {}

    // MARK: Records

    /// Adds or replaces a record ("namespace/name" key).
    public mutating func upsert(_ capacity: CSIStorageCapacity) {
        let key = SchedulerCache.key(namespace: capacity.namespace, name: capacity.name)
        remove(key: key)
        let topology = capacity.nodeTopology.flatMap { try? $0.requirements() }
        let pair = capacity.nodeTopology?.matchLabels?.min { $0.key < $1.key }.map { LabelPair(key: $0.key, value: $0.value) }
        let entry = Entry(object: capacity, topology: topology, indexPair: topology == nil ? nil : pair)
        entries[key] = entry
        var index = classes[capacity.storageClassName] ?? ClassIndex()
        if topology != nil {
            if let pair = entry.indexPair { index.byLabel[pair, default: []].insert(key) } else { index.unindexed.insert(key) }
        }
        index.count += 1
        classes[capacity.storageClassName] = index
    }

    public mutating func remove(key: String) {
        guard let entry = entries.removeValue(forKey: key) else { return }
        let storageClass = entry.object.storageClassName
        guard var index = classes[storageClass] else { return }
        if let pair = entry.indexPair {
            index.byLabel[pair]?.remove(key)
            if index.byLabel[pair]?.isEmpty == true { index.byLabel[pair] = nil }
        } else {
            index.unindexed.remove(key)
        }
        index.count -= 1
        classes[storageClass] = index.count > 0 ? index : nil
    }

    public func capacity(key: String) -> CSIStorageCapacity? { entries[key]?.object }

    /// Whether any record of the class exists (the class's storage is tracked).
    public func hasRecords(forClass storageClass: String) -> Bool { classes[storageClass] != nil }

    /// The records of `storageClass` whose topology selects a node with these labels, by key.
    func entries(forClass storageClass: String, nodeLabels: [String: String]) -> [(key: String, entry: Entry)] {
        guard let index = classes[storageClass] else { return [] }
        var keys: [String] = []
        for (labelKey, labelValue) in nodeLabels {
            if let found = index.byLabel[LabelPair(key: labelKey, value: labelValue)] { keys.append(contentsOf: found) }
        }
        keys.append(contentsOf: index.unindexed)
        var result: [(key: String, entry: Entry)] = []
        for key in keys {
            guard let entry = entries[key], let topology = entry.topology, topology.matches(nodeLabels) else { continue }
            result.append((key, entry))
        }
        if result.count > 1 { result.sort { $0.key < $1.key } }
        return result
    }

    // MARK: Reservations

    /// Records what a claim will take (or nil when it takes nothing in flight).
    public mutating func setReservation(_ reservation: Reservation?, forClaim claim: String) {
        if let old = reservationOfClaim.removeValue(forKey: claim) {
            reserved[old.storageClass]?[old.node]?[claim] = nil
            if reserved[old.storageClass]?[old.node]?.isEmpty == true { reserved[old.storageClass]?[old.node] = nil }
            if reserved[old.storageClass]?.isEmpty == true { reserved[old.storageClass] = nil }
        }
        guard let reservation else { return }
        reservationOfClaim[claim] = reservation
        reserved[reservation.storageClass, default: [:]][reservation.node, default: [:]][claim] = reservation.bytes
    }

    public func reservation(ofClaim claim: String) -> Reservation? { reservationOfClaim[claim] }

    /// The reservations on a node for a class, by claim key.
    public func reservations(forClass storageClass: String, node: String) -> [String: Int64] {
        reserved[storageClass]?[node] ?? [:]
    }

    // MARK: Fitting

    /// The result of fitting new volumes on a node.
    public struct Fit: Sendable, Equatable {
        public var fits: Bool
        /// The largest volume the node could still take afterwards (for scoring).
        public var largestFreeAfter: Int64
    }

    /// Whether volumes of these sizes fit on the node beside what is already reserved there
    /// (except the reservations of `ownClaims`, which the sizes already include): each
    /// volume must fit whole in one record's pool, within its maximumVolumeSize.
    ///
    /// Reservations go first, largest first, each into the first pool with room; one that
    /// fits nowhere is taken to be already reflected in the published capacity. Then the
    /// new volumes, largest first, first fit.
    public func fit(sizes: [Int64], storageClass: String, node: String, nodeLabels: [String: String],
                    ownClaims: Set<String>) -> Fit {
        let records = entries(forClass: storageClass, nodeLabels: nodeLabels)
        guard !records.isEmpty else { return Fit(fits: sizes.isEmpty, largestFreeAfter: 0) }
        var remaining = records.map(\.entry.total)
        var largest = records.map(\.entry.largestVolume)
        let pending = reservations(forClass: storageClass, node: node).filter { !ownClaims.contains($0.key) }.map(\.value)
        for bytes in pending.sorted(by: >) {
            if let pool = remaining.indices.first(where: { remaining[$0] >= bytes }) { remaining[pool] -= bytes }
        }
        for pool in remaining.indices { largest[pool] = min(largest[pool], remaining[pool]) }
        for bytes in sizes.sorted(by: >) {
            guard let pool = remaining.indices.first(where: { largest[$0] >= bytes }) else {
                return Fit(fits: false, largestFreeAfter: largest.max() ?? 0)
            }
            remaining[pool] -= bytes
            largest[pool] = min(largest[pool], remaining[pool])
        }
        return Fit(fits: true, largestFreeAfter: largest.max() ?? 0)
    }

    /// Checks that every reservation and record sits in the indexes it should (tests).
    public func testOnly_verifyInvariants() -> Bool {
        var counted: [String: Int] = [:]
        for (key, entry) in entries {
            let storageClass = entry.object.storageClassName
            counted[storageClass, default: 0] += 1
            guard let index = classes[storageClass] else { return false }
            if entry.topology == nil { continue }
            if let pair = entry.indexPair {
                if index.byLabel[pair]?.contains(key) != true { return false }
            } else if !index.unindexed.contains(key) {
                return false
            }
        }
        if counted != classes.mapValues(\.count) { return false }
        for (claim, reservation) in reservationOfClaim where reserved[reservation.storageClass]?[reservation.node]?[claim] != reservation.bytes {
            return false
        }
        let total = reserved.values.reduce(0) { $0 + $1.values.reduce(0) { $0 + $1.count } }
        return total == reservationOfClaim.count
    }
}
