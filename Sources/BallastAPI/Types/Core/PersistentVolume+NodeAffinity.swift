extension PersistentVolume {
    /// The node a node-local volume belongs to: its node affinity on kubernetes.io/hostname.
    public var nodeAffinityHostname: String? {
        for term in spec?.nodeAffinity?.required?.nodeSelectorTerms ?? [] {
            for requirement in term.matchExpressions ?? [] where requirement.key == "kubernetes.io/hostname" && requirement.operator == "In" {
                if let node = requirement.values?.first { return node }
            }
        }
        return nil
    }
}
