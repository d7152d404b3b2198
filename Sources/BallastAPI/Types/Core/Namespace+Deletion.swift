/// Namespace deletion: the "kubernetes" entry in spec.finalizers keeps a deleted namespace,
/// Terminating, until the namespace controller has removed its content and finalized it.
extension Namespace {
    public func holdsDeletion() -> Bool { !(spec?.finalizers ?? []).isEmpty }

    public mutating func prepareForDeletion() {
        var status = self.status ?? NamespaceStatus()
        status.phase = NamespacePhase.terminating
        self.status = status
    }

    /// The /finalize subresource changes spec.finalizers and nothing else.
    public mutating func prepareForFinalize(old: Namespace) {
        let finalizers = spec?.finalizers
        self = old
        var spec = self.spec ?? NamespaceSpec()
        spec.finalizers = finalizers
        self.spec = spec
    }
}
