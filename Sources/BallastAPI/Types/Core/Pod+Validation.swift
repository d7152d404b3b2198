/// ValidatePodCreate and ValidatePodUpdate.
extension Pod {
    /// The fields an update may change, as upstream's message lists them.
    static let updatableSpecFields = [
        "`spec.containers[*].image`",
        "`spec.initContainers[*].image`",
        "`spec.activeDeadlineSeconds`",
        "`spec.tolerations` (only additions to existing tolerations)",
        "`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)",
    ]

    public func validate() -> [FieldError] {
        var errors = validateMetadataAndSpec()
        let spec = self.spec ?? PodSpec()
        let specPath = FieldPath("spec")
        if !(spec.ephemeralContainers ?? []).isEmpty {
            errors.append(.forbidden(specPath.child("ephemeralContainers"), "cannot be set on create"))
        }
        if !(spec.nodeName ?? "").isEmpty, !(spec.schedulingGates ?? []).isEmpty {
            errors.append(.forbidden(specPath.child("nodeName"), "cannot be set until all schedulingGates have been cleared"))
        }
        return errors
    }

    /// validatePodMetadataAndSpec: what both create and update check.
    func validateMetadataAndSpec() -> [FieldError] {
        var errors: [FieldError] = []
        let spec = self.spec ?? PodSpec()
        let specPath = FieldPath("spec")
        errors += spec.validate(at: specPath, options: PodSpecValidationOptions(isPod: true, podName: metadata.name))
        if (spec.serviceAccountName ?? "").isEmpty {
            for (volumeIndex, volume) in (spec.volumes ?? []).enumerated() {
                for (sourceIndex, source) in (volume.source.projected?.sources ?? []).enumerated() where source.serviceAccountToken != nil {
                    let path = specPath.child("volumes").index(volumeIndex).child("projected").child("sources").index(sourceIndex)
                    errors.append(.forbidden(path.child("serviceAccountToken"), "must not be specified when serviceAccountName is not set"))
                }
            }
        }
        for (index, container) in (spec.containers ?? []).enumerated() {
            errors += container.validateOnlyForPod(at: specPath.child("containers").index(index))
        }
        for (index, container) in (spec.initContainers ?? []).enumerated() {
            errors += container.validateOnlyForPod(at: specPath.child("initContainers").index(index))
        }
        return errors
    }

    /// ValidatePodUpdate: the spec is immutable but for container images, a shrinking
    /// activeDeadlineSeconds, added tolerations, removed scheduling gates and, for the
    /// scheduler's binding, a nodeName set where there was none.
    public func validateUpdate(old: Pod) -> [FieldError] {
        var errors: [FieldError] = []
        errors += validateMetadataAndSpec()
        let specPath = FieldPath("spec")
        let new = spec ?? PodSpec()
        let previous = old.spec ?? PodSpec()
        for (field, newList, oldList) in [("containers", new.containers ?? [], previous.containers ?? []),
                                          ("initContainers", new.initContainers ?? [], previous.initContainers ?? [])] {
            let listPath = specPath.child(field)
            if newList.count != oldList.count {
                errors.append(.forbidden(listPath, "pod updates may not add or remove containers"))
                return errors
            }
            for (index, container) in newList.enumerated() {
                let image = container.image ?? ""
                if image.isEmpty { errors.append(.required(listPath.index(index).child("image"))) }
            }
        }
        if let deadline = new.activeDeadlineSeconds {
            if deadline < 0 || deadline > Int64(Int32.max) {
                errors.append(.invalid(specPath.child("activeDeadlineSeconds"), number: deadline, CoreRules.rangeMessage(0, Int64(Int32.max))))
                return errors
            }
            if let oldDeadline = previous.activeDeadlineSeconds, oldDeadline < deadline {
                errors.append(.invalid(specPath.child("activeDeadlineSeconds"), number: deadline, "must be less than or equal to previous value"))
                return errors
            }
        } else if previous.activeDeadlineSeconds != nil {
            errors.append(.invalid(specPath.child("activeDeadlineSeconds"), raw: "null", "must not update from a positive integer to nil value"))
        }
        errors += Pod.validateOnlyAddedTolerations(new.tolerations ?? [], old: previous.tolerations ?? [], at: specPath.child("tolerations"))
        errors += Pod.validateOnlyDeletedGates(new.schedulingGates ?? [], old: previous.schedulingGates ?? [], at: specPath.child("schedulingGates"))

        var munged = new
        munged.containers = zip(new.containers ?? [], previous.containers ?? []).map { var c = $0; c.image = $1.image; return c }
        munged.initContainers = zip(new.initContainers ?? [], previous.initContainers ?? []).map { var c = $0; c.image = $1.image; return c }
        if new.containers == nil { munged.containers = nil }
        if new.initContainers == nil { munged.initContainers = nil }
        munged.activeDeadlineSeconds = previous.activeDeadlineSeconds
        munged.schedulingGates = previous.schedulingGates
        munged.tolerations = previous.tolerations
        if let oldGrace = previous.terminationGracePeriodSeconds, oldGrace < 0, munged.terminationGracePeriodSeconds == 1 {
            munged.terminationGracePeriodSeconds = oldGrace
        }
        // The binding: nodeName may be set once, by whoever schedules the Pod, once its
        // scheduling gates are gone.
        if (previous.nodeName ?? "").isEmpty, (new.schedulingGates ?? []).isEmpty { munged.nodeName = previous.nodeName }
        // A gated Pod may gain nodeSelector entries while it waits.
        if !(previous.schedulingGates ?? []).isEmpty {
            let oldSelector = previous.nodeSelector ?? [:]
            if oldSelector.allSatisfy({ munged.nodeSelector?[$0.key] == $0.value }) { munged.nodeSelector = previous.nodeSelector }
        }
        let mungedValue = SpecDiff.normalized(APICodec.encodeValue(munged))
        let oldValue = SpecDiff.normalized(APICodec.encodeValue(previous))
        if mungedValue != oldValue {
            let message = "pod updates may not change fields other than " + Pod.updatableSpecFields.joined(separator: ",") + "\n"
                + SpecDiff.render(old: oldValue, new: mungedValue, typeName: "core.PodSpec")
            errors.append(.forbidden(specPath, message))
        }
        return errors
    }

    static func validateOnlyAddedTolerations(_ new: [Toleration], old: [Toleration], at path: FieldPath) -> [FieldError] {
        for toleration in old {
            let kept = new.contains { candidate in
                var comparable = toleration
                comparable.tolerationSeconds = candidate.tolerationSeconds
                return comparable == candidate
            }
            if !kept { return [.forbidden(path, "existing toleration can not be modified except its tolerationSeconds")] }
        }
        return Toleration.validate(new, at: path)
    }

    static func validateOnlyDeletedGates(_ new: [PodSchedulingGate], old: [PodSchedulingGate], at path: FieldPath) -> [FieldError] {
        let oldNames = Set(old.map(\.name))
        return new.enumerated().compactMap { index, gate in
            oldNames.contains(gate.name)
                ? nil : FieldError.forbidden(path.index(index).child("name"), "only deletion is allowed, but found new scheduling gate '\(gate.name)'")
        }
    }
}

/// Compares specs as Kubernetes' semantic equality does and renders what changed, in the
/// spirit of the cmp.Diff upstream appends to "may not change" messages.
enum SpecDiff {
    /// Drops empty lists and nulls, which Kubernetes treats as equal to absent.
    static func normalized(_ value: JSONValue) -> JSONValue {
        switch value {
        case .object(let members):
            var out: [String: JSONValue] = [:]
            for (key, member) in members {
                let clean = normalized(member)
                if clean.isNull { continue }
                if case .array(let items) = clean, items.isEmpty { continue }
                out[key] = clean
            }
            return .object(out)
        case .array(let items):
            return .array(items.map(normalized))
        default:
            return value
        }
    }

    /// "  core.PodSpec{\n- \trestartPolicy: \"Always\",\n+ \trestartPolicy: \"Never\",\n  }".
    static func render(old: JSONValue, new: JSONValue, typeName: String) -> String {
        let before = old.objectValue ?? [:]
        let after = new.objectValue ?? [:]
        var lines = ["  \(typeName){"]
        for key in Set(before.keys).union(after.keys).sorted() where before[key] != after[key] {
            if let value = before[key] { lines.append("- \t\(key): \(value.jsonString),") }
            if let value = after[key] { lines.append("+ \t\(key): \(value.jsonString),") }
        }
        lines.append("  }")
        return lines.joined(separator: "\n") + "\n"
    }
}
