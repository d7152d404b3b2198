/// k8s.io/api/policy/v1/generated.proto: Eviction, which `kubectl drain` posts to a pod's
/// eviction subresource.
extension ProtobufSchema {
    static let policy: [ProtobufMessage] = [
        ProtobufMessage("Eviction", [
            1: .message("metadata", "ObjectMeta"),
            2: .message("deleteOptions", "DeleteOptions", pointer: true),
        ])
    ]
}
