public import BallastAPI

/// VolumeBinding: a pod's claims must be bindable on the node. A bound claim's volume must
/// be reachable from the node (its node affinity); an unbound WaitForFirstConsumer claim
/// needs a free volume reachable from the node, or a class that may provision there
/// (allowedTopologies) with room for it (CSIStorageCapacity, minus provisions under way);
/// an unbound Immediate claim (or one pre-bound by volumeName) makes the pod wait.
///
/// Follows kube-scheduler's plugin and its SchedulerVolumeBinder, with two changes from
/// Ballast's storage rules: all the claims a pod provisions on a node are checked for room
/// together, and room already promised to provisions in flight is not promised twice.
public struct VolumeBindingPlugin: FilterPlugin {
    public let name = "VolumeBinding"

    /// The node reasons (ConflictReason), verbatim.
    public static let nodeConflict = "node(s) had volume node affinity conflict"
    public static let bindConflict = "node(s) didn't find available persistent volumes to bind"
    public static let notEnoughSpace = "node(s) did not have enough free storage"
    public static let volumeMissing = "node(s) unavailable due to one or more pvc(s) bound to non-existent pv(s)"
    /// PreFilter's reason when an Immediate (or pre-bound) claim is not bound yet.
    public static let unboundImmediate = "pod has unbound immediate PersistentVolumeClaims"
    /// The class provisioner that means "static volumes only".
    public static let noProvisioner = "kubernetes.io/no-provisioner"

    public init() {}

    public func preFilter(_ pod: PodInfo, state: CycleState, in cache: SchedulerCache) -> PreFilterResult {
        switch Self.podClaims(pod, in: cache) {
        case .failure(let status):
            return .reject(status)
        case .success(let claims):
            if claims.isEmpty { return .skip }
            if !claims.unboundImmediate.isEmpty {
                return .reject(PluginStatus(.unschedulableAndUnresolvable, Self.unboundImmediate, plugin: name))
            }
            let volumeState = VolumeBindingState(claims: claims, ownClaims: Set(pod.claimKeys))
            state.volumeBinding = volumeState
            return .filter(Filter(state: volumeState, plugin: name))
        }
    }

    struct Filter: NodeFilter {
        let state: VolumeBindingState
        let plugin: String

        func filter(_ node: NodeInfo, in cache: SchedulerCache) -> PluginStatus? {
            switch VolumeBindingPlugin.findPodVolumes(state.claims, ownClaims: state.ownClaims, on: node, in: cache) {
            case .success(let found):
                state.decisionsByNode[node.name] = found.decisions
                if let fit = found.storageFit { state.storageFitByNode[node.name] = fit }
                return nil
            case .failure(let status):
                return PluginStatus(status.code, status.reasons, plugin: plugin)
            }
        }
    }

    // MARK: Claims of a pod

    /// A pod's claims sorted the way volume binding treats them (GetPodVolumeClaims).
    public struct PodClaims: Sendable {
        /// Bound claims (volumeName set and bind-completed): their volume must fit the node.
        public var bound: [PersistentVolumeClaim] = []
        /// Unbound claims of WaitForFirstConsumer classes: the scheduler picks a volume or
        /// provisions.
        public var unboundDelayed: [PersistentVolumeClaim] = []
        /// Unbound claims of Immediate classes (or pre-bound by volumeName): the binder's job.
        public var unboundImmediate: [PersistentVolumeClaim] = []

        public var isEmpty: Bool { bound.isEmpty && unboundDelayed.isEmpty && unboundImmediate.isEmpty }
        /// Whether every claim is bound already.
        public var allBound: Bool { unboundDelayed.isEmpty && unboundImmediate.isEmpty }
    }

    /// Whether a claim's binding is complete: it names its volume and the binder finished.
    public static func isFullyBound(_ claim: PersistentVolumeClaim) -> Bool {
        !(claim.spec?.volumeName ?? "").isEmpty && claim.metadata.annotation(VolumeBindingRules.bindCompleted) != nil
    }

    /// Reads and sorts the pod's claims; fails (for every node) when one is missing, lost,
    /// being deleted, or an ephemeral volume's claim the pod does not own.
    public static func podClaims(_ pod: PodInfo, in cache: SchedulerCache) -> Result<PodClaims, PluginStatus> {
        var claims = PodClaims()
        var seen = Set<String>()
        for reference in pod.claims {
            let key = SchedulerCache.key(namespace: pod.namespace, name: reference.name)
            guard seen.insert(key).inserted else { continue }
            guard let claim = cache.claims[key] else {
                let message = reference.ephemeral
                    ? "waiting for ephemeral volume controller to create the persistentvolumeclaim \"\(reference.name)\""
                    : "persistentvolumeclaim \"\(reference.name)\" not found"
                return .failure(PluginStatus(.unschedulableAndUnresolvable, message, plugin: "VolumeBinding"))
            }
            if claim.phase == PersistentVolumeClaimPhase.lost {
                let message = "persistentvolumeclaim \"\(claim.name)\" bound to non-existent persistentvolume \"\(claim.spec?.volumeName ?? "")\""
                return .failure(PluginStatus(.unschedulableAndUnresolvable, message, plugin: "VolumeBinding"))
            }
            if claim.metadata.isDeleting {
                return .failure(PluginStatus(.unschedulableAndUnresolvable, "persistentvolumeclaim \"\(claim.name)\" is being deleted", plugin: "VolumeBinding"))
            }
            if reference.ephemeral, claim.metadata.controllerReference?.uid != pod.pod.uid || pod.pod.uid.isEmpty {
                let message = "PVC \(claim.namespace)/\(claim.name) was not created for pod \(pod.namespace)/\(pod.name) (pod is not owner)"
                return .failure(PluginStatus(.unschedulableAndUnresolvable, message, plugin: "VolumeBinding"))
            }
            if isFullyBound(claim) {
                claims.bound.append(claim)
            } else if (claim.spec?.volumeName ?? "").isEmpty, isDelayBinding(claim, in: cache) {
                claims.unboundDelayed.append(claim)
            } else {
                claims.unboundImmediate.append(claim)
            }
        }
        return .success(claims)
    }

    /// Whether the claim's class (which must exist) binds WaitForFirstConsumer.
    static func isDelayBinding(_ claim: PersistentVolumeClaim, in cache: SchedulerCache) -> Bool {
        let className = VolumeBindingRules.storageClass(of: claim)
        guard !className.isEmpty, let storageClass = cache.storageClasses[className] else { return false }
        return storageClass.effectiveVolumeBindingMode == VolumeBindingMode.waitForFirstConsumer
    }

    // MARK: One node

    /// What fits the pod's claims on one node: the decisions, and for provisioned classes
    /// with tracked capacity the largest volume the node could still take afterwards.
    public struct NodeVolumes: Sendable {
        public var decisions: PodVolumeDecisions
        public var storageFit: StorageFit?
    }

    /// Free storage left on a node after the pod's provisions (for the storage score).
    public struct StorageFit: Sendable, Equatable {
        public var storageClass: String
        public var largestFreeAfter: Int64
    }

    /// FindPodVolumes for one node: nil reasons when every claim can be bound there.
    public static func findPodVolumes(_ claims: PodClaims, ownClaims: Set<String>, on node: NodeInfo,
                                      in cache: SchedulerCache) -> Result<NodeVolumes, PluginStatus> {
        var boundSatisfied = true
        var volumesFound = true
        var unboundSatisfied = true
        var enoughSpace = true
        var decisions = PodVolumeDecisions()
        var storageFit: StorageFit?

        func outcome() -> Result<NodeVolumes, PluginStatus> {
            var reasons: [String] = []
            if !boundSatisfied { reasons.append(nodeConflict) }
            if !unboundSatisfied { reasons.append(bindConflict) }
            if !enoughSpace { reasons.append(notEnoughSpace) }
            if !volumesFound { reasons.append(volumeMissing) }
            if reasons.isEmpty { return .success(NodeVolumes(decisions: decisions, storageFit: storageFit)) }
            return .failure(PluginStatus(.unschedulableAndUnresolvable, reasons, plugin: "VolumeBinding"))
        }

        for claim in claims.bound {
            guard let volume = cache.volumes[claim.spec?.volumeName ?? ""] else {
                volumesFound = false
                break
            }
            if !VolumeBindingRules.nodeAffinitySatisfied(volume, nodeLabels: node.labels, nodeName: node.name) {
                boundSatisfied = false
                break
            }
        }

        guard !claims.unboundDelayed.isEmpty else { return outcome() }
        var toProvision: [PersistentVolumeClaim] = []
        var toMatch: [PersistentVolumeClaim] = []
        for claim in claims.unboundDelayed {
            if let selected = claim.metadata.annotation(VolumeBindingRules.selectedNode) {
                // Provisioning was asked on a node already: only that node will do.
                guard selected == node.name else {
                    unboundSatisfied = false
                    return outcome()
                }
                toProvision.append(claim)
            } else {
                toMatch.append(claim)
            }
        }

        if !toMatch.isEmpty {
            // Smallest requests first, so each takes the smallest volume that fits it.
            let sorted = toMatch.enumerated().sorted { lhs, rhs in
                let (a, b) = (request(of: lhs.element), request(of: rhs.element))
                return a != b ? a < b : lhs.offset < rhs.offset
            }.map(\.element)
            var chosen = Set<String>()
            var allMatched = true
            for claim in sorted {
                let storageClass = VolumeBindingRules.storageClass(of: claim)
                let match = VolumeBindingRules.findMatchingVolume(
                    claim: claim, volumes: cache.volumes(ofClass: storageClass), node: (node.name, node.labels), excluded: chosen,
                    delayBinding: true)
                guard let match else {
                    toProvision.append(claim)
                    allMatched = false
                    continue
                }
                chosen.insert(match.name)
                decisions.staticBindings.append(.init(claim: claimKey(claim), volume: match.name))
            }
            unboundSatisfied = allMatched
        }

        if !toProvision.isEmpty {
            switch checkProvisioning(toProvision, ownClaims: ownClaims, on: node, in: cache) {
            case .failure(let status): return .failure(status)
            case .success(let check):
                unboundSatisfied = check.provisionable
                enoughSpace = check.enoughSpace
                if check.provisionable && check.enoughSpace {
                    decisions.dynamicProvisions = toProvision.map(claimKey)
                    storageFit = check.fit
                }
            }
        }
        return outcome()
    }

    struct ProvisioningCheck {
        var provisionable: Bool
        var enoughSpace: Bool
        var fit: StorageFit?
    }

    /// checkVolumeProvisions, with the capacity check done for all the claims together.
    static func checkProvisioning(_ claims: [PersistentVolumeClaim], ownClaims: Set<String>, on node: NodeInfo,
                                  in cache: SchedulerCache) -> Result<ProvisioningCheck, PluginStatus> {
        var sizesByClass: [String: [Int64]] = [:]
        var order: [String] = []
        for claim in claims {
            let className = VolumeBindingRules.storageClass(of: claim)
            if className.isEmpty {
                return .failure(PluginStatus(.error, "no class for claim \"\(claimKey(claim))\"", plugin: "VolumeBinding"))
            }
            guard let storageClass = cache.storageClasses[className] else {
                return .failure(PluginStatus(.error, "failed to find storage class \"\(className)\"", plugin: "VolumeBinding"))
            }
            if storageClass.provisioner.isEmpty || storageClass.provisioner == noProvisioner {
                return .success(ProvisioningCheck(provisionable: false, enoughSpace: true))
            }
            if !matchesTopology(storageClass.allowedTopologies, labels: node.labels) {
                return .success(ProvisioningCheck(provisionable: false, enoughSpace: true))
            }
            guard let bytes = claim.spec?.storageRequest?.value, cache.tracksCapacity(of: storageClass) else { continue }
            if sizesByClass[className] == nil { order.append(className) }
            sizesByClass[className, default: []].append(bytes)
        }
        var fit: StorageFit?
        for className in order {
            let result = cache.capacity.fit(sizes: sizesByClass[className] ?? [], storageClass: className, node: node.name,
                                            nodeLabels: node.labels, ownClaims: ownClaims)
            if !result.fits { return .success(ProvisioningCheck(provisionable: true, enoughSpace: false)) }
            if fit == nil { fit = StorageFit(storageClass: className, largestFreeAfter: result.largestFreeAfter) }
        }
        return .success(ProvisioningCheck(provisionable: true, enoughSpace: true, fit: fit))
    }

    /// MatchTopologySelectorTerms: no terms match every node; an empty term matches none.
    static func matchesTopology(_ terms: [TopologySelectorTerm]?, labels: [String: String]) -> Bool {
        guard let terms, !terms.isEmpty else { return true }
        return terms.contains { term in !(term.matchLabelExpressions ?? []).isEmpty && term.matches(labels) }
    }

    static func request(of claim: PersistentVolumeClaim) -> Quantity { claim.spec?.storageRequest ?? Quantity(0) }

    static func claimKey(_ claim: PersistentVolumeClaim) -> String { SchedulerCache.key(namespace: claim.namespace, name: claim.name) }

    // MARK: A pod that names its node

    /// The volume decisions for a pod on a given node, outside a scheduling attempt: for a
    /// pod that names spec.nodeName itself, whose WaitForFirstConsumer claims still need a
    /// volume or a provision on that node (storage-rules pain 8).
    public static func decisions(for pod: PodInfo, on node: NodeInfo, in cache: SchedulerCache) -> Result<PodVolumeDecisions, PluginStatus> {
        switch podClaims(pod, in: cache) {
        case .failure(let status): return .failure(status)
        case .success(var claims):
            // Immediate claims are the binder's; only the delayed ones wait for this node.
            claims.unboundImmediate = []
            return findPodVolumes(claims, ownClaims: Set(pod.claimKeys), on: node, in: cache).map { $0.decisions }
        }
    }
}

/// Volume binding's per-attempt state: the pod's claims, and what fits on each node that
/// passed (kept for the chosen node and for the storage score).
public final class VolumeBindingState {
    public let claims: VolumeBindingPlugin.PodClaims
    let ownClaims: Set<String>
    public var decisionsByNode: [String: PodVolumeDecisions] = [:]
    public var storageFitByNode: [String: VolumeBindingPlugin.StorageFit] = [:]

    init(claims: VolumeBindingPlugin.PodClaims, ownClaims: Set<String>) {
        self.claims = claims
        self.ownClaims = ownClaims
    }
}
