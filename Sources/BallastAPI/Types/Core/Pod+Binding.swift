/// Why a Pod cannot be bound to a node (the API server answers 409 Conflict).
public struct PodBindingError: Error, Sendable, Equatable, CustomStringConvertible {
    public var description: String

    public init(_ description: String) { self.description = description }
}

extension Pod {
    /// Binds the Pod to `node`, as the pods/binding subresource does (setPodNodeAndMetadata):
    /// sets spec.nodeName, merges the binding's annotations and marks PodScheduled True.
    ///
    /// - Throws: `PodBindingError` when the Pod is being deleted, is already bound, or still
    ///   has scheduling gates.
    public mutating func bind(toNode node: String, annotations: [String: String]? = nil, now: Time) throws(PodBindingError) {
        if metadata.isDeleting { throw PodBindingError("pod \(name) is being deleted, cannot be assigned to a host") }
        var spec = self.spec ?? PodSpec()
        if let current = spec.nodeName, !current.isEmpty {
            throw PodBindingError("pod \(name) is already assigned to node \(FieldError.quote(current))")
        }
        if !(spec.schedulingGates ?? []).isEmpty { throw PodBindingError("pod \(name) has non-empty .spec.schedulingGates") }
        spec.nodeName = node
        self.spec = spec
        for (key, value) in annotations ?? [:] { metadata.setAnnotation(key, value) }
        var status = self.status ?? PodStatus()
        status.setCondition(PodCondition(type: "PodScheduled", status: "True"), now: now)
        self.status = status
    }
}
