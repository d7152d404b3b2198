import BallastAPI
import Foundation

/// When a CronJob should have run (cronjob utils.go upstream). Pure functions of the
/// CronJob, the schedule and the time.
enum CronJobTimes {
    /// More missed starts than this are not listed one by one (and are reported): a wrong
    /// clock must not make the controller enumerate decades of minutes.
    static let manyMissed = 100

    struct Recent {
        /// The time from which starts are looked for.
        var earliest: Date
        /// The latest start at or before now, if any.
        var mostRecent: Date?
        /// How many starts were missed (roughly, past two).
        var missed: Int
    }

    /// mostRecentScheduleTime: starts are looked for after the last one (or the creation),
    /// or after now − startingDeadlineSeconds when that is later.
    static func mostRecent(_ cronJob: CronJob, now: Date, schedule: CronSchedule, zone: TimeZone, includeDeadline: Bool) -> Recent? {
        var earliest = cronJob.status?.lastScheduleTime?.date ?? cronJob.createdAt
        if includeDeadline, let deadline = cronJob.spec?.startingDeadlineSeconds {
            let cutoff = now.addingTimeInterval(-Double(deadline))
            if cutoff > earliest { earliest = cutoff }
        }
        guard let first = schedule.next(after: earliest, in: zone) else { return nil }
        if now < first { return Recent(earliest: earliest, mostRecent: nil, missed: 0) }
        guard let second = schedule.next(after: first, in: zone) else { return Recent(earliest: earliest, mostRecent: first, missed: 1) }
        if now < second { return Recent(earliest: earliest, mostRecent: first, missed: 1) }
        let interval = Int64(second.timeIntervalSince(first).rounded())
        guard interval >= 1 else { return nil }
        let elapsed = Int64(now.timeIntervalSince(first))
        let missed = Int(elapsed / interval) + 1
        // Start two intervals before the estimate, so irregular schedules land right.
        var cursor = first.addingTimeInterval(Double(Int64(missed - 2) * interval))
        var latest: Date?
        while let next = schedule.next(after: cursor, in: zone), next <= now {
            latest = next
            cursor = next
        }
        return Recent(earliest: earliest, mostRecent: latest, missed: missed)
    }

    /// The real delay until the next start after now (nextScheduleTimeDuration), plus 100 ms.
    static func untilNext(_ cronJob: CronJob, now: Date, schedule: CronSchedule, zone: TimeZone) -> TimeInterval? {
        guard let recent = mostRecent(cronJob, now: now, schedule: schedule, zone: zone, includeDeadline: false) else { return nil }
        let from = recent.mostRecent ?? (recent.missed == 0 ? recent.earliest : now)
        guard let next = schedule.next(after: from, in: zone) else { return nil }
        return next.timeIntervalSince(now) + 0.1
    }

    /// The Job name for a scheduled time: `<cronjob>-<minutes since the epoch>`, so a
    /// retry of the same start finds the Job it made instead of making a second.
    static func jobName(_ cronJob: CronJob, scheduled: Date) -> String {
        "\(cronJob.name)-\(Int64(scheduled.timeIntervalSince1970 / 60))"
    }

    /// RFC 3339 in the CronJob's zone, for batch.kubernetes.io/cronjob-scheduled-timestamp.
    static func timestamp(_ date: Date, zone: TimeZone) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = zone
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }
}
