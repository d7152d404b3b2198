/// ValidateReplicaSet and ValidateReplicaSetUpdate.
extension ReplicaSet {
    public func validate() -> [FieldError] {
        (spec ?? ReplicaSetSpec()).validate(at: FieldPath("spec"))
    }

    /// The spec is validated again, and the selector may not change (apps/v1).
    public func validateUpdate(old: ReplicaSet) -> [FieldError] {
        var errors: [FieldError] = []
        errors += (spec ?? ReplicaSetSpec()).validate(at: FieldPath("spec"))
        if spec?.selector != old.spec?.selector {
            errors.append(.invalid(FieldPath("spec").child("selector"), raw: GoSyntax.labelSelector(spec?.selector), "field is immutable"))
        }
        return errors
    }

    /// Beyond metadata.name and metadata.namespace, a field selector may name status.replicas.
    public var selectableFields: [String: String] { ["status.replicas": String(status?.replicas ?? 0)] }
}

extension ReplicaSetSpec {
    /// ValidateReplicaSetSpec. The empty-selector message says "deployment", as upstream's does.
    public func validate(at path: FieldPath) -> [FieldError] {
        var errors = CoreRules.nonNegative(replicas ?? 0, path.child("replicas"))
        errors += CoreRules.nonNegative(minReadySeconds ?? 0, path.child("minReadySeconds"))
        errors += WorkloadRules.validateSelector(selector, emptyMessageKind: "deployment", at: path.child("selector"))
        if let selector, (try? selector.requirements()) == nil {
            errors.append(.invalid(path.child("selector"), raw: GoSyntax.labelSelector(selector), "invalid label selector"))
        } else {
            errors += WorkloadRules.validateTemplate(template, selector: selector, kindName: "ReplicaSet", at: path.child("template"))
        }
        return errors
    }
}
