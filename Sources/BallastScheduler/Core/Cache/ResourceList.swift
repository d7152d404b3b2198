public import BallastAPI

/// Amounts of node resources as the scheduler counts them: millicores of cpu, bytes of
/// memory and ephemeral storage, and whole units of every other (extended) resource.
public struct ResourceList: Sendable, Equatable {
    public var milliCPU: Int64 = 0
    public var memory: Int64 = 0
    public var ephemeralStorage: Int64 = 0
    /// Every other resource by name ("hugepages-2Mi", "example.com/gpu"); "pods" is kept
    /// apart by `NodeInfo.allowedPodNumber`.
    public var scalar: [String: Int64] = [:]

    public init(milliCPU: Int64 = 0, memory: Int64 = 0, ephemeralStorage: Int64 = 0, scalar: [String: Int64] = [:]) {
        self.milliCPU = milliCPU
        self.memory = memory
        self.ephemeralStorage = ephemeralStorage
        self.scalar = scalar
    }

    /// The amounts of a Kubernetes resource map ("cpu": 500m, "memory": 1Gi, ...).
    public init(_ quantities: [String: Quantity]?) {
        add(quantities)
    }

    /// Whether nothing is requested.
    public var isZero: Bool { milliCPU == 0 && memory == 0 && ephemeralStorage == 0 && scalar.values.allSatisfy { $0 == 0 } }

    public mutating func add(_ quantities: [String: Quantity]?) {
        for (name, quantity) in quantities ?? [:] { add(name, quantity) }
    }

    mutating func add(_ name: String, _ quantity: Quantity) {
        switch name {
        case ResourceName.cpu: milliCPU &+= quantity.milliValue
        case ResourceName.memory: memory &+= quantity.value
        case ResourceName.ephemeralStorage: ephemeralStorage &+= quantity.value
        case ResourceName.pods: break
        default: scalar[name, default: 0] &+= quantity.value
        }
    }

    public mutating func add(_ other: ResourceList) {
        milliCPU &+= other.milliCPU
        memory &+= other.memory
        ephemeralStorage &+= other.ephemeralStorage
        for (name, value) in other.scalar { scalar[name, default: 0] &+= value }
    }

    public mutating func subtract(_ other: ResourceList) {
        milliCPU &-= other.milliCPU
        memory &-= other.memory
        ephemeralStorage &-= other.ephemeralStorage
        for (name, value) in other.scalar {
            let left = scalar[name, default: 0] &- value
            scalar[name] = left == 0 ? nil : left
        }
    }

    /// Raises every amount to at least the other's (init containers run one at a time).
    public mutating func raise(to other: ResourceList) {
        milliCPU = max(milliCPU, other.milliCPU)
        memory = max(memory, other.memory)
        ephemeralStorage = max(ephemeralStorage, other.ephemeralStorage)
        for (name, value) in other.scalar { scalar[name] = max(scalar[name, default: 0], value) }
    }
}

/// What a Pod asks of a node, computed once per Pod as kube-scheduler does
/// (resourcehelper.PodRequests).
public struct PodResourceRequest: Sendable, Equatable {
    /// The requests the node must fit: the sum of the regular containers and sidecars, or
    /// the largest init container (with the sidecars started before it) when that is more,
    /// plus the pod overhead. Pod-level requests, when set, replace the containers' cpu and
    /// memory.
    public var requests: ResourceList
    /// The same with 100m cpu and 200Mi memory for every container that names no request,
    /// used only for scoring so that request-less pods still spread.
    public var nonZeroMilliCPU: Int64
    public var nonZeroMemory: Int64

    /// kube-scheduler's defaults for a container that requests no cpu or memory (scoring only).
    public static let defaultMilliCPU: Int64 = 100
    public static let defaultMemory: Int64 = 200 * 1024 * 1024

    public init(requests: ResourceList = ResourceList(), nonZeroMilliCPU: Int64 = 0, nonZeroMemory: Int64 = 0) {
        self.requests = requests
        self.nonZeroMilliCPU = nonZeroMilliCPU
        self.nonZeroMemory = nonZeroMemory
    }

    public init(_ spec: PodSpec?) {
        requests = Self.aggregate(spec, nonZero: false)
        let nonZero = Self.aggregate(spec, nonZero: true)
        nonZeroMilliCPU = nonZero.milliCPU
        nonZeroMemory = nonZero.memory
    }

    private static func containerRequests(_ container: Container, nonZero: Bool) -> ResourceList {
        var list = ResourceList(container.resources?.requests)
        if nonZero {
            let requests = container.resources?.requests
            if requests?[ResourceName.cpu] == nil { list.milliCPU = defaultMilliCPU }
            if requests?[ResourceName.memory] == nil { list.memory = defaultMemory }
        }
        return list
    }

    private static func aggregate(_ spec: PodSpec?, nonZero: Bool) -> ResourceList {
        guard let spec else { return ResourceList() }
        var total = ResourceList()
        for container in spec.containers ?? [] { total.add(containerRequests(container, nonZero: nonZero)) }
        // Init containers run in order; a sidecar (restartPolicy Always) keeps running, so it
        // adds to everything after it and to the pod's steady state.
        var sidecars = ResourceList()
        var largestInit = ResourceList()
        for container in spec.initContainers ?? [] {
            let requests = containerRequests(container, nonZero: nonZero)
            if container.isRestartable {
                sidecars.add(requests)
                total.add(requests)
                largestInit.raise(to: sidecars)
            } else {
                var running = requests
                running.add(sidecars)
                largestInit.raise(to: running)
            }
        }
        total.raise(to: largestInit)
        if let podLevel = spec.resources?.requests {
            if let cpu = podLevel[ResourceName.cpu] { total.milliCPU = cpu.milliValue }
            if let memory = podLevel[ResourceName.memory] { total.memory = memory.value }
        }
        total.add(spec.overhead)
        return total
    }
}
