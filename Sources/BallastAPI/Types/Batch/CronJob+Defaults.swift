/// SetDefaults_CronJob of batch/v1; the Job template gets the PodSpec defaults only.
extension CronJob {
    public mutating func applyDefaults() {
        var spec = self.spec ?? CronJobSpec()
        if (spec.concurrencyPolicy ?? "").isEmpty { spec.concurrencyPolicy = "Allow" }
        if spec.suspend == nil { spec.suspend = false }
        if spec.successfulJobsHistoryLimit == nil { spec.successfulJobsHistoryLimit = 3 }
        if spec.failedJobsHistoryLimit == nil { spec.failedJobsHistoryLimit = 1 }
        if var template = spec.jobTemplate {
            var jobSpec = template.spec ?? JobSpec()
            jobSpec.applyTemplateDefaults()
            template.spec = jobSpec
            spec.jobTemplate = template
        }
        self.spec = spec
    }
}
