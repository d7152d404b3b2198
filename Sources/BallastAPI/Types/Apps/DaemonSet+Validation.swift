/// ValidateDaemonSet and ValidateDaemonSetUpdate.
extension DaemonSet {
    public func validate() -> [FieldError] {
        (spec ?? DaemonSetSpec()).validate(at: FieldPath("spec"))
    }

    /// The spec is validated again, and the selector may not change.
    public func validateUpdate(old: DaemonSet) -> [FieldError] {
        var errors: [FieldError] = []
        errors += (spec ?? DaemonSetSpec()).validate(at: FieldPath("spec"))
        if spec?.selector != old.spec?.selector {
            errors.append(.invalid(FieldPath("spec").child("selector"), raw: GoSyntax.labelSelector(spec?.selector), "field is immutable"))
        }
        return errors
    }
}

extension DaemonSetSpec {
    /// ValidateDaemonSetSpec. A missing selector is not "Required" here: it selects
    /// nothing, which the template-labels check reports.
    public func validate(at path: FieldPath) -> [FieldError] {
        var errors: [FieldError] = []
        if let selector {
            errors += selector.validate(field: path.child("selector"))
            if selector.isEmpty {
                errors.append(.invalid(path.child("selector"), raw: GoSyntax.labelSelector(selector), "empty selector is invalid for daemonset"))
            }
        }
        errors += WorkloadRules.validateTemplate(template, selector: selector, kindName: "DaemonSet", at: path.child("template"))
        errors += CoreRules.nonNegative(minReadySeconds ?? 0, path.child("minReadySeconds"))
        errors += (updateStrategy ?? DaemonSetUpdateStrategy()).validate(at: path.child("updateStrategy"))
        if let limit = revisionHistoryLimit { errors += CoreRules.nonNegative(limit, path.child("revisionHistoryLimit")) }
        return errors
    }
}

extension DaemonSetUpdateStrategy {
    /// ValidateDaemonSetUpdateStrategy and ValidateRollingUpdateDaemonSet.
    func validate(at path: FieldPath) -> [FieldError] {
        switch type ?? "" {
        case "OnDelete":
            return []
        case "RollingUpdate":
            let rollingPath = path.child("rollingUpdate")
            guard let rolling = rollingUpdate else { return [.required(rollingPath)] }
            var errors = WorkloadRules.validatePositiveIntOrPercent(rolling.maxUnavailable, at: rollingPath.child("maxUnavailable"))
            errors += WorkloadRules.validatePositiveIntOrPercent(rolling.maxSurge, at: rollingPath.child("maxSurge"))
            errors += WorkloadRules.validateNotMoreThan100Percent(rolling.maxUnavailable, at: rollingPath.child("maxUnavailable"))
            errors += WorkloadRules.validateNotMoreThan100Percent(rolling.maxSurge, at: rollingPath.child("maxSurge"))
            let hasUnavailable = WorkloadRules.intOrPercentValue(rolling.maxUnavailable) != 0
            let hasSurge = WorkloadRules.intOrPercentValue(rolling.maxSurge) != 0
            if hasUnavailable, hasSurge {
                errors.append(.invalid(rollingPath.child("maxSurge"), raw: GoSyntax.intOrString(rolling.maxSurge),
                                       "may not be set when maxUnavailable is non-zero"))
            } else if !hasUnavailable, !hasSurge {
                errors.append(.required(rollingPath.child("maxUnavailable"), "cannot be 0 when maxSurge is 0"))
            }
            return errors
        case let other:
            return [.notSupported(path, other, ["RollingUpdate", "OnDelete"])]
        }
    }
}
