/// SetDefaults_ReplicaSet of apps/v1.
extension ReplicaSet {
    public mutating func applyDefaults() {
        var spec = self.spec ?? ReplicaSetSpec()
        if spec.replicas == nil { spec.replicas = 1 }
        spec.template?.applyDefaults()
        self.spec = spec
    }
}
