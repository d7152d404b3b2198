public import BallastAPI
import Foundation

/// Why a claim is Pending, or what it is bound to: `ballast pvc explain NAME`.
///
/// Built from the objects the binder and the scheduler decide from (the claim, the PVs, the
/// classes, the capacity the node agents publish, the nodes, the claims being provisioned)
/// and from what they reported (the Warning events of the claim and of its pods). The
/// binder's matching rules (`VolumeBindingRules`) are applied one at a time, so that every
/// volume that was passed over gets its reason named instead of a bare "no match".
public struct ClaimExplanation: Sendable, Equatable, Codable {
    /// The claim's class as the binder sees it.
    public struct ClassSummary: Sendable, Equatable, Codable {
        public var name: String
        /// False when no StorageClass of that name exists (only static PVs can bind then).
        public var exists: Bool
        public var provisioner: String?
        public var volumeBindingMode: String?
    }

    /// The volume of a bound claim and where its data lives.
    public struct Binding: Sendable, Equatable, Codable {
        public var volume: String
        /// False when the PV the claim names is gone.
        public var exists: Bool
        public var backing: VolumeBacking?
        public var capacityBytes: Int64?
        public var phase: String?
    }

    /// A PV the binder looked at for this claim, and every reason it cannot take it.
    public struct ConsideredVolume: Sendable, Equatable, Codable {
        public var name: String
        public var capacityBytes: Int64?
        public var phase: String?
        public var storageClass: String
        /// The claim its claimRef names ("namespace/name"), if any.
        public var claim: String?
        /// Empty when the volume fits the claim.
        public var reasons: [String]

        public var fits: Bool { reasons.isEmpty }
    }

    /// A pod that uses the claim (only those not finished).
    public struct Consumer: Sendable, Equatable, Codable {
        public var name: String
        public var phase: String?
        /// nil while the pod is not scheduled.
        public var node: String?
    }

    /// A node's room for a volume of the claim's class and size (WaitForFirstConsumer
    /// classes that provision on a node).
    public struct NodeRoom: Sendable, Equatable, Codable {
        public var node: String
        /// The free space the node publishes for the class; nil when it publishes none.
        public var freeBytes: Int64?
        /// The largest single volume it can make.
        public var largestVolumeBytes: Int64?
        /// Space other claims being provisioned on the node will take.
        public var reservedBytes: Int64
        public var fits: Bool
        /// "1Gi free, largest 1020Mi < 3Gi requested".
        public var detail: String
    }

    /// The latest Warning event of one kind on the claim or one of its pods.
    public struct EventSummary: Sendable, Equatable, Codable {
        /// "persistentvolumeclaim/data" or "pod/web".
        public var object: String
        public var type: String
        public var reason: String
        public var message: String
        public var count: Int32?
        public var lastSeen: Time?
    }

    /// "namespace/name".
    public var claim: String
    public var phase: String
    public var requestBytes: Int64?
    public var accessModes: [String]
    public var volumeMode: String
    /// The class the claim asks for; "" for none.
    public var storageClassName: String
    /// nil when the claim asks for no class.
    public var storageClass: ClassSummary?
    public var selectedNode: String?
    public var pods: [Consumer]
    /// Set for a Bound (or Lost) claim.
    public var bound: Binding?
    /// The PVs the binder considers: the one spec.volumeName names, else those of the
    /// claim's class and those whose claimRef names the claim.
    public var volumes: [ConsideredVolume]
    /// PVs of other classes, which the binder never considers.
    public var otherClassVolumes: Int
    public var nodes: [NodeRoom]
    /// Why the claim is where it is, most important first, in sentences.
    public var reasons: [String]
    public var events: [EventSummary]

    /// The explanation of `claim`. `claims` are all the cluster's claims (those being
    /// provisioned take room on their nodes); `pods` and `events` are the claim's namespace's.
    public init(claim: PersistentVolumeClaim, volumes: [PersistentVolume] = [], classes: [StorageClass] = [],
                capacities: [CSIStorageCapacity] = [], nodes: [Node] = [], claims: [PersistentVolumeClaim] = [],
                pods: [Pod] = [], events: [Event] = []) {
        self.claim = "\(claim.namespace)/\(claim.name)"
        phase = claim.phase.isEmpty ? PersistentVolumeClaimPhase.pending : claim.phase
        requestBytes = claim.spec?.storageRequest?.value
        accessModes = (claim.spec?.accessModes ?? []).map(\.rawValue)
        volumeMode = claim.spec?.effectiveVolumeMode ?? PersistentVolumeMode.filesystem
        let className = VolumeBindingRules.storageClass(of: claim)
        storageClassName = className
        let storageClass = classes.first { $0.name == className }
        self.storageClass = className.isEmpty ? nil : ClassSummary(
            name: className, exists: storageClass != nil, provisioner: storageClass?.provisioner,
            volumeBindingMode: storageClass?.effectiveVolumeBindingMode)
        selectedNode = claim.metadata.annotation(VolumeBindingRules.selectedNode)
        let consumers = Self.consumers(of: claim, in: pods)
        self.pods = consumers.map { Consumer(name: $0.name, phase: $0.status?.phase, node: $0.spec?.nodeName.flatMap { $0.isEmpty ? nil : $0 }) }
        self.events = Self.warnings(about: claim, pods: consumers, in: events)
        bound = nil
        self.volumes = []
        otherClassVolumes = 0
        self.nodes = []
        reasons = []

        let volumeName = claim.spec?.volumeName ?? ""
        switch phase {
        case PersistentVolumeClaimPhase.bound, PersistentVolumeClaimPhase.lost:
            explainBinding(of: claim, to: volumes.first { $0.name == volumeName }, named: volumeName)
        default:
            if !volumeName.isEmpty {
                explainNamedVolume(volumes.first { $0.name == volumeName }, named: volumeName, for: claim, nodes: nodes)
            } else {
                explainPending(claim, volumes: volumes, storageClass: storageClass, classes: classes, capacities: capacities,
                               nodes: nodes, claims: claims)
            }
        }
    }

    // MARK: Bound or Lost

    private mutating func explainBinding(of claim: PersistentVolumeClaim, to volume: PersistentVolume?, named name: String) {
        guard let volume else {
            bound = Binding(volume: name, exists: false)
            reasons = phase == PersistentVolumeClaimPhase.lost
                ? ["the claim was bound to \(name), which no longer exists (Lost): it never binds to another volume; delete and re-create it"]
                : ["the claim is bound to \(name), which no longer exists: the binder marks the claim Lost"]
            return
        }
        let backing = VolumeBacking(volume)
        bound = Binding(volume: volume.name, exists: true, backing: backing, capacityBytes: volume.storageCapacity?.value,
                        phase: volume.status?.phase)
        var sentence = "bound to \(volume.name)"
        if let backing { sentence += ": \(backing.kind) \(backing.description)" }
        if let capacity = volume.storageCapacity { sentence += ", \(capacity)" }
        reasons = [sentence]
        if !VolumeBindingRules.isVolumeBound(volume, to: claim) {
            reasons.append("but \(volume.name)'s claimRef does not name this claim: the binder will mark the claim Lost")
        }
    }

    // MARK: Pending, with spec.volumeName

    /// The user asked for one volume: the binder looks at nothing else, and checks it with
    /// checkVolumeSatisfyClaim (no phase or selector check).
    private mutating func explainNamedVolume(_ volume: PersistentVolume?, named name: String, for claim: PersistentVolumeClaim,
                                             nodes: [Node]) {
        guard let volume else {
            reasons = ["the claim asks for PV \(name) (spec.volumeName), which does not exist: it stays Pending until \(name) is created"]
            return
        }
        let considered = Self.consider(volume, for: claim, named: true, nodes: nodes, targetNode: nil, delayBinding: false)
        volumes = [considered]
        reasons = considered.fits
            ? ["the claim asks for PV \(name) (spec.volumeName), which fits: the binder binds them at its next sync"]
            : ["the claim asks for PV \(name) (spec.volumeName), which cannot take it: " + considered.reasons.joined(separator: "; ")]
    }

    // MARK: Pending

    private mutating func explainPending(_ claim: PersistentVolumeClaim, volumes all: [PersistentVolume], storageClass: StorageClass?,
                                         classes: [StorageClass], capacities: [CSIStorageCapacity], nodes: [Node],
                                         claims: [PersistentVolumeClaim]) {
        let delayBinding = storageClass?.effectiveVolumeBindingMode == VolumeBindingMode.waitForFirstConsumer
        let targetNode = selectedNode ?? pods.compactMap(\.node).min()
        let candidates = all.filter { $0.storageClassName == storageClassName || Self.claimRefNames($0, claim) }
            .sorted { $0.name < $1.name }
        otherClassVolumes = all.count - candidates.count
        volumes = candidates.map {
            Self.consider($0, for: claim, named: false, nodes: nodes, targetNode: targetNode, delayBinding: delayBinding)
        }

        reasons += classReasons(claim, storageClass: storageClass, classes: classes)
        let fitting = volumes.filter(\.fits).map(\.name)
        // The binder's pick among the fitting ones: pre-bound first, else the smallest.
        let pick = VolumeBindingRules.findMatchingVolume(claim: claim, volumes: candidates.filter { fitting.contains($0.name) },
                                                         node: nil, delayBinding: false)?.name ?? fitting.first
        if let pick {
            if delayBinding {
                reasons.append(pods.isEmpty
                    ? "PV \(pick) fits; binding waits for a pod that uses the claim (WaitForFirstConsumer)"
                    : "PV \(pick) fits; the scheduler binds it when it places a pod that uses the claim")
            } else {
                reasons.append("PV \(pick) fits: the binder binds it at its next sync")
            }
            return
        }
        reasons.append(volumeReason(claim))
        guard let storageClass else { return }
        let provisioner = storageClass.provisioner
        if provisioner.isEmpty || provisioner == Self.noProvisioner {
            reasons.append("class \(storageClass.name) provisions nothing (\(provisioner.isEmpty ? "no provisioner" : provisioner)): a matching PV must be created")
            return
        }
        guard delayBinding else {
            reasons.append("waiting for \(provisioner) to provision a volume (Immediate binding)")
            return
        }
        if pods.isEmpty && selectedNode == nil {
            reasons.append("waiting for a pod: class \(storageClass.name) binds when the first pod that uses the claim is scheduled (WaitForFirstConsumer)")
            return
        }
        let records = capacities.filter { $0.storageClassName == storageClass.name }
        if records.isEmpty {
            reasons.append("no node publishes capacity for class \(storageClass.name): the scheduler may place the pod on any node")
        } else {
            self.nodes = Self.room(for: requestBytes ?? 0, of: claim, storageClass: storageClass, records: records, nodes: nodes, claims: claims)
        }
        reasons += provisioningReasons(storageClass)
    }

    /// What the claim's class (or its lack) means for binding.
    private func classReasons(_ claim: PersistentVolumeClaim, storageClass: StorageClass?, classes: [StorageClass]) -> [String] {
        if storageClassName.isEmpty {
            if claim.spec?.storageClassName == nil {
                if let fallback = classes.filter(\.isDefault).max(by: { Self.created($0) < Self.created($1) }) {
                    return ["the claim names no class: the binder gives it the default class \(fallback.name) at its next sync"]
                }
                return ["the claim names no class and there is no default StorageClass: only a PV without a class can bind it, and nothing is provisioned"]
            }
            return ["the claim asks for no class (storageClassName \"\"): only a PV without a class can bind it, and nothing is provisioned"]
        }
        guard storageClass != nil else {
            return ["StorageClass \(storageClassName) does not exist: only a PV of class \(storageClassName) can bind the claim, and nothing is provisioned"]
        }
        return []
    }

    /// Why no static PV binds it.
    private func volumeReason(_ claim: PersistentVolumeClaim) -> String {
        let className = storageClassName.isEmpty ? "without a class" : "of class \(storageClassName)"
        let others = otherClassVolumes > 0 ? " (\(otherClassVolumes) PV(s) of other classes are not considered)" : ""
        if volumes.isEmpty { return "no PV \(className) exists\(others)" }
        return "no PV matches: \(volumes.count) considered, none fits\(others)"
    }

    /// Where provisioning on a node stands, from the selected node and the nodes' room.
    private func provisioningReasons(_ storageClass: StorageClass) -> [String] {
        let request = Quantity(requestBytes ?? 0).description
        if let selectedNode {
            var sentence = "node \(selectedNode) was selected for the volume: \(storageClass.provisioner) provisions it there"
            if let room = nodes.first(where: { $0.node == selectedNode }), !room.fits { sentence += ", but \(selectedNode) has no room: \(room.detail)" }
            return [sentence]
        }
        guard !nodes.isEmpty else { return [] }
        let roomy = nodes.filter(\.fits).map(\.node)
        if roomy.isEmpty {
            return ["no node has room for \(request) of class \(storageClass.name): "
                    + nodes.map { "\($0.node): \($0.detail)" }.joined(separator: "; ")]
        }
        return ["node(s) with room for \(request): \(roomy.joined(separator: ", ")); if the pod stays unscheduled, its events say why"]
    }

    /// The class provisioner that means "static volumes only".
    static let noProvisioner = "kubernetes.io/no-provisioner"

    static func created(_ object: some KubernetesObject) -> Double {
        object.metadata.creationTimestamp?.date.timeIntervalSince1970 ?? 0
    }

    /// Whether the volume's claimRef names the claim's namespace and name (whatever its uid).
    static func claimRefNames(_ volume: PersistentVolume, _ claim: PersistentVolumeClaim) -> Bool {
        guard let ref = volume.spec?.claimRef else { return false }
        return ref.name == claim.name && ref.namespace == claim.namespace
    }
}
