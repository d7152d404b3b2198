import BallastAPI
import Foundation
import Testing

/// Cron expressions as Kubernetes reads them, and when they fire next.
struct CronScheduleTests {
    static let utc = TimeZone(identifier: "UTC") ?? TimeZone.current

    struct Case: Sendable, CustomTestStringConvertible {
        var schedule: String
        var zone: String
        var after: String
        var next: String
        var testDescription: String { "\(schedule) in \(zone) after \(after)" }
    }

    static let cases: [Case] = [
        Case(schedule: "*/1 * * * *", zone: "UTC", after: "2024-03-01T10:00:30Z", next: "2024-03-01T10:01:00Z"),
        Case(schedule: "*/1 * * * *", zone: "UTC", after: "2024-03-01T10:01:00Z", next: "2024-03-01T10:02:00Z"),
        Case(schedule: "*/15 * * * *", zone: "UTC", after: "2024-03-01T10:46:00Z", next: "2024-03-01T11:00:00Z"),
        // Friday 1 March 2024 at 03:00 has just run; the next weekday is Monday.
        Case(schedule: "0 3 * * 1-5", zone: "UTC", after: "2024-03-01T03:00:00Z", next: "2024-03-04T03:00:00Z"),
        Case(schedule: "0 3 * * mon-fri", zone: "UTC", after: "2024-03-02T12:00:00Z", next: "2024-03-04T03:00:00Z"),
        Case(schedule: "@hourly", zone: "UTC", after: "2024-03-01T10:15:00Z", next: "2024-03-01T11:00:00Z"),
        Case(schedule: "@daily", zone: "UTC", after: "2024-12-31T23:59:59Z", next: "2025-01-01T00:00:00Z"),
        Case(schedule: "@weekly", zone: "UTC", after: "2024-03-01T00:00:00Z", next: "2024-03-03T00:00:00Z"),
        Case(schedule: "@monthly", zone: "UTC", after: "2024-01-31T12:00:00Z", next: "2024-02-01T00:00:00Z"),
        Case(schedule: "@yearly", zone: "UTC", after: "2024-03-01T00:00:00Z", next: "2025-01-01T00:00:00Z"),
        Case(schedule: "0 0 29 2 *", zone: "UTC", after: "2024-03-01T00:00:00Z", next: "2028-02-29T00:00:00Z"),
        // Day of month and day of week both restricted: either one fires (Friday the 6th before the 13th).
        Case(schedule: "0 0 13 * 5", zone: "UTC", after: "2024-09-01T00:00:00Z", next: "2024-09-06T00:00:00Z"),
        // 03:00 in Berlin is 02:00 UTC in winter and 01:00 UTC in summer.
        Case(schedule: "0 3 * * *", zone: "Europe/Berlin", after: "2024-03-01T00:00:00Z", next: "2024-03-01T02:00:00Z"),
        Case(schedule: "0 3 * * *", zone: "Europe/Berlin", after: "2024-07-01T00:00:00Z", next: "2024-07-01T01:00:00Z"),
        // 02:30 does not exist in Berlin on 31 March 2024: that day has no run.
        Case(schedule: "30 2 * * *", zone: "Europe/Berlin", after: "2024-03-30T12:00:00Z", next: "2024-04-01T00:30:00Z"),
        Case(schedule: "CRON_TZ=America/New_York 0 9 * * *", zone: "UTC", after: "2024-01-10T00:00:00Z", next: "2024-01-10T14:00:00Z"),
        Case(schedule: "@every 90s", zone: "UTC", after: "2024-03-01T10:00:00Z", next: "2024-03-01T10:01:30Z"),
        Case(schedule: "@every 1h30m", zone: "UTC", after: "2024-03-01T10:00:00Z", next: "2024-03-01T11:30:00Z"),
    ]

    @Test(arguments: cases)
    func nextActivation(_ test: Case) throws {
        let schedule = try CronSchedule(parsing: test.schedule)
        let zone = try #require(TimeZone(identifier: test.zone))
        #expect(schedule.next(after: rfc3339(test.after), in: zone) == rfc3339(test.next))
    }

    @Test(arguments: [
        ("", "empty spec string"),
        ("* * * * * *", "expected exactly 5 fields, found 6: [* * * * * *]"),
        ("60 * * * *", "end of range (60) above maximum (59): 60"),
        ("* * 0 * *", "beginning of range (0) below minimum (1): 0"),
        ("5-1 * * * *", "beginning of range (5) beyond end of range (1): 5-1"),
        ("1-2-3 * * * *", "too many hyphens: 1-2-3"),
        ("*/2/3 * * * *", "too many slashes: */2/3"),
        ("x * * * *", #"failed to parse int from x: strconv.Atoi: parsing "x": invalid syntax"#),
        ("* * * * 7", "end of range (7) above maximum (6): 7"),
        ("@every often", #"failed to parse duration @every often: time: invalid duration "often""#),
        ("TZ=Nowhere/Land * * * * *", "provided bad location Nowhere/Land: unknown time zone Nowhere/Land"),
    ])
    func parseErrors(_ expression: String, _ message: String) {
        #expect(throws: CronSchedule.ParseError.self) { try CronSchedule(parsing: expression) }
        do {
            _ = try CronSchedule(parsing: expression)
        } catch {
            #expect(error.description == message)
        }
    }

    @Test func namesAndListsParse() throws {
        let schedule = try CronSchedule(parsing: "0,30 8-18/2 * jan,jul sun")
        #expect(schedule.next(after: rfc3339("2024-01-01T00:00:00Z"), in: Self.utc) == rfc3339("2024-01-07T08:00:00Z"))
        #expect(schedule.description == "0,30 8-18/2 * jan,jul sun")
    }
}
