import BallastAPI
import Testing

/// Deployments: the selector rules users hit, the rolling-update numbers, the printer.
struct DeploymentTests {
    static func nginx() throws -> Deployment { preparedForCreate(try decodeManifest(Deployment.self, WorkloadManifests.deploymentNginx)) }

    @Test func selectorMustMatchTemplateLabels() throws {
        var deployment = try Self.nginx()
        deployment.spec?.template?.metadata?.labels = ["app": "web"]
        #expect(deployment.validate().map(\.description) == [
            #"spec.template.metadata.labels: Invalid value: map[string]string{"app":"web"}: `selector` does not match template `labels`"#,
        ])
    }

    @Test func selectorIsRequired() throws {
        var deployment = try Self.nginx()
        deployment.spec?.selector = nil
        #expect(deployment.validate().map(\.description) == [
            "spec.selector: Required value",
            #"spec.template.metadata.labels: Invalid value: map[string]string{"app":"nginx"}: `selector` does not match template `labels`"#,
        ])
    }

    @Test func emptySelectorIsRefused() throws {
        var deployment = try Self.nginx()
        deployment.spec?.selector = LabelSelector()
        #expect(deployment.validate().map(\.description) == [
            "spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for deployment",
        ])
    }

    @Test func selectorIsImmutable() throws {
        let old = try Self.nginx()
        var new = old
        new.spec?.selector = LabelSelector(matchLabels: ["app": "nginx", "tier": "web"])
        new.spec?.template?.metadata?.labels = ["app": "nginx", "tier": "web"]
        #expect(new.validateUpdate(old: old).map(\.description) == [
            #"spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":"nginx", "tier":"web"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable"#,
        ])
        var scaled = old
        scaled.spec?.replicas = 5
        scaled.spec?.template?.spec?.containers?[0].image = "nginx:1.27"
        #expect(scaled.validateUpdate(old: old).isEmpty)
    }

    @Test func templateMustRestartAlwaysAndBeAValidPodTemplate() throws {
        var deployment = try Self.nginx()
        deployment.spec?.template?.spec?.restartPolicy = "Never"
        deployment.spec?.template?.spec?.containers?[0].name = "Nginx"
        let errors = deployment.validate().map(\.description)
        #expect(errors.count == 2)
        #expect(errors.first?.hasPrefix(#"spec.template.spec.containers[0].name: Invalid value: "Nginx": a lowercase RFC 1123 label"#) == true)
        #expect(errors.last == #"spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always""#)
    }

    @Test func rollingUpdateCannotStandStill() throws {
        var deployment = try Self.nginx()
        deployment.spec?.strategy?.rollingUpdate = RollingUpdateDeployment(maxUnavailable: .int(0), maxSurge: .string("0%"))
        #expect(deployment.validate().map(\.description) == [
            "spec.strategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:0, IntVal:0, StrVal:\"\"}: may not be 0 when `maxSurge` is 0",
        ])
        deployment.spec?.strategy?.rollingUpdate = RollingUpdateDeployment(maxUnavailable: .string("150%"), maxSurge: .string("x"))
        #expect(deployment.validate().map(\.description) == [
            "spec.strategy.rollingUpdate.maxSurge: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:\"x\"}: a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')",
            "spec.strategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:\"150%\"}: must not be greater than 100%",
        ])
    }

    @Test func negativeReplicasAreRefused() throws {
        var deployment = try Self.nginx()
        deployment.spec?.replicas = -1
        #expect(deployment.validate().map(\.description) == ["spec.replicas: Invalid value: -1: must be greater than or equal to 0"])
    }

    @Test func tableShowsReadyUpToDateAvailable() throws {
        var deployment = try Self.nginx()
        deployment.metadata.creationTimestamp = secondsAgo(90)
        deployment.status = DeploymentStatus(replicas: 2, updatedReplicas: 2, readyReplicas: 1, availableReplicas: 1)
        #expect(deployment.tableCells(now: tableNow) == ["nginx-deploy", "1/2", 2, 1, "90s", "nginx", "nginx:latest", "app=nginx"])
        #expect(Deployment.tableColumns.map(\.name) == ["Ready", "Up-to-date", "Available", "Age", "Containers", "Images", "Selector"])
        #expect(Deployment.resource.shortNames == ["deploy"])
        #expect(Deployment.resource.hasScale && Deployment.resource.hasStatus)
        #expect(Deployment.resource.categories == ["all"])
    }
}
