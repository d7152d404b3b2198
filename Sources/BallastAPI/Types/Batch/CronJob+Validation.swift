/// ValidateCronJobCreate and ValidateCronJobUpdate.
extension CronJob {
    public func validate() -> [FieldError] {
        var errors: [FieldError] = []
        errors += (spec ?? CronJobSpec()).validate(at: FieldPath("spec"), old: nil)
        // Job names are "<cronjob>-<11 characters>" and must fit in 63.
        if name.utf8.count > 52 {
            errors.append(.invalid(FieldPath("metadata").child("name"), name, "must be no more than 52 characters"))
        }
        return errors
    }

    /// Like create, but a schedule with TZ= may stay if it had one, and long names of old
    /// CronJobs are tolerated.
    public func validateUpdate(old: CronJob) -> [FieldError] {
        (spec ?? CronJobSpec()).validate(at: FieldPath("spec"), old: old.spec ?? CronJobSpec())
    }
}

extension CronJobSpec {
    func validate(at path: FieldPath, old: CronJobSpec?) -> [FieldError] {
        var errors: [FieldError] = []
        let schedulePath = path.child("schedule")
        let schedule = self.schedule ?? ""
        if schedule.isEmpty {
            errors.append(.required(schedulePath))
        } else {
            do {
                _ = try CronSchedule(parsing: schedule)
            } catch {
                errors.append(.invalid(schedulePath, schedule, error.description))
            }
            let allowTZ = old?.schedule?.contains("TZ") ?? false
            if allowTZ, schedule.contains("TZ"), timeZone != nil {
                errors.append(.invalid(schedulePath, schedule, "cannot use both timeZone field and TZ or CRON_TZ in schedule"))
            } else if !allowTZ, schedule.contains("TZ") {
                errors.append(.invalid(schedulePath, schedule, "cannot use TZ or CRON_TZ in schedule, use timeZone field instead"))
            }
        }
        if let deadline = startingDeadlineSeconds { errors += CoreRules.nonNegative(deadline, path.child("startingDeadlineSeconds")) }
        if old == nil || old?.timeZone != timeZone { errors += CronJobSpec.validateTimeZone(timeZone, at: path.child("timeZone")) }
        switch concurrencyPolicy ?? "" {
        case "Allow", "Forbid", "Replace": break
        case "": errors.append(.required(path.child("concurrencyPolicy")))
        case let other: errors.append(.notSupported(path.child("concurrencyPolicy"), other, ["Allow", "Forbid", "Replace"]))
        }
        let templatePath = path.child("jobTemplate")
        let jobSpec = jobTemplate?.spec ?? JobSpec()
        errors += jobSpec.validateCommon(at: templatePath.child("spec"))
        if let selector = jobSpec.selector {
            errors.append(.invalid(templatePath.child("spec").child("selector"), raw: GoSyntax.labelSelector(selector), "`selector` will be auto-generated"))
        }
        if jobSpec.manualSelector == true {
            errors.append(.notSupported(templatePath.child("spec").child("manualSelector"), "true", ["nil", "false"]))
        }
        if let limit = successfulJobsHistoryLimit { errors += CoreRules.nonNegative(limit, path.child("successfulJobsHistoryLimit")) }
        if let limit = failedJobsHistoryLimit { errors += CoreRules.nonNegative(limit, path.child("failedJobsHistoryLimit")) }
        return errors
    }

    /// validateTimeZone: an IANA name the server knows, not "Local".
    static func validateTimeZone(_ zone: String?, at path: FieldPath) -> [FieldError] {
        guard let zone else { return [] }
        if zone.isEmpty { return [.invalid(path, zone, "timeZone must be nil or non-empty string")] }
        for part in zone.split(separator: "/", omittingEmptySubsequences: false) {
            let allowed = part.utf8.allSatisfy { c in
                (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c == 46 || c == 45 || c == 95 || c == 43
            }
            if part == "." || part == ".." || part.hasPrefix("-") || part.isEmpty || part.utf8.count > 14 || !allowed {
                return [.invalid(path, zone, "unknown time zone \(zone)")]
            }
        }
        if zone.lowercased() == "local" {
            return [.invalid(path, zone, "timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones")]
        }
        if CronSchedule.zone(named: zone) == nil { return [.invalid(path, zone, "unknown time zone \(zone)")] }
        return []
    }
}
