/// ValidateStatefulSet and ValidateStatefulSetUpdate.
extension StatefulSet {
    public func validate() -> [FieldError] {
        (spec ?? StatefulSetSpec()).validate(at: FieldPath("spec"))
    }

    /// Only replicas, ordinals, template, updateStrategy, revisionHistoryLimit,
    /// persistentVolumeClaimRetentionPolicy and minReadySeconds may change.
    public func validateUpdate(old: StatefulSet) -> [FieldError] {
        var errors: [FieldError] = []
        let new = spec ?? StatefulSetSpec()
        let previous = old.spec ?? StatefulSetSpec()
        errors += new.validate(at: FieldPath("spec"))
        var munged = new
        munged.replicas = previous.replicas
        munged.template = previous.template
        munged.updateStrategy = previous.updateStrategy
        munged.minReadySeconds = previous.minReadySeconds
        munged.ordinals = previous.ordinals
        munged.revisionHistoryLimit = previous.revisionHistoryLimit
        munged.persistentVolumeClaimRetentionPolicy = previous.persistentVolumeClaimRetentionPolicy
        if SpecDiff.normalized(APICodec.encodeValue(munged)) != SpecDiff.normalized(APICodec.encodeValue(previous)) {
            errors.append(.forbidden(FieldPath("spec"),
                                     "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden"))
        }
        return errors
    }
}

extension StatefulSetSpec {
    /// ValidateStatefulSetSpec.
    ///
    /// Upstream checks only the template's labels and annotations, because the template's
    /// volume mounts name claim templates it cannot see; Ballast validates the whole Pod
    /// template with the claim templates counted as volumes, so a bad template is refused
    /// here rather than failing at every Pod creation.
    public func validate(at path: FieldPath) -> [FieldError] {
        var errors: [FieldError] = []
        switch podManagementPolicy ?? "" {
        case "": errors.append(.required(path.child("podManagementPolicy")))
        case "OrderedReady", "Parallel": break
        case let other: errors.append(.invalid(path.child("podManagementPolicy"), other, "must be 'OrderedReady' or 'Parallel'"))
        }
        let strategyPath = path.child("updateStrategy")
        let strategy = updateStrategy ?? StatefulSetUpdateStrategy()
        switch strategy.type ?? "" {
        case "": errors.append(.required(strategyPath))
        case "OnDelete":
            if strategy.rollingUpdate != nil {
                errors.append(.invalid(strategyPath.child("rollingUpdate"), raw: "apps.RollingUpdateStatefulSetStrategy{…}",
                                       "only allowed for updateStrategy 'RollingUpdate'"))
            }
        case "RollingUpdate":
            if let rolling = strategy.rollingUpdate {
                let rollingPath = strategyPath.child("rollingUpdate")
                errors += CoreRules.nonNegative(rolling.partition ?? 0, rollingPath.child("partition"))
                if let maxUnavailable = rolling.maxUnavailable {
                    errors += WorkloadRules.validatePositiveIntOrPercent(maxUnavailable, at: rollingPath.child("maxUnavailable"))
                    if WorkloadRules.intOrPercentValue(maxUnavailable) == 0 {
                        errors.append(.invalid(rollingPath.child("maxUnavailable"), raw: GoSyntax.intOrString(maxUnavailable), "must be greater than 0"))
                    }
                    errors += WorkloadRules.validateNotMoreThan100Percent(maxUnavailable, at: rollingPath.child("maxUnavailable"))
                }
            }
        case let other:
            errors.append(.invalid(strategyPath, raw: "apps.StatefulSetUpdateStrategy{Type:\(FieldError.quote(other))}",
                                   "must be 'RollingUpdate' or 'OnDelete'"))
        }
        if let retention = persistentVolumeClaimRetentionPolicy {
            let retentionPath = path.child("persistentVolumeClaimRetentionPolicy")
            for (field, value) in [("whenDeleted", retention.whenDeleted ?? ""), ("whenScaled", retention.whenScaled ?? "")]
            where value != "Retain" && value != "Delete" {
                errors.append(.notSupported(retentionPath.child(field), value, ["Retain", "Delete"]))
            }
        }
        if let start = ordinals?.start { errors += CoreRules.nonNegative(start, path.child("ordinals.start")) }
        errors += CoreRules.nonNegative(replicas ?? 0, path.child("replicas"))
        errors += CoreRules.nonNegative(minReadySeconds ?? 0, path.child("minReadySeconds"))
        errors += WorkloadRules.validateSelector(selector, emptyMessageKind: "statefulset", at: path.child("selector"))
        if let selector, (try? selector.requirements()) == nil {
            errors.append(.invalid(path.child("selector"), raw: GoSyntax.labelSelector(selector), ""))
        } else {
            let claims = (volumeClaimTemplates ?? []).map(\.name).filter { !$0.isEmpty }
            errors += WorkloadRules.validateTemplate(template, selector: selector, kindName: "StatefulSet", at: path.child("template"),
                                                     options: PodSpecValidationOptions(claimTemplateNames: claims))
        }
        return errors
    }
}
