/// The PVs a binding controller knows, indexed so that finding the best match for a claim
/// never scans every volume: free volumes (no claimRef) sit in buckets keyed by their set of
/// access modes and their class, sorted by capacity; volumes with a claimRef are found by
/// the claim they name.
///
/// `findBestMatch` gives exactly the answer of Kubernetes' findBestMatchForClaim: access-mode
/// sets are tried from the fewest modes up; within one, a volume pre-bound to the claim wins,
/// else the smallest Available volume that fits.
public struct PersistentVolumeIndex: Sendable {
    private struct Entry: Sendable, Equatable {
        var capacity: Quantity
        var name: String

        static func before(_ a: Entry, _ b: Entry) -> Bool {
            a.capacity != b.capacity ? a.capacity < b.capacity : a.name < b.name
        }
    }

    private struct Placement: Sendable, Equatable {
        var modes: String
        var storageClass: String
        var claim: String?
        var capacity: Quantity
    }

    public private(set) var volumes: [String: PersistentVolume] = [:]
    private var placements: [String: Placement] = [:]
    /// access modes → class → free volumes by capacity.
    private var free: [String: [String: [Entry]]] = [:]
    /// "namespace/name" of a claim → volumes whose claimRef names it.
    private var claimed: [String: Set<String>] = [:]
    /// Free volumes a sync is binding right now → the claim it binds them to. Concurrent
    /// syncs of other claims pass them over instead of racing for the same volume.
    private var held: [String: String] = [:]

    public init() {}

    static func modesKey(_ modes: [PersistentVolumeAccessMode]?) -> String {
        Set((modes ?? []).map(\.rawValue)).sorted().joined(separator: ",")
    }

    static func claimKey(namespace: String?, name: String?) -> String { "\(namespace ?? "")/\(name ?? "")" }

    public func volume(named name: String) -> PersistentVolume? { volumes[name] }

    /// Adds or replaces a volume.
    public mutating func upsert(_ volume: PersistentVolume) {
        unplace(volume.name)
        let claimRef = volume.spec?.claimRef
        let placement = Placement(modes: Self.modesKey(volume.spec?.accessModes), storageClass: volume.storageClassName,
                                  claim: claimRef.map { Self.claimKey(namespace: $0.namespace, name: $0.name) },
                                  capacity: volume.spec?.storageCapacity ?? Quantity(0))
        volumes[volume.name] = volume
        placements[volume.name] = placement
        if let claim = placement.claim {
            claimed[claim, default: []].insert(volume.name)
        } else {
            let entry = Entry(capacity: placement.capacity, name: volume.name)
            var bucket = free[placement.modes, default: [:]][placement.storageClass, default: []]
            bucket.insert(entry, at: Self.insertionPoint(of: entry, in: bucket))
            free[placement.modes, default: [:]][placement.storageClass] = bucket
        }
    }

    public mutating func remove(named name: String) {
        unplace(name)
        held[name] = nil
    }

    /// Holds a free volume for the claim ("namespace/name") a sync is binding it to.
    public mutating func hold(_ name: String, for claimKey: String) { held[name] = claimKey }

    /// Ends a hold once the binding was written (or failed).
    public mutating func release(_ name: String) { held[name] = nil }

    private mutating func unplace(_ name: String) {
        guard let placement = placements.removeValue(forKey: name) else { return }
        volumes[name] = nil
        if let claim = placement.claim {
            claimed[claim]?.remove(name)
            if claimed[claim]?.isEmpty == true { claimed[claim] = nil }
        } else if var bucket = free[placement.modes]?[placement.storageClass] {
            let entry = Entry(capacity: placement.capacity, name: name)
            let index = Self.insertionPoint(of: entry, in: bucket)
            if index < bucket.count, bucket[index] == entry { bucket.remove(at: index) }
            free[placement.modes]?[placement.storageClass] = bucket.isEmpty ? nil : bucket
        }
    }

    private static func insertionPoint(of entry: Entry, in bucket: [Entry]) -> Int {
        var low = 0
        var high = bucket.count
        while low < high {
            let middle = (low + high) / 2
            if Entry.before(bucket[middle], entry) { low = middle + 1 } else { high = middle }
        }
        return low
    }

    /// The first position whose capacity is at least `capacity`.
    private static func firstFitting(_ capacity: Quantity, in bucket: [Entry]) -> Int {
        var low = 0
        var high = bucket.count
        while low < high {
            let middle = (low + high) / 2
            if bucket[middle].capacity < capacity { low = middle + 1 } else { high = middle }
        }
        return low
    }

    /// The volume the binding controller should bind `claim` to, or nil.
    public func findBestMatch(for claim: PersistentVolumeClaim, delayBinding: Bool) -> PersistentVolume? {
        let requested = Set((claim.spec?.accessModes ?? []).map(\.rawValue))
        let preboundNames = claimed[Self.claimKey(namespace: claim.namespace, name: claim.name)] ?? []
        var keys = Set(free.keys)
        for name in preboundNames { if let modes = placements[name]?.modes { keys.insert(modes) } }
        var candidates: [(key: String, count: Int)] = []
        for key in keys {
            let modes = Set(key.split(separator: ",").map(String.init))
            if requested.isSubset(of: modes) { candidates.append((key, modes.count)) }
        }
        candidates.sort { lhs, rhs in lhs.count != rhs.count ? lhs.count < rhs.count : lhs.key < rhs.key }
        let requestedCapacity = claim.spec?.storageRequest ?? Quantity(0)
        let requestedClass = VolumeBindingRules.storageClass(of: claim)
        for (key, _) in candidates {
            let prebound = preboundNames.filter { placements[$0]?.modes == key }.compactMap { volumes[$0] }
            if let match = VolumeBindingRules.findMatchingVolume(claim: claim, volumes: prebound.sorted { $0.name < $1.name },
                                                                 node: nil, delayBinding: delayBinding) {
                return match
            }
            guard !delayBinding, let bucket = free[key]?[requestedClass] else { continue }
            let claimKey = Self.claimKey(namespace: claim.namespace, name: claim.name)
            for entry in bucket[Self.firstFitting(requestedCapacity, in: bucket)...] {
                if let holder = held[entry.name], holder != claimKey { continue }
                guard let volume = volumes[entry.name] else { continue }
                if VolumeBindingRules.findMatchingVolume(claim: claim, volumes: [volume], node: nil, delayBinding: false) != nil {
                    return volume
                }
            }
        }
        return nil
    }

    /// Every volume whose claimRef names the claim (namespace/name), whatever its uid.
    public func volumes(claimedBy namespace: String, _ name: String) -> [PersistentVolume] {
        (claimed[Self.claimKey(namespace: namespace, name: name)] ?? []).compactMap { volumes[$0] }
    }

    /// Checks that every volume sits in exactly the index its claimRef and modes say (tests).
    public func testOnly_verifyInvariants() -> Bool {
        var seen = Set<String>()
        for (modes, classes) in free {
            for (storageClass, bucket) in classes {
                for (offset, entry) in bucket.enumerated() {
                    guard let placement = placements[entry.name], placement.claim == nil, placement.modes == modes,
                        placement.storageClass == storageClass, seen.insert(entry.name).inserted
                    else { return false }
                    if offset > 0, !Entry.before(bucket[offset - 1], entry) { return false }
                }
            }
        }
        for (claim, names) in claimed {
            for name in names {
                guard placements[name]?.claim == claim, seen.insert(name).inserted else { return false }
            }
        }
        return seen == Set(volumes.keys) && seen == Set(placements.keys)
    }
}
