/// k8s.io/api/apps/v1/generated.proto: Deployment and ReplicaSet.
extension ProtobufSchema {
    static let apps: [ProtobufMessage] = [
        ProtobufMessage("Deployment", [
            1: .message("metadata", "ObjectMeta"),
            2: .message("spec", "DeploymentSpec"),
            3: .message("status", "DeploymentStatus"),
        ]),
        ProtobufMessage("DeploymentSpec", [
            1: .int32("replicas", pointer: true),
            2: .message("selector", "LabelSelector", pointer: true),
            3: .message("template", "PodTemplateSpec"),
            4: .message("strategy", "DeploymentStrategy"),
            5: .int32("minReadySeconds"),
            6: .int32("revisionHistoryLimit", pointer: true),
            7: .bool("paused"),
            9: .int32("progressDeadlineSeconds", pointer: true),
            10: .string("podReplacementPolicy", pointer: true),
        ]),
        ProtobufMessage("DeploymentStrategy", [
            1: .string("type"),
            2: .message("rollingUpdate", "RollingUpdateDeployment", pointer: true),
        ]),
        ProtobufMessage("RollingUpdateDeployment", [
            1: .intOrString("maxUnavailable", pointer: true),
            2: .intOrString("maxSurge", pointer: true),
        ]),
        ProtobufMessage("DeploymentStatus", [
            1: .int64("observedGeneration"),
            2: .int32("replicas"),
            3: .int32("updatedReplicas"),
            7: .int32("readyReplicas"),
            4: .int32("availableReplicas"),
            5: .int32("unavailableReplicas"),
            9: .int32("terminatingReplicas", pointer: true),
            6: .messages("conditions", "DeploymentCondition"),
            8: .int32("collisionCount", pointer: true),
        ]),
        ProtobufMessage("DeploymentCondition", [
            1: .string("type"),
            2: .string("status"),
            6: .time("lastUpdateTime"),
            7: .time("lastTransitionTime"),
            4: .string("reason"),
            5: .string("message"),
        ]),
        ProtobufMessage("ReplicaSet", [
            1: .message("metadata", "ObjectMeta"),
            2: .message("spec", "ReplicaSetSpec"),
            3: .message("status", "ReplicaSetStatus"),
        ]),
        ProtobufMessage("ReplicaSetSpec", [
            1: .int32("replicas", pointer: true),
            4: .int32("minReadySeconds"),
            2: .message("selector", "LabelSelector", pointer: true),
            3: .message("template", "PodTemplateSpec"),
        ]),
        ProtobufMessage("ReplicaSetStatus", [
            1: .int32("replicas"),
            2: .int32("fullyLabeledReplicas"),
            4: .int32("readyReplicas"),
            5: .int32("availableReplicas"),
            7: .int32("terminatingReplicas", pointer: true),
            3: .int64("observedGeneration"),
            6: .messages("conditions", "ReplicaSetCondition"),
        ]),
        ProtobufMessage("ReplicaSetCondition", [
            1: .string("type"),
            2: .string("status"),
            3: .time("lastTransitionTime"),
            4: .string("reason"),
            5: .string("message"),
        ]),
    ]
}
