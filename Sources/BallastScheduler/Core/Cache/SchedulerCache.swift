public import BallastAPI

/// The scheduler's view of the cluster: nodes with what their pods take, the pods placed
/// on nodes (bound, or assumed by the scheduler while their binding runs), and the storage
/// objects volume binding reads. Informers feed it; `SchedulingAlgorithm` reads it.
///
/// Assumed state is an overlay: a pod placed by the scheduler counts on its node at once,
/// and so do the claim and volume writes it decided (selected-node on a claim, claimRef on
/// a volume), until the API server's version of the object catches up (a newer
/// resourceVersion) or the scheduler forgets the assumption because binding failed. That
/// way pods scheduled one after another never take the same room twice.
public struct SchedulerCache: Sendable {
    /// A pod that occupies a node.
    public struct PlacedPod: Sendable {
        public var info: PodInfo
        public var node: String
        /// Placed by the scheduler, not yet confirmed bound by the API server.
        public var assumed: Bool
    }

    // MARK: Nodes and pods

    /// Every node, in a stable order the scheduler walks round-robin.
    public private(set) var nodeInfos: [NodeInfo] = []
    private var nodeIndex: [String: Int] = [:]
    public private(set) var pods: [String: PlacedPod] = [:]
    private var podsByNode: [String: Set<String>] = [:]
    /// claim key → pod key → node, for every placed pod that uses the claim.
    public private(set) var claimUsers: [String: [String: String]] = [:]

    // MARK: Storage

    private var apiVolumes: [String: PersistentVolume] = [:]
    /// Volumes as the scheduler should see them (assumed versions where there are any).
    public private(set) var volumes: [String: PersistentVolume] = [:]
    private var volumesByClass: [String: Set<String>] = [:]
    private var apiClaims: [String: PersistentVolumeClaim] = [:]
    /// Claims as the scheduler should see them (assumed versions where there are any).
    public private(set) var claims: [String: PersistentVolumeClaim] = [:]
    public private(set) var storageClasses: [String: StorageClass] = [:]
    /// CSIDriver spec.storageCapacity by driver name, where a CSIDriver object says so.
    public private(set) var storageCapacityTracking: [String: Bool] = [:]
    public private(set) var capacity = StorageCapacityLedger()
    /// The volume decisions of each assumed pod, to undo them if its binding fails.
    private var assumedVolumeDecisions: [String: PodVolumeDecisions] = [:]
    /// Volume name → the assumed pod whose decision changed it.
    private var volumeAssumedBy: [String: String] = [:]
    /// Claim key → the assumed pod whose decision changed it.
    private var claimAssumedBy: [String: String] = [:]

    public init() {}

    /// "namespace/name", or "name" for cluster-scoped objects.
    public static func key(namespace: String, name: String) -> String { namespace.isEmpty ? name : "\(namespace)/\(name)" }

    // MARK: Nodes

    public func nodeInfo(named name: String) -> NodeInfo? { nodeIndex[name].map { nodeInfos[$0] } }

    /// The node's position in `nodeInfos`.
    public func nodeIndex(named name: String) -> Int? { nodeIndex[name] }

    public var nodeCount: Int { nodeInfos.count }

    /// Adds or updates a node. Returns whether anything a pod's placement depends on changed.
    @discardableResult
    public mutating func upsertNode(_ node: Node) -> Bool {
        if let index = nodeIndex[node.name] {
            let changed = NodeInfo.schedulingInputsDiffer(nodeInfos[index].node, node)
            nodeInfos[index].update(node)
            return changed
        }
        var info = NodeInfo(node)
        for key in podsByNode[node.name] ?? [] { if let placed = pods[key] { info.add(placed.info) } }
        nodeIndex[node.name] = nodeInfos.count
        nodeInfos.append(info)
        return true
    }

    public mutating func removeNode(named name: String) {
        guard let index = nodeIndex.removeValue(forKey: name) else { return }
        let last = nodeInfos.count - 1
        if index != last {
            nodeInfos.swapAt(index, last)
            nodeIndex[nodeInfos[index].name] = index
        }
        nodeInfos.removeLast()
    }

    // MARK: Pods

    /// Takes a pod from the API: a pod bound to a node (and not finished) occupies it; a
    /// finished pod or one bound nowhere frees what it held, unless the scheduler has
    /// assumed it somewhere and the API has not caught up yet.
    public mutating func upsertPod(_ pod: Pod) {
        let key = Self.key(namespace: pod.namespace, name: pod.name)
        let nodeName = pod.spec?.nodeName ?? ""
        if pod.isTerminal {
            removePod(key: key)
            return
        }
        if nodeName.isEmpty {
            // Still unbound in the API: keep an assumption in place.
            if pods[key]?.assumed != true { removePod(key: key) }
            return
        }
        if let existing = pods[key], existing.node == nodeName, !existing.assumed, existing.info.pod.spec == pod.spec {
            pods[key]?.info = PodInfo(pod)
            return
        }
        removePod(key: key)
        place(PodInfo(pod), on: nodeName, assumed: false)
        dropAssumedVolumeDecisions(ofPod: key)
    }

    /// Stops tracking a pod's assumed volume decisions (the API holds them now).
    @discardableResult
    private mutating func dropAssumedVolumeDecisions(ofPod key: String) -> PodVolumeDecisions? {
        guard let decisions = assumedVolumeDecisions.removeValue(forKey: key) else { return nil }
        for binding in decisions.staticBindings where volumeAssumedBy[binding.volume] == key { volumeAssumedBy[binding.volume] = nil }
        for claim in decisions.dynamicProvisions where claimAssumedBy[claim] == key { claimAssumedBy[claim] = nil }
        return decisions
    }

    /// Removes a pod (deleted, or finished); an assumed pod's volume decisions are undone.
    public mutating func removePod(namespace: String, name: String) {
        let key = Self.key(namespace: namespace, name: name)
        if pods[key]?.assumed == true { forget(podKey: key) } else { removePod(key: key) }
    }

    mutating func removePod(key: String) {
        if pods[key]?.assumed != true { dropAssumedVolumeDecisions(ofPod: key) }
        guard let placed = pods.removeValue(forKey: key) else { return }
        podsByNode[placed.node]?.remove(key)
        if podsByNode[placed.node]?.isEmpty == true { podsByNode[placed.node] = nil }
        if let index = nodeIndex[placed.node] { nodeInfos[index].remove(placed.info) }
        for claim in placed.info.claimKeys {
            claimUsers[claim]?[key] = nil
            if claimUsers[claim]?.isEmpty == true { claimUsers[claim] = nil }
        }
    }

    private mutating func place(_ info: PodInfo, on node: String, assumed: Bool) {
        pods[info.key] = PlacedPod(info: info, node: node, assumed: assumed)
        podsByNode[node, default: []].insert(info.key)
        if let index = nodeIndex[node] { nodeInfos[index].add(info) }
        for claim in info.claimKeys { claimUsers[claim, default: [:]][info.key] = node }
    }

    /// Whether the pod is placed on a node (bound, or assumed).
    public func isPlaced(_ key: String) -> Bool { pods[key] != nil }

    // MARK: Assume and forget

    /// Places a pod the scheduler chose a node for, with its volume decisions, before any
    /// API write: its requests count on the node, the chosen volumes are taken and the
    /// claims to provision reserve their size there.
    public mutating func assume(_ pod: PodInfo, on node: String, volumes decisions: PodVolumeDecisions) {
        removePod(key: pod.key)
        place(pod, on: node, assumed: true)
        for binding in decisions.staticBindings {
            guard var volume = volumes[binding.volume], let claim = claims[binding.claim] else { continue }
            if volume.spec?.claimRef == nil { volume.metadata.setAnnotation(VolumeBindingRules.boundByController, "yes") }
            var spec = volume.spec ?? PersistentVolumeSpec()
            spec.claimRef = ObjectReference(kind: "PersistentVolumeClaim", namespace: claim.namespace, name: claim.name,
                                            uid: claim.uid, apiVersion: "v1", resourceVersion: claim.metadata.resourceVersion)
            volume.spec = spec
            setVolume(volume)
            volumeAssumedBy[binding.volume] = pod.key
        }
        for claimKey in decisions.dynamicProvisions {
            guard var claim = claims[claimKey] else { continue }
            claim.metadata.setAnnotation(VolumeBindingRules.selectedNode, node)
            setClaim(claim)
            claimAssumedBy[claimKey] = pod.key
        }
        assumedVolumeDecisions[pod.key] = decisions
    }

    /// Undoes `assume` after a failed binding: the pod leaves the node and its volume
    /// decisions go back to the API's versions of the objects.
    public mutating func forget(podKey key: String) {
        guard pods[key]?.assumed == true else { return }
        removePod(key: key)
        guard let decisions = dropAssumedVolumeDecisions(ofPod: key) else { return }
        for binding in decisions.staticBindings {
            if let volume = apiVolumes[binding.volume] { setVolume(volume) } else { dropVolume(binding.volume) }
        }
        for claimKey in decisions.dynamicProvisions {
            if let claim = apiClaims[claimKey] { setClaim(claim) } else { dropClaim(claimKey) }
        }
    }

    /// The volume decisions the scheduler assumed for a pod, if it still holds them.
    public func assumedVolumes(ofPod key: String) -> PodVolumeDecisions? { assumedVolumeDecisions[key] }

    /// Whether `new` supersedes an assumed `old`: the API has written it since.
    private static func supersedes(_ new: ObjectMeta, _ old: ObjectMeta) -> Bool {
        guard let newVersion = new.resourceVersion.flatMap({ Int64($0) }), let oldVersion = old.resourceVersion.flatMap({ Int64($0) }) else {
            return true
        }
        return newVersion > oldVersion
    }

    // MARK: Volumes

    public mutating func upsertVolume(_ volume: PersistentVolume) {
        apiVolumes[volume.name] = volume
        if let current = volumes[volume.name], current != volume, isAssumedVolume(volume.name), !Self.supersedes(volume.metadata, current.metadata) {
            return
        }
        setVolume(volume)
    }

    public mutating func removeVolume(named name: String) {
        apiVolumes[name] = nil
        dropVolume(name)
    }

    private func isAssumedVolume(_ name: String) -> Bool { volumeAssumedBy[name] != nil }

    private mutating func setVolume(_ volume: PersistentVolume) {
        if let old = volumes[volume.name], old.storageClassName != volume.storageClassName {
            volumesByClass[old.storageClassName]?.remove(volume.name)
        }
        volumes[volume.name] = volume
        volumesByClass[volume.storageClassName, default: []].insert(volume.name)
    }

    private mutating func dropVolume(_ name: String) {
        guard let old = volumes.removeValue(forKey: name) else { return }
        volumesByClass[old.storageClassName]?.remove(name)
        if volumesByClass[old.storageClassName]?.isEmpty == true { volumesByClass[old.storageClassName] = nil }
    }

    /// The volumes of a class, as the scheduler sees them.
    public func volumes(ofClass storageClass: String) -> LazyMapSequence<LazyFilterSequence<LazyMapSequence<Set<String>, PersistentVolume?>>, PersistentVolume> {
        (volumesByClass[storageClass] ?? []).lazy.compactMap { volumes[$0] }
    }

    // MARK: Claims

    public func claim(namespace: String, name: String) -> PersistentVolumeClaim? { claims[Self.key(namespace: namespace, name: name)] }

    public mutating func upsertClaim(_ claim: PersistentVolumeClaim) {
        let key = Self.key(namespace: claim.namespace, name: claim.name)
        apiClaims[key] = claim
        if let current = claims[key], current != claim, isAssumedClaim(key), !Self.supersedes(claim.metadata, current.metadata) {
            return
        }
        setClaim(claim)
    }

    public mutating func removeClaim(namespace: String, name: String) {
        let key = Self.key(namespace: namespace, name: name)
        apiClaims[key] = nil
        dropClaim(key)
    }

    private func isAssumedClaim(_ key: String) -> Bool { claimAssumedBy[key] != nil }

    private mutating func setClaim(_ claim: PersistentVolumeClaim) {
        let key = Self.key(namespace: claim.namespace, name: claim.name)
        claims[key] = claim
        capacity.setReservation(Self.reservation(of: claim), forClaim: key)
    }

    private mutating func dropClaim(_ key: String) {
        claims[key] = nil
        capacity.setReservation(nil, forClaim: key)
    }

    /// What a claim being provisioned will take on its selected node: a claim with
    /// selected-node that is not bound to a volume yet.
    static func reservation(of claim: PersistentVolumeClaim) -> StorageCapacityLedger.Reservation? {
        guard let node = claim.metadata.annotation(VolumeBindingRules.selectedNode), !node.isEmpty,
            (claim.spec?.volumeName ?? "").isEmpty, !claim.metadata.isDeleting,
            let bytes = claim.spec?.storageRequest?.value
        else { return nil }
        let storageClass = VolumeBindingRules.storageClass(of: claim)
        guard !storageClass.isEmpty else { return nil }
        return .init(storageClass: storageClass, node: node, bytes: bytes)
    }

    // MARK: Classes, drivers and capacity

    public mutating func upsertStorageClass(_ storageClass: StorageClass) { storageClasses[storageClass.name] = storageClass }

    public mutating func removeStorageClass(named name: String) { storageClasses[name] = nil }

    /// Records a CSIDriver's spec.storageCapacity (nil when the CSIDriver object is gone).
    public mutating func setStorageCapacityTracking(driver: String, enabled: Bool?) { storageCapacityTracking[driver] = enabled }

    public mutating func upsertCapacity(_ object: CSIStorageCapacity) { capacity.upsert(object) }

    public mutating func removeCapacity(namespace: String, name: String) { capacity.remove(key: Self.key(namespace: namespace, name: name)) }

    /// Whether the scheduler checks free storage before provisioning for this class: when
    /// the provisioner's CSIDriver says storageCapacity (true or false), that decides, as in
    /// Kubernetes; with no CSIDriver object, when a node agent publishes capacity records
    /// for the class.
    public func tracksCapacity(of storageClass: StorageClass) -> Bool {
        if let declared = storageCapacityTracking[storageClass.provisioner] { return declared }
        return capacity.hasRecords(forClass: storageClass.name)
    }

    // MARK: Invariants

    /// Checks that node totals equal the sum of their pods and every index agrees (tests).
    public func testOnly_verifyInvariants() -> Bool {
        for (offset, info) in nodeInfos.enumerated() {
            guard nodeIndex[info.name] == offset else { return false }
            var expected = ResourceList()
            var count = 0
            for key in podsByNode[info.name] ?? [] {
                guard let placed = pods[key], placed.node == info.name else { return false }
                expected.add(placed.info.request.requests)
                count += 1
            }
            expected.scalar = expected.scalar.filter { $0.value != 0 }
            var requested = info.requested
            requested.scalar = requested.scalar.filter { $0.value != 0 }
            if expected != requested || count != info.podCount { return false }
        }
        if nodeIndex.count != nodeInfos.count { return false }
        for (key, placed) in pods where podsByNode[placed.node]?.contains(key) != true { return false }
        for (name, volume) in volumes where volumesByClass[volume.storageClassName]?.contains(name) != true { return false }
        for (key, claim) in claims where capacity.reservation(ofClaim: key) != Self.reservation(of: claim) { return false }
        return capacity.testOnly_verifyInvariants()
    }
}
