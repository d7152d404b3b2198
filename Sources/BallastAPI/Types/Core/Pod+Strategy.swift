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

/// Graceful deletion (the pod strategy's CheckGracefulDelete): a pod on a node is only
/// marked, with deletionTimestamp and the grace period, and goes when its node agent has
/// stopped its containers and deletes it with grace 0. So `kubectl delete pod` returns once
/// the containers are gone, and a StatefulSet never starts a pod's successor while the old
/// one may still write to the same volume.
extension Pod {
    public func deletionGracePeriod(requested: Int64?) -> Int64? {
        var period = requested ?? spec?.terminationGracePeriodSeconds ?? 0
        // Never scheduled, or already finished: nothing runs that needs stopping.
        if (spec?.nodeName ?? "").isEmpty { period = 0 }
        if status?.phase == Phase.succeeded || status?.phase == Phase.failed { period = 0 }
        if period < 0 { period = 1 }
        return period
    }
}
