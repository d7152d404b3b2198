/// ValidateDeployment and ValidateDeploymentUpdate.
extension Deployment {
    public func validate() -> [FieldError] {
        (spec ?? DeploymentSpec()).validate(at: FieldPath("spec"))
    }

    /// The spec is validated again, and the selector may not change (apps/v1).
    public func validateUpdate(old: Deployment) -> [FieldError] {
        var errors: [FieldError] = []
        errors += (spec ?? DeploymentSpec()).validate(at: FieldPath("spec"))
        if spec?.selector != old.spec?.selector {
            errors.append(.invalid(FieldPath("spec").child("selector"), raw: GoSyntax.labelSelector(spec?.selector), "field is immutable"))
        }
        return errors
    }
}

extension DeploymentSpec {
    /// ValidateDeploymentSpec.
    public func validate(at path: FieldPath) -> [FieldError] {
        var errors = CoreRules.nonNegative(replicas ?? 0, path.child("replicas"))
        errors += WorkloadRules.validateSelector(selector, emptyMessageKind: "deployment", at: path.child("selector"))
        if let selector, (try? selector.requirements()) == nil {
            errors.append(.invalid(path.child("selector"), raw: GoSyntax.labelSelector(selector), "invalid label selector"))
        } else {
            errors += WorkloadRules.validateTemplate(template, selector: selector, kindName: "ReplicaSet", at: path.child("template"))
        }
        errors += (strategy ?? DeploymentStrategy()).validate(at: path.child("strategy"))
        errors += CoreRules.nonNegative(minReadySeconds ?? 0, path.child("minReadySeconds"))
        if let limit = revisionHistoryLimit { errors += CoreRules.nonNegative(limit, path.child("revisionHistoryLimit")) }
        if let deadline = progressDeadlineSeconds {
            errors += CoreRules.nonNegative(deadline, path.child("progressDeadlineSeconds"))
            if deadline <= minReadySeconds ?? 0 {
                errors.append(.invalid(path.child("progressDeadlineSeconds"), number: deadline, "must be greater than minReadySeconds"))
            }
        }
        return errors
    }
}

extension DeploymentStrategy {
    /// ValidateDeploymentStrategy and ValidateRollingUpdateDeployment.
    func validate(at path: FieldPath) -> [FieldError] {
        switch type ?? "" {
        case "Recreate":
            return rollingUpdate == nil ? [] : [.forbidden(path.child("rollingUpdate"), "may not be specified when strategy `type` is 'Recreate'")]
        case "RollingUpdate":
            let rollingPath = path.child("rollingUpdate")
            guard let rollingUpdate else { return [.required(rollingPath, "this should be defaulted and never be nil")] }
            var errors = WorkloadRules.validatePositiveIntOrPercent(rollingUpdate.maxUnavailable, at: rollingPath.child("maxUnavailable"))
            errors += WorkloadRules.validatePositiveIntOrPercent(rollingUpdate.maxSurge, at: rollingPath.child("maxSurge"))
            if WorkloadRules.intOrPercentValue(rollingUpdate.maxUnavailable) == 0, WorkloadRules.intOrPercentValue(rollingUpdate.maxSurge) == 0 {
                errors.append(.invalid(rollingPath.child("maxUnavailable"), raw: GoSyntax.intOrString(rollingUpdate.maxUnavailable),
                                       "may not be 0 when `maxSurge` is 0"))
            }
            errors += WorkloadRules.validateNotMoreThan100Percent(rollingUpdate.maxUnavailable, at: rollingPath.child("maxUnavailable"))
            return errors
        case let other:
            return [.notSupported(path, other, ["Recreate", "RollingUpdate"])]
        }
    }
}
