import BallastAPI
import Testing

/// StatefulSets: what an update may change, claim templates as volumes, the printer.
struct StatefulSetTests {
    static func postgres() throws -> StatefulSet { preparedForCreate(try decodeManifest(StatefulSet.self, WorkloadManifests.statefulSetPostgres)) }

    @Test func changingServiceNameIsForbidden() throws {
        let old = try Self.postgres()
        var new = old
        new.spec?.serviceName = "postgres"
        #expect(new.validateUpdate(old: old).map(\.description) == [
            "spec: Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
        ])
    }

    @Test func replicasTemplateAndRetentionMayChange() throws {
        let old = try Self.postgres()
        var new = old
        new.spec?.replicas = 3
        new.spec?.template?.spec?.containers?[0].image = "postgres:16"
        new.spec?.persistentVolumeClaimRetentionPolicy = StatefulSetPersistentVolumeClaimRetentionPolicy(whenDeleted: "Delete", whenScaled: "Retain")
        new.spec?.minReadySeconds = 10
        #expect(new.validateUpdate(old: old).isEmpty)
    }

    @Test func claimTemplatesMayNotChange() throws {
        let old = try Self.postgres()
        var new = old
        new.spec?.volumeClaimTemplates?[0].spec?["storageClassName"] = "nfs"
        #expect(new.validateUpdate(old: old).count == 1)
    }

    @Test func mountsMayNameClaimTemplatesButNothingElse() throws {
        var statefulSet = try Self.postgres()
        #expect(statefulSet.validate().isEmpty)
        statefulSet.spec?.template?.spec?.containers?[0].volumeMounts?.append(VolumeMount(name: "logs", mountPath: "/logs"))
        #expect(statefulSet.validate().map(\.description) == [#"spec.template.spec.containers[0].volumeMounts[1].name: Not found: "logs""#])
    }

    @Test func emptySelectorAndPolicies() throws {
        var statefulSet = try Self.postgres()
        statefulSet.spec?.selector = LabelSelector()
        statefulSet.spec?.podManagementPolicy = "Random"
        statefulSet.spec?.persistentVolumeClaimRetentionPolicy?.whenScaled = "Keep"
        #expect(statefulSet.validate().map(\.description) == [
            #"spec.podManagementPolicy: Invalid value: "Random": must be 'OrderedReady' or 'Parallel'"#,
            #"spec.persistentVolumeClaimRetentionPolicy.whenScaled: Unsupported value: "Keep": supported values: "Retain", "Delete""#,
            "spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for statefulset",
        ])
    }

    @Test func claimTemplatesAreDefaultedAsClaims() throws {
        let claim = try #require(try Self.postgres().spec?.volumeClaimTemplates?.first)
        #expect(claim.apiVersion == "v1")
        #expect(claim.kind == "PersistentVolumeClaim")
        #expect(claim.status == ["phase": "Pending"])
    }

    @Test func tableShowsReady() throws {
        var statefulSet = try Self.postgres()
        statefulSet.metadata.creationTimestamp = secondsAgo(30)
        statefulSet.status = StatefulSetStatus(replicas: 2, readyReplicas: 1)
        #expect(statefulSet.tableCells(now: tableNow) == ["pg", "1/2", "30s", "postgres", "postgres:15"])
        #expect(StatefulSet.tableColumns.map(\.name) == ["Ready", "Age", "Containers", "Images"])
        #expect(StatefulSet.resource.shortNames == ["sts"])
        #expect(StatefulSet.resource.hasScale)
    }
}
