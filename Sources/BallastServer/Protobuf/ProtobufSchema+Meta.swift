/// k8s.io/apimachinery/pkg/apis/meta/v1/generated.proto: object metadata, selectors,
/// conditions and delete options.
extension ProtobufSchema {
    static let meta: [ProtobufMessage] = [
        ProtobufMessage("ObjectMeta", [
            1: .string("name"),
            2: .string("generateName"),
            3: .string("namespace"),
            4: .string("selfLink"),
            5: .string("uid"),
            6: .string("resourceVersion"),
            7: .int64("generation"),
            8: .time("creationTimestamp"),
            9: .time("deletionTimestamp"),
            10: .int64("deletionGracePeriodSeconds", pointer: true),
            11: .stringMap("labels"),
            12: .stringMap("annotations"),
            13: .messages("ownerReferences", "OwnerReference"),
            14: .strings("finalizers"),
            17: .messages("managedFields", "ManagedFieldsEntry"),
        ]),
        ProtobufMessage("OwnerReference", [
            5: .string("apiVersion"),
            1: .string("kind"),
            3: .string("name"),
            4: .string("uid"),
            6: .bool("controller", pointer: true),
            7: .bool("blockOwnerDeletion", pointer: true),
        ]),
        ProtobufMessage("ManagedFieldsEntry", [
            1: .string("manager"),
            2: .string("operation"),
            3: .string("apiVersion"),
            4: .time("time"),
            6: .string("fieldsType"),
            7: .fieldsV1("fieldsV1"),
            8: .string("subresource"),
        ]),
        ProtobufMessage("LabelSelector", [
            1: .stringMap("matchLabels"),
            2: .messages("matchExpressions", "LabelSelectorRequirement"),
        ]),
        ProtobufMessage("LabelSelectorRequirement", [
            1: .string("key"),
            2: .string("operator"),
            3: .strings("values"),
        ]),
        ProtobufMessage("Condition", [
            1: .string("type"),
            2: .string("status"),
            3: .int64("observedGeneration"),
            4: .time("lastTransitionTime"),
            5: .string("reason"),
            6: .string("message"),
        ]),
        ProtobufMessage("DeleteOptions", [
            1: .int64("gracePeriodSeconds", pointer: true),
            2: .message("preconditions", "Preconditions", pointer: true),
            3: .bool("orphanDependents", pointer: true),
            4: .string("propagationPolicy", pointer: true),
            5: .strings("dryRun"),
            6: .bool("ignoreStoreReadErrorWithClusterBreakingPotential", pointer: true),
        ]),
        ProtobufMessage("Preconditions", [
            1: .string("uid", pointer: true),
            2: .string("resourceVersion", pointer: true),
        ]),
    ]
}
