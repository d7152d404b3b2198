/// apps/v1 DaemonSet: one Pod on every (selected) node.
public struct DaemonSet: APIResource, HasSpec, HasStatus {
    public static let gvk = GroupVersionKind(group: "apps", version: "v1", kind: "DaemonSet")
    public static let resource = ResourceInfo(
        gvk: gvk, plural: "daemonsets", singular: "daemonset", shortNames: ["ds"], namespaced: true, categories: ["all"],
        hasStatus: true)

    public var apiVersion: String?
    public var kind: String?
    public var metadata: ObjectMeta
    public var spec: DaemonSetSpec?
    public var status: DaemonSetStatus?

    public init(apiVersion: String? = nil, kind: String? = nil, metadata: ObjectMeta = ObjectMeta(), spec: DaemonSetSpec? = nil,
                status: DaemonSetStatus? = nil) {
        self.apiVersion = apiVersion
        self.kind = kind
        self.metadata = metadata
        self.spec = spec
        self.status = status
    }
}

/// apps/v1 DaemonSetSpec.
public struct DaemonSetSpec: Codable, Sendable, Equatable {
    public var selector: LabelSelector?
    public var template: PodTemplateSpec?
    public var updateStrategy: DaemonSetUpdateStrategy?
    public var minReadySeconds: Int32?
    public var revisionHistoryLimit: Int32?

    public init(selector: LabelSelector? = nil, template: PodTemplateSpec? = nil, updateStrategy: DaemonSetUpdateStrategy? = nil,
                minReadySeconds: Int32? = nil, revisionHistoryLimit: Int32? = nil) {
        self.selector = selector
        self.template = template
        self.updateStrategy = updateStrategy
        self.minReadySeconds = minReadySeconds
        self.revisionHistoryLimit = revisionHistoryLimit
    }
}

/// apps/v1 DaemonSetUpdateStrategy: "RollingUpdate" or "OnDelete".
public struct DaemonSetUpdateStrategy: Codable, Sendable, Equatable {
    public var type: String?
    public var rollingUpdate: RollingUpdateDaemonSet?

    public init(type: String? = nil, rollingUpdate: RollingUpdateDaemonSet? = nil) {
        self.type = type
        self.rollingUpdate = rollingUpdate
    }
}

/// apps/v1 RollingUpdateDaemonSet: exactly one of the two is non-zero.
public struct RollingUpdateDaemonSet: Codable, Sendable, Equatable {
    public var maxUnavailable: IntOrString?
    public var maxSurge: IntOrString?

    public init(maxUnavailable: IntOrString? = nil, maxSurge: IntOrString? = nil) {
        self.maxUnavailable = maxUnavailable
        self.maxSurge = maxSurge
    }
}

/// apps/v1 DaemonSetStatus.
public struct DaemonSetStatus: Codable, Sendable, Equatable {
    public var currentNumberScheduled: Int32?
    public var numberMisscheduled: Int32?
    public var desiredNumberScheduled: Int32?
    public var numberReady: Int32?
    public var observedGeneration: Int64?
    public var updatedNumberScheduled: Int32?
    public var numberAvailable: Int32?
    public var numberUnavailable: Int32?
    public var collisionCount: Int32?
    public var conditions: [DaemonSetCondition]?

    public init(currentNumberScheduled: Int32? = nil, numberMisscheduled: Int32? = nil, desiredNumberScheduled: Int32? = nil,
                numberReady: Int32? = nil, observedGeneration: Int64? = nil, updatedNumberScheduled: Int32? = nil,
                numberAvailable: Int32? = nil, numberUnavailable: Int32? = nil, collisionCount: Int32? = nil,
                conditions: [DaemonSetCondition]? = nil) {
        self.currentNumberScheduled = currentNumberScheduled
        self.numberMisscheduled = numberMisscheduled
        self.desiredNumberScheduled = desiredNumberScheduled
        self.numberReady = numberReady
        self.observedGeneration = observedGeneration
        self.updatedNumberScheduled = updatedNumberScheduled
        self.numberAvailable = numberAvailable
        self.numberUnavailable = numberUnavailable
        self.collisionCount = collisionCount
        self.conditions = conditions
    }
}

/// apps/v1 DaemonSetCondition.
public struct DaemonSetCondition: Codable, Sendable, Equatable {
    public var type: String
    public var status: String
    public var lastTransitionTime: Time?
    public var reason: String?
    public var message: String?

    public init(type: String, status: String, lastTransitionTime: Time? = nil, reason: String? = nil, message: String? = nil) {
        self.type = type
        self.status = status
        self.lastTransitionTime = lastTransitionTime
        self.reason = reason
        self.message = message
    }
}
