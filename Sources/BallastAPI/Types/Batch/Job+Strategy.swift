/// What the Job registry strategy does on create: a generated selector and Pod labels
/// (unless manualSelector), and an empty status.
extension Job {
    /// The labels that tie a Job's Pods to it.
    public enum Labels {
        public static let controllerUID = "batch.kubernetes.io/controller-uid"
        public static let jobName = "batch.kubernetes.io/job-name"
        public static let legacyControllerUID = "controller-uid"
        public static let legacyJobName = "job-name"
    }

    /// Resets the status and, unless spec.manualSelector is true, labels the template with
    /// the Job's name and uid and selects on the uid. The server assigns metadata.uid first.
    public mutating func prepareForCreate() {
        status = nil
        guard spec?.manualSelector != true else { return }
        var spec = self.spec ?? JobSpec()
        var template = spec.template ?? PodTemplateSpec()
        var meta = template.metadata ?? ObjectMeta()
        var labels = meta.labels ?? [:]
        // Labels the user already set win; validation refuses them if they conflict.
        for key in [Labels.legacyJobName, Labels.jobName] where labels[key] == nil { labels[key] = name }
        for key in [Labels.legacyControllerUID, Labels.controllerUID] where labels[key] == nil { labels[key] = uid }
        meta.labels = labels
        template.metadata = meta
        spec.template = template
        var selector = spec.selector ?? LabelSelector()
        var matchLabels = selector.matchLabels ?? [:]
        if matchLabels[Labels.controllerUID] == nil { matchLabels[Labels.controllerUID] = uid }
        selector.matchLabels = matchLabels
        spec.selector = selector
        self.spec = spec
        // Defaulting runs again whenever a Job is read back, so a Job without labels ends up
        // with its template's generated ones; do it now so create returns what get will.
        if (metadata.labels ?? [:]).isEmpty { metadata.labels = labels }
    }
}
