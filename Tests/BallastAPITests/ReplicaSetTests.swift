import BallastAPI
import Testing

/// ReplicaSets: selector rules, the printer and the status.replicas field selector.
struct ReplicaSetTests {
    static func example() throws -> ReplicaSet { preparedForCreate(try decodeManifest(ReplicaSet.self, WorkloadManifests.replicaSet)) }

    @Test func emptySelectorIsRefusedWithUpstreamsWording() throws {
        var replicaSet = try Self.example()
        replicaSet.spec?.selector = LabelSelector(matchLabels: [:])
        #expect(replicaSet.validate().map(\.description) == [
            "spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for deployment",
        ])
    }

    @Test func tableAndFields() throws {
        var replicaSet = try Self.example()
        replicaSet.metadata.creationTimestamp = secondsAgo(7200)
        replicaSet.status = ReplicaSetStatus(replicas: 3, readyReplicas: 2)
        #expect(replicaSet.tableCells(now: tableNow) == ["3-replicaset", 3, 3, 2, "120m", "web", "nginx", "app=3-replicaset"])
        #expect(replicaSet.selectableFields == ["status.replicas": "3"])
        #expect(ReplicaSet.resource.shortNames == ["rs"])
        #expect(ReplicaSet.resource.hasScale)
    }
}
