/// What the Pod registry strategy does on create: a fresh Pending status with the QoS
/// class, and the SchedulingGated condition for gated Pods.
extension Pod {
    public mutating func prepareForCreate() {
        var status = PodStatus(phase: Phase.pending, qosClass: (spec ?? PodSpec()).qosClass)
        if !(spec?.schedulingGates ?? []).isEmpty {
            status.conditions = [
                PodCondition(type: "PodScheduled", status: "False", reason: "SchedulingGated",
                             message: "Scheduling is blocked due to non-empty scheduling gates"),
            ]
        }
        self.status = status
    }
}

extension PodSpec {
    /// The QoS class (qos.ComputePodQOS): Guaranteed when every container limits cpu and
    /// memory and requests equal limits, BestEffort when nothing requests or limits cpu
    /// or memory, Burstable otherwise.
    public var qosClass: String {
        let computeResources = [ResourceName.cpu, ResourceName.memory]
        var requests: [String: Quantity] = [:]
        var limits: [String: Quantity] = [:]
        var guaranteed = true
        for container in allContainers {
            for (name, quantity) in container.resources?.requests ?? [:] where computeResources.contains(name) && !quantity.isZero {
                requests[name] = (requests[name] ?? Quantity(0)) + quantity
            }
            var found = Set<String>()
            for (name, quantity) in container.resources?.limits ?? [:] where computeResources.contains(name) && !quantity.isZero {
                found.insert(name)
                limits[name] = (limits[name] ?? Quantity(0)) + quantity
            }
            if !found.isSuperset(of: computeResources) { guaranteed = false }
        }
        if requests.isEmpty && limits.isEmpty { return "BestEffort" }
        if guaranteed {
            for (name, quantity) in requests where limits[name] != quantity { guaranteed = false }
        }
        return guaranteed && requests.count == limits.count ? "Guaranteed" : "Burstable"
    }
}
