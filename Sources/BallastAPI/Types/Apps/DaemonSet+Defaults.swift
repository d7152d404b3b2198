/// SetDefaults_DaemonSet of apps/v1.
extension DaemonSet {
    public mutating func applyDefaults() {
        var spec = self.spec ?? DaemonSetSpec()
        var strategy = spec.updateStrategy ?? DaemonSetUpdateStrategy()
        if (strategy.type ?? "").isEmpty { strategy.type = "RollingUpdate" }
        if strategy.type == "RollingUpdate" {
            var rolling = strategy.rollingUpdate ?? RollingUpdateDaemonSet()
            if rolling.maxUnavailable == nil { rolling.maxUnavailable = .int(1) }
            if rolling.maxSurge == nil { rolling.maxSurge = .int(0) }
            strategy.rollingUpdate = rolling
        }
        spec.updateStrategy = strategy
        if spec.revisionHistoryLimit == nil { spec.revisionHistoryLimit = 10 }
        spec.template?.applyDefaults()
        self.spec = spec
    }
}
