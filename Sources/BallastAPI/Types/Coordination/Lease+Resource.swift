public import Foundation

/// How the API server stores and serves Leases (pkg/registry/coordination/lease).
extension Lease: APIResource {
    public static let resource = ResourceInfo(gvk: gvk, plural: "leases", singular: "lease", namespaced: true)

    /// The strategies Kubernetes defines; others must be prefixed ("example.com/mine").
    public static let knownStrategies = ["OldestEmulationVersion"]

    /// ValidateLeaseSpec.
    public func validate() -> [FieldError] {
        var errors: [FieldError] = []
        let path = FieldPath("spec")
        guard let spec else { return errors }
        if let duration = spec.leaseDurationSeconds, duration <= 0 {
            errors.append(.invalid(path.child("leaseDurationSeconds"), number: duration, "must be greater than 0"))
        }
        if let transitions = spec.leaseTransitions, transitions < 0 {
            errors.append(.invalid(path.child("leaseTransitions"), number: transitions, "must be greater than or equal to 0"))
        }
        if let strategy = spec.strategy {
            let strategyPath = path.child("strategy")
            if strategy.contains("/") {
                errors += NameRules.qualifiedName(strategy).map { FieldError.invalid(strategyPath, strategy, $0) }
            } else if !Self.knownStrategies.contains(strategy) {
                errors.append(.notSupported(strategyPath, strategy, Self.knownStrategies))
            }
        }
        if let holder = spec.preferredHolder, !holder.isEmpty, (spec.strategy ?? "").isEmpty {
            errors.append(.forbidden(path.child("preferredHolder"), "may only be specified if `strategy` is defined"))
        }
        return errors
    }

    public static var tableColumns: [TableColumn] {
        [TableColumn("Holder", description: "holderIdentity contains the identity of the holder of a current lease."), TableColumn.age]
    }

    public func tableCells(now: Date) -> [JSONValue] {
        [.string(name), .string(spec?.holderIdentity ?? ""), .string(HumanDuration.since(metadata.creationTimestamp, now: now))]
    }
}
