/// core/v1 PodStatus: what the kubelet and scheduler observed.
public struct PodStatus: Codable, Sendable, Equatable {
    public var observedGeneration: Int64?
    /// "Pending", "Running", "Succeeded", "Failed" or "Unknown".
    public var phase: String?
    public var conditions: [PodCondition]?
    public var message: String?
    public var reason: String?
    public var nominatedNodeName: String?
    public var hostIP: String?
    public var hostIPs: [HostIP]?
    public var podIP: String?
    public var podIPs: [PodIP]?
    public var startTime: Time?
    public var initContainerStatuses: [ContainerStatus]?
    public var containerStatuses: [ContainerStatus]?
    /// "Guaranteed", "Burstable" or "BestEffort".
    public var qosClass: String?
    public var ephemeralContainerStatuses: [ContainerStatus]?
    public var resize: String?
    public var resourceClaimStatuses: [JSONValue]?

    public init(
        observedGeneration: Int64? = nil, phase: String? = nil, conditions: [PodCondition]? = nil, message: String? = nil,
        reason: String? = nil, nominatedNodeName: String? = nil, hostIP: String? = nil, hostIPs: [HostIP]? = nil,
        podIP: String? = nil, podIPs: [PodIP]? = nil, startTime: Time? = nil,
        initContainerStatuses: [ContainerStatus]? = nil, containerStatuses: [ContainerStatus]? = nil,
        qosClass: String? = nil, ephemeralContainerStatuses: [ContainerStatus]? = nil, resize: String? = nil,
        resourceClaimStatuses: [JSONValue]? = nil
    ) {
        self.observedGeneration = observedGeneration
        self.phase = phase
        self.conditions = conditions
        self.message = message
        self.reason = reason
        self.nominatedNodeName = nominatedNodeName
        self.hostIP = hostIP
        self.hostIPs = hostIPs
        self.podIP = podIP
        self.podIPs = podIPs
        self.startTime = startTime
        self.initContainerStatuses = initContainerStatuses
        self.containerStatuses = containerStatuses
        self.qosClass = qosClass
        self.ephemeralContainerStatuses = ephemeralContainerStatuses
        self.resize = resize
        self.resourceClaimStatuses = resourceClaimStatuses
    }

    /// The condition of `type`, if reported.
    public func condition(_ type: String) -> PodCondition? { conditions?.first { $0.type == type } }

    /// Sets a condition, moving lastTransitionTime to `now` only when its status changes, as
    /// podutil.UpdatePodCondition does.
    public mutating func setCondition(_ condition: PodCondition, now: Time) {
        var all = conditions ?? []
        var updated = condition
        updated.lastTransitionTime = now
        if let index = all.firstIndex(where: { $0.type == condition.type }) {
            if all[index].status == condition.status { updated.lastTransitionTime = all[index].lastTransitionTime }
            all[index] = updated
        } else {
            all.append(updated)
        }
        conditions = all
    }

    /// The first Pod IP: podIPs[0], or podIP for writers that only set the singular field.
    public var primaryPodIP: String? { podIPs?.first?.ip ?? podIP }
}

/// core/v1 PodCondition ("PodScheduled", "Initialized", "ContainersReady", "Ready", ...).
public struct PodCondition: Codable, Sendable, Equatable {
    public var type: String
    /// "True", "False" or "Unknown".
    public var status: String
    public var lastProbeTime: Time?
    public var lastTransitionTime: Time?
    public var reason: String?
    public var message: String?

    public init(type: String, status: String, lastProbeTime: Time? = nil, lastTransitionTime: Time? = nil,
                reason: String? = nil, message: String? = nil) {
        self.type = type
        self.status = status
        self.lastProbeTime = lastProbeTime
        self.lastTransitionTime = lastTransitionTime
        self.reason = reason
        self.message = message
    }
}

/// core/v1 HostIP.
public struct HostIP: Codable, Sendable, Equatable {
    public var ip: String

    public init(ip: String) { self.ip = ip }
}

/// core/v1 PodIP.
public struct PodIP: Codable, Sendable, Equatable {
    public var ip: String

    public init(ip: String) { self.ip = ip }
}

/// core/v1 ContainerStatus: one container as the kubelet last saw it.
public struct ContainerStatus: Codable, Sendable, Equatable {
    public var name: String
    public var state: ContainerState?
    public var lastState: ContainerState?
    public var ready: Bool?
    public var restartCount: Int32?
    public var image: String?
    public var imageID: String?
    public var containerID: String?
    public var started: Bool?
    public var allocatedResources: [String: Quantity]?
    public var resources: ResourceRequirements?
    public var volumeMounts: [JSONValue]?
    public var user: JSONValue?
    public var allocatedResourcesStatus: [JSONValue]?

    public init(
        name: String, state: ContainerState? = nil, lastState: ContainerState? = nil, ready: Bool? = nil,
        restartCount: Int32? = nil, image: String? = nil, imageID: String? = nil, containerID: String? = nil,
        started: Bool? = nil, allocatedResources: [String: Quantity]? = nil, resources: ResourceRequirements? = nil,
        volumeMounts: [JSONValue]? = nil, user: JSONValue? = nil, allocatedResourcesStatus: [JSONValue]? = nil
    ) {
        self.name = name
        self.state = state
        self.lastState = lastState
        self.ready = ready
        self.restartCount = restartCount
        self.image = image
        self.imageID = imageID
        self.containerID = containerID
        self.started = started
        self.allocatedResources = allocatedResources
        self.resources = resources
        self.volumeMounts = volumeMounts
        self.user = user
        self.allocatedResourcesStatus = allocatedResourcesStatus
    }
}

/// core/v1 ContainerState: at most one of waiting, running, terminated.
public struct ContainerState: Codable, Sendable, Equatable {
    public var waiting: ContainerStateWaiting?
    public var running: ContainerStateRunning?
    public var terminated: ContainerStateTerminated?

    public init(waiting: ContainerStateWaiting? = nil, running: ContainerStateRunning? = nil, terminated: ContainerStateTerminated? = nil) {
        self.waiting = waiting
        self.running = running
        self.terminated = terminated
    }
}

/// core/v1 ContainerStateWaiting ("ContainerCreating", "CrashLoopBackOff", "ImagePullBackOff" ...).
public struct ContainerStateWaiting: Codable, Sendable, Equatable {
    public var reason: String?
    public var message: String?

    public init(reason: String? = nil, message: String? = nil) {
        self.reason = reason
        self.message = message
    }
}

/// core/v1 ContainerStateRunning.
public struct ContainerStateRunning: Codable, Sendable, Equatable {
    public var startedAt: Time?

    public init(startedAt: Time? = nil) { self.startedAt = startedAt }
}

/// core/v1 ContainerStateTerminated.
public struct ContainerStateTerminated: Codable, Sendable, Equatable {
    public var exitCode: Int32
    public var signal: Int32?
    public var reason: String?
    public var message: String?
    public var startedAt: Time?
    public var finishedAt: Time?
    public var containerID: String?

    public init(exitCode: Int32, signal: Int32? = nil, reason: String? = nil, message: String? = nil,
                startedAt: Time? = nil, finishedAt: Time? = nil, containerID: String? = nil) {
        self.exitCode = exitCode
        self.signal = signal
        self.reason = reason
        self.message = message
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.containerID = containerID
    }
}
