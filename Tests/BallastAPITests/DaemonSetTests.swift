import BallastAPI
import Testing

/// DaemonSets: update strategy rules, the printer.
struct DaemonSetTests {
    static func exporter() throws -> DaemonSet { preparedForCreate(try decodeManifest(DaemonSet.self, WorkloadManifests.daemonSet)) }

    @Test func surgeAndUnavailableAreExclusive() throws {
        var daemonSet = try Self.exporter()
        daemonSet.spec?.updateStrategy?.rollingUpdate = RollingUpdateDaemonSet(maxUnavailable: .int(1), maxSurge: .int(1))
        #expect(daemonSet.validate().map(\.description) == [
            "spec.updateStrategy.rollingUpdate.maxSurge: Invalid value: intstr.IntOrString{Type:0, IntVal:1, StrVal:\"\"}: may not be set when maxUnavailable is non-zero",
        ])
        daemonSet.spec?.updateStrategy?.rollingUpdate = RollingUpdateDaemonSet(maxUnavailable: .int(0), maxSurge: .int(0))
        #expect(daemonSet.validate().map(\.description) == [
            "spec.updateStrategy.rollingUpdate.maxUnavailable: Required value: cannot be 0 when maxSurge is 0",
        ])
    }

    @Test func aMissingSelectorSelectsNothing() throws {
        var daemonSet = try Self.exporter()
        daemonSet.spec?.selector = nil
        #expect(daemonSet.validate().map(\.description) == [
            #"spec.template.metadata.labels: Invalid value: map[string]string{"name":"node-exporter", "tier":"monitoring"}: `selector` does not match template `labels`"#,
        ])
    }

    @Test func tableShowsCountsAndNodeSelector() throws {
        var daemonSet = try Self.exporter()
        daemonSet.metadata.creationTimestamp = secondsAgo(86400 * 3)
        daemonSet.spec?.template?.spec?.nodeSelector = ["kubernetes.io/os": "linux", "disk": "ssd"]
        daemonSet.status = DaemonSetStatus(currentNumberScheduled: 2, desiredNumberScheduled: 3, numberReady: 2, updatedNumberScheduled: 2, numberAvailable: 1)
        #expect(daemonSet.tableCells(now: tableNow) == [
            "node-exporter", 3, 2, 2, 2, 1, "disk=ssd,kubernetes.io/os=linux", "3d", "exporter", "prom/node-exporter", "name=node-exporter,tier=monitoring",
        ])
        daemonSet.spec?.template?.spec?.nodeSelector = nil
        #expect(daemonSet.tableCells(now: tableNow)[6] == "<none>")
        #expect(DaemonSet.resource.shortNames == ["ds"])
        #expect(!DaemonSet.resource.hasScale)
    }
}
