public import BallastAPI

/// A node as the scheduler sees it: its labels, taints and allocatable resources, and what
/// the pods already on it (running, or assumed by the scheduler) take.
public struct NodeInfo: Sendable {
    public let name: String
    public private(set) var node: Node
    public private(set) var labels: [String: String]
    /// The fields a node selector's matchFields may name.
    public private(set) var fields: [String: String]
    /// spec.taints, plus the NoSchedule taint the node lifecycle controller would add for a
    /// node that is not Ready, so that a dead agent does not attract pods.
    public private(set) var taints: [Taint]
    public private(set) var allocatable: ResourceList
    public private(set) var allowedPodNumber: Int
    /// The sum of the requests of the pods on the node.
    public internal(set) var requested = ResourceList()
    /// The same with the scoring defaults for request-less containers.
    public internal(set) var nonZeroMilliCPU: Int64 = 0
    public internal(set) var nonZeroMemory: Int64 = 0
    public internal(set) var podCount = 0
    /// Host ports in use, with how many pods use each.
    var usedHostPorts: [HostPortUse: Int] = [:]

    /// The taint a node that reports Ready=False gets (node.kubernetes.io/not-ready).
    public static let notReadyTaint = Taint(key: "node.kubernetes.io/not-ready", effect: "NoSchedule")
    /// The taint a node whose Ready condition is Unknown gets (node.kubernetes.io/unreachable).
    public static let unreachableTaint = Taint(key: "node.kubernetes.io/unreachable", effect: "NoSchedule")

    public init(_ node: Node) {
        name = node.name
        self.node = node
        labels = [:]
        fields = [:]
        taints = []
        allocatable = ResourceList()
        allowedPodNumber = 0
        update(node)
    }

    /// Takes a new version of the node object, keeping what its pods take.
    public mutating func update(_ node: Node) {
        self.node = node
        labels = node.metadata.labels ?? [:]
        fields = ["metadata.name": node.name]
        var taints = node.spec?.taints ?? []
        switch node.readyCondition?.status {
        case "False"?: if !taints.contains(where: { $0.key == Self.notReadyTaint.key }) { taints.append(Self.notReadyTaint) }
        case "Unknown"?: if !taints.contains(where: { $0.key == Self.unreachableTaint.key }) { taints.append(Self.unreachableTaint) }
        default: break
        }
        self.taints = taints
        let quantities = node.status?.allocatable ?? node.status?.capacity
        allocatable = ResourceList(quantities)
        allowedPodNumber = Int(clamping: quantities?[ResourceName.pods]?.value ?? 0)
    }

    public var isUnschedulable: Bool { node.isUnschedulable }

    mutating func add(_ pod: PodInfo) {
        requested.add(pod.request.requests)
        nonZeroMilliCPU &+= pod.request.nonZeroMilliCPU
        nonZeroMemory &+= pod.request.nonZeroMemory
        podCount += 1
        for port in pod.hostPorts { usedHostPorts[port, default: 0] += 1 }
    }

    mutating func remove(_ pod: PodInfo) {
        requested.subtract(pod.request.requests)
        nonZeroMilliCPU &-= pod.request.nonZeroMilliCPU
        nonZeroMemory &-= pod.request.nonZeroMemory
        podCount -= 1
        for port in pod.hostPorts {
            let left = usedHostPorts[port, default: 0] - 1
            usedHostPorts[port] = left > 0 ? left : nil
        }
    }

    /// Whether the node's relevant scheduling inputs differ from `other`'s (heartbeats do not count).
    static func schedulingInputsDiffer(_ old: Node, _ new: Node) -> Bool {
        old.metadata.labels != new.metadata.labels || old.spec?.taints != new.spec?.taints
            || old.isUnschedulable != new.isUnschedulable || old.status?.allocatable != new.status?.allocatable
            || old.readyCondition?.status != new.readyCondition?.status
    }
}
