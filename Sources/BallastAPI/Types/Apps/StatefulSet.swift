/// apps/v1 StatefulSet: Pods with stable names and their own volumes, created in order.
public struct StatefulSet: APIResource, HasSpec, HasStatus {
    public static let gvk = GroupVersionKind(group: "apps", version: "v1", kind: "StatefulSet")
    public static let resource = ResourceInfo(
        gvk: gvk, plural: "statefulsets", singular: "statefulset", shortNames: ["sts"], namespaced: true, categories: ["all"],
        hasStatus: true, hasScale: true)

    public var apiVersion: String?
    public var kind: String?
    public var metadata: ObjectMeta
    public var spec: StatefulSetSpec?
    public var status: StatefulSetStatus?

    public init(apiVersion: String? = nil, kind: String? = nil, metadata: ObjectMeta = ObjectMeta(), spec: StatefulSetSpec? = nil,
                status: StatefulSetStatus? = nil) {
        self.apiVersion = apiVersion
        self.kind = kind
        self.metadata = metadata
        self.spec = spec
        self.status = status
    }
}

/// apps/v1 StatefulSetSpec.
public struct StatefulSetSpec: Codable, Sendable, Equatable {
    public var replicas: Int32?
    public var selector: LabelSelector?
    public var template: PodTemplateSpec?
    public var volumeClaimTemplates: [VolumeClaimTemplate]?
    public var serviceName: String?
    /// "OrderedReady" or "Parallel".
    public var podManagementPolicy: String?
    public var updateStrategy: StatefulSetUpdateStrategy?
    public var revisionHistoryLimit: Int32?
    public var minReadySeconds: Int32?
    public var persistentVolumeClaimRetentionPolicy: StatefulSetPersistentVolumeClaimRetentionPolicy?
    public var ordinals: StatefulSetOrdinals?

    public init(
        replicas: Int32? = nil, selector: LabelSelector? = nil, template: PodTemplateSpec? = nil,
        volumeClaimTemplates: [VolumeClaimTemplate]? = nil, serviceName: String? = nil, podManagementPolicy: String? = nil,
        updateStrategy: StatefulSetUpdateStrategy? = nil, revisionHistoryLimit: Int32? = nil, minReadySeconds: Int32? = nil,
        persistentVolumeClaimRetentionPolicy: StatefulSetPersistentVolumeClaimRetentionPolicy? = nil,
        ordinals: StatefulSetOrdinals? = nil
    ) {
        self.replicas = replicas
        self.selector = selector
        self.template = template
        self.volumeClaimTemplates = volumeClaimTemplates
        self.serviceName = serviceName
        self.podManagementPolicy = podManagementPolicy
        self.updateStrategy = updateStrategy
        self.revisionHistoryLimit = revisionHistoryLimit
        self.minReadySeconds = minReadySeconds
        self.persistentVolumeClaimRetentionPolicy = persistentVolumeClaimRetentionPolicy
        self.ordinals = ordinals
    }
}

/// One of a StatefulSet's volumeClaimTemplates: a PersistentVolumeClaim each replica gets,
/// named `<template>-<statefulset>-<ordinal>`.
///
/// Upstream this is a whole PersistentVolumeClaim. The spec (and any status) is kept as
/// JSON so the workload model does not depend on the storage types; the controller that
/// creates the claims decodes it.
public struct VolumeClaimTemplate: Codable, Sendable, Equatable {
    public var apiVersion: String?
    public var kind: String?
    public var metadata: ObjectMeta?
    public var spec: JSONValue?
    public var status: JSONValue?

    public init(apiVersion: String? = nil, kind: String? = nil, metadata: ObjectMeta? = nil, spec: JSONValue? = nil, status: JSONValue? = nil) {
        self.apiVersion = apiVersion
        self.kind = kind
        self.metadata = metadata
        self.spec = spec
        self.status = status
    }

    /// The template's name, which volume mounts refer to.
    public var name: String { metadata?.name ?? "" }
}

/// apps/v1 StatefulSetUpdateStrategy: "RollingUpdate" or "OnDelete".
public struct StatefulSetUpdateStrategy: Codable, Sendable, Equatable {
    public var type: String?
    public var rollingUpdate: RollingUpdateStatefulSetStrategy?

    public init(type: String? = nil, rollingUpdate: RollingUpdateStatefulSetStrategy? = nil) {
        self.type = type
        self.rollingUpdate = rollingUpdate
    }
}

/// apps/v1 RollingUpdateStatefulSetStrategy: ordinals below `partition` keep the old revision.
public struct RollingUpdateStatefulSetStrategy: Codable, Sendable, Equatable {
    public var partition: Int32?
    public var maxUnavailable: IntOrString?

    public init(partition: Int32? = nil, maxUnavailable: IntOrString? = nil) {
        self.partition = partition
        self.maxUnavailable = maxUnavailable
    }
}

/// apps/v1 StatefulSetPersistentVolumeClaimRetentionPolicy: "Retain" or "Delete" the
/// claims when the set is deleted or scaled down.
public struct StatefulSetPersistentVolumeClaimRetentionPolicy: Codable, Sendable, Equatable {
    public var whenDeleted: String?
    public var whenScaled: String?

    public init(whenDeleted: String? = nil, whenScaled: String? = nil) {
        self.whenDeleted = whenDeleted
        self.whenScaled = whenScaled
    }
}

/// apps/v1 StatefulSetOrdinals: the first replica's ordinal.
public struct StatefulSetOrdinals: Codable, Sendable, Equatable {
    public var start: Int32?

    public init(start: Int32? = nil) { self.start = start }
}

/// apps/v1 StatefulSetStatus.
public struct StatefulSetStatus: Codable, Sendable, Equatable {
    public var observedGeneration: Int64?
    public var replicas: Int32?
    public var readyReplicas: Int32?
    public var currentReplicas: Int32?
    public var updatedReplicas: Int32?
    public var currentRevision: String?
    public var updateRevision: String?
    public var collisionCount: Int32?
    public var conditions: [StatefulSetCondition]?
    public var availableReplicas: Int32?

    public init(observedGeneration: Int64? = nil, replicas: Int32? = nil, readyReplicas: Int32? = nil, currentReplicas: Int32? = nil,
                updatedReplicas: Int32? = nil, currentRevision: String? = nil, updateRevision: String? = nil,
                collisionCount: Int32? = nil, conditions: [StatefulSetCondition]? = nil, availableReplicas: Int32? = nil) {
        self.observedGeneration = observedGeneration
        self.replicas = replicas
        self.readyReplicas = readyReplicas
        self.currentReplicas = currentReplicas
        self.updatedReplicas = updatedReplicas
        self.currentRevision = currentRevision
        self.updateRevision = updateRevision
        self.collisionCount = collisionCount
        self.conditions = conditions
        self.availableReplicas = availableReplicas
    }
}

/// apps/v1 StatefulSetCondition.
public struct StatefulSetCondition: Codable, Sendable, Equatable {
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
