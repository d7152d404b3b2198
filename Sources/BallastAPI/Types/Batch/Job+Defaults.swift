/// SetDefaults_Job of batch/v1.
extension Job {
    public mutating func applyDefaults() {
        var spec = self.spec ?? JobSpec()
        spec.applyJobDefaults()
        // A Job without labels takes its template's.
        if let labels = spec.template?.metadata?.labels, (metadata.labels ?? [:]).isEmpty { metadata.labels = labels }
        self.spec = spec
    }
}

extension JobSpec {
    /// The JobSpec part of SetDefaults_Job, which a CronJob's template does not get.
    mutating func applyJobDefaults() {
        if completions == nil, parallelism == nil {
            completions = 1
            parallelism = 1
        }
        if parallelism == nil { parallelism = 1 }
        if backoffLimit == nil { backoffLimit = backoffLimitPerIndex == nil ? 6 : Int32.max }
        if (completionMode ?? "").isEmpty { completionMode = "NonIndexed" }
        if suspend == nil { suspend = false }
        if podReplacementPolicy == nil { podReplacementPolicy = podFailurePolicy == nil ? "TerminatingOrFailed" : "Failed" }
        if let rules = podFailurePolicy?["rules"]?.arrayValue {
            // onPodConditions patterns default to status "True".
            podFailurePolicy?["rules"] = .array(rules.map { rule in
                guard var patterns = rule["onPodConditions"]?.arrayValue else { return rule }
                patterns = patterns.map { pattern in
                    var pattern = pattern
                    if pattern["status"] == nil || pattern["status"] == .null || pattern["status"] == "" { pattern["status"] = "True" }
                    return pattern
                }
                var rule = rule
                rule["onPodConditions"] = .array(patterns)
                return rule
            })
        }
        applyTemplateDefaults()
    }

    /// The PodSpec defaults of the template, which every JobSpec gets.
    mutating func applyTemplateDefaults() {
        var template = self.template ?? PodTemplateSpec()
        template.applyDefaults()
        self.template = template
    }
}
