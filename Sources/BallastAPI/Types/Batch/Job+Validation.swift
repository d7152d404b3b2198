/// ValidateJob, ValidateJobUpdate and the JobSpec rules a CronJob's template shares.
extension Job {
    public func validate() -> [FieldError] {
        var errors: [FieldError] = []
        errors += validateGeneratedSelector()
        let spec = self.spec ?? JobSpec()
        errors += spec.validate(at: FieldPath("spec"))
        if spec.completionMode == "Indexed", let completions = spec.completions, completions > 0 {
            let hostname = "\(name)-\(completions - 1)"
            if !NameRules.dns1123Label(hostname).isEmpty {
                errors.append(.invalid(FieldPath("metadata").child("name"), name, "will not able to create pod with invalid DNS label: \(hostname)"))
            }
        }
        return errors
    }

    /// The selector, template, completion mode and failure policies may not change;
    /// completions may change only for Indexed Jobs, in tandem with parallelism.
    public func validateUpdate(old: Job) -> [FieldError] {
        // The generated selector is not checked again: Jobs created before the
        // batch.kubernetes.io labels existed carry only the legacy ones.
        var errors: [FieldError] = []
        let new = spec ?? JobSpec()
        let previous = old.spec ?? JobSpec()
        let path = FieldPath("spec")
        errors += new.validate(at: path)
        if new.completions != previous.completions {
            if new.completionMode != "Indexed" {
                errors.append(.invalid(path.child("completions"), raw: new.completions.map(String.init) ?? "null", "field is immutable"))
            } else if let completions = new.completions, completions != new.parallelism {
                errors.append(.invalid(path.child("completions"), number: completions, "can only be modified in tandem with spec.parallelism"))
            }
        }
        if new.selector != previous.selector {
            errors.append(.invalid(path.child("selector"), raw: GoSyntax.labelSelector(new.selector), "field is immutable"))
        }
        // A suspended Job that never started may be re-targeted (what queueing controllers do):
        // node affinity, node selector, tolerations, scheduling gates, labels and annotations.
        var comparable = previous.template ?? PodTemplateSpec()
        if previous.suspend == true, old.status?.startTime == nil {
            var spec = comparable.spec ?? PodSpec()
            let newSpec = new.template?.spec ?? PodSpec()
            spec.affinity = newSpec.affinity
            spec.nodeSelector = newSpec.nodeSelector
            spec.tolerations = newSpec.tolerations
            spec.schedulingGates = newSpec.schedulingGates
            comparable.spec = spec
            var meta = comparable.metadata ?? ObjectMeta()
            meta.labels = new.template?.metadata?.labels
            meta.annotations = new.template?.metadata?.annotations
            comparable.metadata = meta
        }
        if SpecDiff.normalized(APICodec.encodeValue(new.template ?? PodTemplateSpec())) != SpecDiff.normalized(APICodec.encodeValue(comparable)) {
            errors.append(.invalid(path.child("template"), raw: "core.PodTemplateSpec{…}", "field is immutable"))
        }
        if (new.completionMode ?? "") != (previous.completionMode ?? "") {
            errors.append(.invalid(path.child("completionMode"), new.completionMode ?? "", "field is immutable"))
        }
        if new.podFailurePolicy != previous.podFailurePolicy {
            errors.append(.invalid(path.child("podFailurePolicy"), raw: "batch.PodFailurePolicy{…}", "field is immutable"))
        }
        if new.backoffLimitPerIndex != previous.backoffLimitPerIndex {
            errors.append(.invalid(path.child("backoffLimitPerIndex"), raw: new.backoffLimitPerIndex.map(String.init) ?? "null", "field is immutable"))
        }
        return errors
    }

    /// validateGeneratedSelector: a generated selector must carry the Job's uid and name.
    func validateGeneratedSelector() -> [FieldError] {
        let spec = self.spec ?? JobSpec()
        guard spec.manualSelector != true, let selector = spec.selector else { return [] }
        var errors: [FieldError] = []
        if uid.isEmpty { errors.append(.required(FieldPath("metadata").child("uid"))) }
        let metaPath = FieldPath("spec").child("template").child("metadata")
        let labels = spec.template?.metadata?.labels ?? [:]
        let expected = [Labels.legacyControllerUID: uid, Labels.legacyJobName: name, Labels.controllerUID: uid, Labels.jobName: name]
        for key in [Labels.legacyControllerUID, Labels.legacyJobName, Labels.controllerUID, Labels.jobName] {
            let value = expected[key] ?? ""
            if let actual = labels[key] {
                if actual != value {
                    errors.append(.invalid(metaPath.child("labels").key(key), raw: GoSyntax.stringMap(labels), "must be '\(value)'"))
                }
            } else {
                errors.append(.required(metaPath.child("labels").key(key), "must be '\(value)'"))
            }
        }
        if (try? selector.requirements()) != nil, !selector.matches(expected) {
            errors.append(.invalid(FieldPath("spec").child("selector"), raw: GoSyntax.labelSelector(selector), "`selector` not auto-generated"))
        }
        return errors
    }
}

extension JobSpec {
    /// ValidateJobSpec: the shared rules plus a selector that matches the template.
    public func validate(at path: FieldPath) -> [FieldError] {
        var errors = validateCommon(at: path)
        if let selector {
            errors += selector.validate(field: path.child("selector"))
        } else {
            errors.append(.required(path.child("selector")))
        }
        if selector == nil || (try? selector?.requirements()) != nil {
            let labels = template?.metadata?.labels
            if !(selector?.matches(labels) ?? false) {
                errors.append(.invalid(path.child("template").child("metadata").child("labels"), raw: GoSyntax.stringMap(labels),
                                       "`selector` does not match template `labels`"))
            }
        }
        return errors
    }

    /// validateJobSpec: counts, limits, completion mode, the Pod template and a restart
    /// policy of OnFailure or Never.
    func validateCommon(at path: FieldPath) -> [FieldError] {
        var errors: [FieldError] = []
        if let value = parallelism { errors += CoreRules.nonNegative(value, path.child("parallelism")) }
        if let value = completions { errors += CoreRules.nonNegative(value, path.child("completions")) }
        if let value = activeDeadlineSeconds { errors += CoreRules.nonNegative(value, path.child("activeDeadlineSeconds")) }
        if let value = backoffLimit { errors += CoreRules.nonNegative(value, path.child("backoffLimit")) }
        if let value = ttlSecondsAfterFinished { errors += CoreRules.nonNegative(value, path.child("ttlSecondsAfterFinished")) }
        if let value = backoffLimitPerIndex {
            errors += CoreRules.nonNegative(value, path.child("backoffLimitPerIndex"))
            if completionMode != "Indexed" {
                errors.append(.forbidden(path.child("backoffLimitPerIndex"), "requires indexed completion mode"))
            }
        }
        if let value = maxFailedIndexes {
            errors += CoreRules.nonNegative(value, path.child("maxFailedIndexes"))
            if backoffLimitPerIndex == nil {
                errors.append(.required(path.child("backoffLimitPerIndex"), "when maxFailedIndexes is specified"))
            }
        }
        if let mode = completionMode {
            if mode != "NonIndexed", mode != "Indexed" {
                errors.append(.notSupported(path.child("completionMode"), mode, ["NonIndexed", "Indexed"]))
            }
            if mode == "Indexed" {
                if completions == nil { errors.append(.required(path.child("completions"), "when completion mode is Indexed")) }
                if let value = parallelism, value > 100_000 {
                    errors.append(.invalid(path.child("parallelism"), number: value, "must be less than or equal to 100000 when completion mode is Indexed"))
                }
            }
        }
        if let policy = podReplacementPolicy {
            if policy != "TerminatingOrFailed", policy != "Failed" {
                errors.append(.notSupported(path.child("podReplacementPolicy"), policy, ["Failed", "TerminatingOrFailed"]))
            } else if podFailurePolicy != nil, policy != "Failed" {
                errors.append(.notSupported(path.child("podReplacementPolicy"), policy, ["Failed"]))
            }
        }
        errors += (template ?? PodTemplateSpec()).validate(at: path.child("template"))
        let restartPath = path.child("template").child("spec").child("restartPolicy")
        switch template?.spec?.restartPolicy ?? "" {
        case "Always", "":
            errors.append(.required(restartPath, "valid values: \"OnFailure\", \"Never\""))
        case "OnFailure", "Never":
            if podFailurePolicy != nil, template?.spec?.restartPolicy != "Never" {
                errors.append(.invalid(restartPath, template?.spec?.restartPolicy ?? "", "only \"Never\" is supported when podFailurePolicy is specified"))
            }
        case let other:
            errors.append(.notSupported(restartPath, other, ["OnFailure", "Never"]))
        }
        return errors
    }
}
