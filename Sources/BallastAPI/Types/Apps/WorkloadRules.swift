/// Validation and printing the workload kinds share: selectors that must match the Pod
/// template, rolling-update numbers, and the Containers/Images/Selector columns.
public enum WorkloadRules {
    /// A required, non-empty, well-formed selector; `kind` names the kind in the "empty
    /// selector is invalid for …" message ("deployment" also for ReplicaSets, as upstream).
    static func validateSelector(_ selector: LabelSelector?, emptyMessageKind kind: String, at path: FieldPath) -> [FieldError] {
        guard let selector else { return [.required(path)] }
        var errors = selector.validate(field: path)
        if selector.isEmpty {
            errors.append(.invalid(path, raw: GoSyntax.labelSelector(selector), "empty selector is invalid for \(kind)"))
        }
        return errors
    }

    /// The "`selector` does not match template `labels`" check. A missing selector matches
    /// nothing, so it fails here too (as upstream, beside "Required value"); an empty one
    /// matches everything and a malformed one is reported by the selector checks.
    static func validateSelectorMatchesTemplate(_ selector: LabelSelector?, _ template: PodTemplateSpec?, at templatePath: FieldPath) -> [FieldError] {
        let labels = template?.metadata?.labels
        if let selector {
            guard !selector.isEmpty, (try? selector.requirements()) != nil, !selector.matches(labels) else { return [] }
        }
        return [.invalid(templatePath.child("metadata").child("labels"), raw: GoSyntax.stringMap(labels),
                         "`selector` does not match template `labels`")]
    }

    /// ValidatePodTemplateSpecForReplicaSet and its DaemonSet and StatefulSet twins: the
    /// selector matches the labels, the template is a valid Pod template, the Pods restart
    /// Always and have no activeDeadlineSeconds.
    static func validateTemplate(_ template: PodTemplateSpec?, selector: LabelSelector?, kindName: String, at path: FieldPath,
                                 options: PodSpecValidationOptions = PodSpecValidationOptions()) -> [FieldError] {
        // Upstream's template is not a pointer: a missing one validates as an empty template.
        let template = template ?? PodTemplateSpec()
        var errors = validateSelectorMatchesTemplate(selector, template, at: path)
        errors += template.validate(at: path, options: options)
        let spec = template.spec ?? PodSpec()
        if let policy = spec.restartPolicy, policy != "Always" {
            errors.append(.notSupported(path.child("spec").child("restartPolicy"), policy, ["Always"]))
        }
        if spec.activeDeadlineSeconds != nil {
            errors.append(.forbidden(path.child("spec").child("activeDeadlineSeconds"), "activeDeadlineSeconds in \(kindName) is not Supported"))
        }
        return errors
    }

    /// ValidatePositiveIntOrPercent: a non-negative number or "N%".
    static func validatePositiveIntOrPercent(_ value: IntOrString?, at path: FieldPath) -> [FieldError] {
        switch value {
        case .none: return []
        case .int(let number): return CoreRules.nonNegative(number, path)
        case .string(let text):
            let digits = text.dropLast()
            if text.hasSuffix("%"), !digits.isEmpty, digits.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) { return [] }
            return [.invalid(path, raw: GoSyntax.intOrString(value),
                             "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')")]
        }
    }

    /// IsNotMoreThan100Percent.
    static func validateNotMoreThan100Percent(_ value: IntOrString?, at path: FieldPath) -> [FieldError] {
        guard case .string(let text) = value, text.hasSuffix("%"), let percent = Int(text.dropLast()), percent > 100 else { return [] }
        return [.invalid(path, raw: GoSyntax.intOrString(value), "must not be greater than 100%")]
    }

    /// getIntOrPercentValue: the number, or the percentage as a number.
    static func intOrPercentValue(_ value: IntOrString?) -> Int {
        switch value {
        case .none: return 0
        case .int(let number): return number
        case .string(let text): return Int(text.hasSuffix("%") ? String(text.dropLast()) : text) ?? 0
        }
    }

    /// layoutContainerCells: container names and images, comma-separated.
    public static func containerCells(_ template: PodTemplateSpec?) -> (names: String, images: String) {
        let containers = template?.spec?.containers ?? []
        return (containers.map(\.name).joined(separator: ","), containers.map { $0.image ?? "" }.joined(separator: ","))
    }

    /// A selector as `kubectl get -o wide` prints it: requirements sorted by key, "<none>"
    /// when there are none (metav1.FormatLabelSelector).
    public static func formatSelector(_ selector: LabelSelector?) -> String {
        guard let selector else { return "<none>" }
        guard let query = try? selector.requirements() else { return "<error>" }
        let text = LabelQuery(requirements: query.requirements.sorted { $0.key < $1.key }).description
        return text.isEmpty ? "<none>" : text
    }
}

extension GoSyntax {
    /// `intstr.IntOrString{Type:1, IntVal:0, StrVal:"25%"}`.
    public static func intOrString(_ value: IntOrString?) -> String {
        switch value {
        case .none: return "null"
        case .int(let number): return "intstr.IntOrString{Type:0, IntVal:\(number), StrVal:\"\"}"
        case .string(let text): return "intstr.IntOrString{Type:1, IntVal:0, StrVal:\(FieldError.quote(text))}"
        }
    }
}
