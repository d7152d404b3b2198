/// SetDefaults_StatefulSet of apps/v1, with the claim templates defaulted as the
/// PersistentVolumeClaims they are upstream.
extension StatefulSet {
    public mutating func applyDefaults() {
        var spec = self.spec ?? StatefulSetSpec()
        if (spec.podManagementPolicy ?? "").isEmpty { spec.podManagementPolicy = "OrderedReady" }
        var strategy = spec.updateStrategy ?? StatefulSetUpdateStrategy()
        if (strategy.type ?? "").isEmpty {
            strategy.type = "RollingUpdate"
            if strategy.rollingUpdate == nil { strategy.rollingUpdate = RollingUpdateStatefulSetStrategy() }
        }
        if strategy.type == "RollingUpdate", strategy.rollingUpdate != nil, strategy.rollingUpdate?.partition == nil {
            strategy.rollingUpdate?.partition = 0
        }
        spec.updateStrategy = strategy
        var retention = spec.persistentVolumeClaimRetentionPolicy ?? StatefulSetPersistentVolumeClaimRetentionPolicy()
        if (retention.whenDeleted ?? "").isEmpty { retention.whenDeleted = "Retain" }
        if (retention.whenScaled ?? "").isEmpty { retention.whenScaled = "Retain" }
        spec.persistentVolumeClaimRetentionPolicy = retention
        if spec.replicas == nil { spec.replicas = 1 }
        if spec.revisionHistoryLimit == nil { spec.revisionHistoryLimit = 10 }
        spec.template?.applyDefaults()
        spec.volumeClaimTemplates = spec.volumeClaimTemplates?.map { template in
            var template = template
            if (template.apiVersion ?? "").isEmpty { template.apiVersion = "v1" }
            if (template.kind ?? "").isEmpty { template.kind = "PersistentVolumeClaim" }
            if let claimSpec = template.spec { template.spec = VolumeSource.defaultClaimSpec(claimSpec) }
            // SetDefaults_PersistentVolumeClaim: a claim's phase starts Pending.
            var status = template.status?.objectValue ?? [:]
            if status["phase"] == nil || status["phase"] == .null { status["phase"] = "Pending" }
            template.status = .object(status)
            return template
        }
        self.spec = spec
    }
}
