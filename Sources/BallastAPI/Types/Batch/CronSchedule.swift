public import Foundation

/// A CronJob schedule, parsed as Kubernetes parses it (robfig/cron's ParseStandard): five
/// fields (minute, hour, day of month, month, day of week) with lists, ranges, steps, "*"
/// and "?", month and weekday names; or a descriptor (@yearly, @annually, @monthly,
/// @weekly, @daily, @midnight, @hourly, @every <duration>); optionally prefixed with
/// "TZ=<zone> " or "CRON_TZ=<zone> ".
///
/// Day of month and day of week combine as in cron: when both are restricted (neither
/// starts with "*" or "?"), a day matching either runs the job; otherwise both must match.
public struct CronSchedule: Sendable, Equatable, CustomStringConvertible {
    /// Why an expression is not a schedule; the text is robfig/cron's, which Kubernetes
    /// puts in its "Invalid value" message.
    public struct ParseError: Error, Sendable, Equatable, CustomStringConvertible {
        public var description: String
        init(_ description: String) { self.description = description }
    }

    /// The expression as written.
    public let expression: String
    /// The zone named by a TZ= or CRON_TZ= prefix, which overrides the caller's zone.
    public let timeZone: TimeZone?
    private let rule: Rule

    private enum Rule: Sendable, Equatable {
        case fields(Fields)
        case every(seconds: Int64)
    }

    private struct Fields: Sendable, Equatable {
        var minutes: UInt64
        var hours: UInt64
        var days: UInt64
        var months: UInt64
        var weekdays: UInt64
        var daysStar: Bool
        var weekdaysStar: Bool
    }

    private struct Bounds {
        var min: Int
        var max: Int
        var names: [String: Int] = [:]
    }

    private static let minuteBounds = Bounds(min: 0, max: 59)
    private static let hourBounds = Bounds(min: 0, max: 23)
    private static let dayBounds = Bounds(min: 1, max: 31)
    private static let monthBounds = Bounds(min: 1, max: 12, names: [
        "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
    ])
    private static let weekdayBounds = Bounds(min: 0, max: 6, names: [
        "sun": 0, "mon": 1, "tue": 2, "wed": 3, "thu": 4, "fri": 5, "sat": 6,
    ])

    public var description: String { expression }

    /// Parses `expression`.
    /// - Throws: `ParseError` with robfig/cron's message ("expected exactly 5 fields, found 4: [* * * *]").
    public init(parsing expression: String) throws(ParseError) {
        self.expression = expression
        guard !expression.isEmpty else { throw ParseError("empty spec string") }
        var spec = Substring(expression)
        var zone: TimeZone?
        if spec.hasPrefix("TZ=") || spec.hasPrefix("CRON_TZ=") {
            guard let space = spec.firstIndex(of: " "), let equals = spec.firstIndex(of: "=") else {
                throw ParseError("provided bad location \(spec.drop { $0 != "=" }.dropFirst()): missing schedule after the time zone")
            }
            let name = String(spec[spec.index(after: equals)..<space])
            guard let found = CronSchedule.zone(named: name) else {
                throw ParseError("provided bad location \(name): unknown time zone \(name)")
            }
            zone = found
            spec = Substring(spec[space...].trimmingCharacters(in: .whitespaces))
        }
        timeZone = zone
        if spec.hasPrefix("@") {
            rule = try CronSchedule.descriptor(String(spec))
            return
        }
        let fields = spec.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" })
        guard fields.count == 5 else {
            throw ParseError("expected exactly 5 fields, found \(fields.count): [\(fields.joined(separator: " "))]")
        }
        let minutes = try CronSchedule.field(fields[0], CronSchedule.minuteBounds)
        let hours = try CronSchedule.field(fields[1], CronSchedule.hourBounds)
        let days = try CronSchedule.field(fields[2], CronSchedule.dayBounds)
        let months = try CronSchedule.field(fields[3], CronSchedule.monthBounds)
        let weekdays = try CronSchedule.field(fields[4], CronSchedule.weekdayBounds)
        rule = .fields(Fields(minutes: minutes.bits, hours: hours.bits, days: days.bits, months: months.bits, weekdays: weekdays.bits,
                              daysStar: days.star, weekdaysStar: weekdays.star))
    }

    /// The zone for an IANA name, refusing "Local" and names Foundation does not know.
    public static func zone(named name: String) -> TimeZone? {
        guard !name.isEmpty, name.lowercased() != "local" else { return nil }
        if name == "UTC" { return TimeZone(identifier: "UTC") }
        return TimeZone(identifier: name)
    }

    /// The first activation strictly after `after`, on a whole minute, in `timeZone` (or in
    /// the zone the expression names). Civil times that do not exist in the zone (the hour
    /// skipped when clocks go forward) do not run; nil when nothing matches within five years.
    public func next(after: Date, in timeZone: TimeZone) -> Date? {
        switch rule {
        case .every(let seconds):
            return Date(timeIntervalSince1970: after.timeIntervalSince1970.rounded(.down) + Double(seconds))
        case .fields(let fields):
            return nextActivation(of: fields, after: after, in: self.timeZone ?? timeZone)
        }
    }

    private func nextActivation(of fields: Fields, after: Date, in zone: TimeZone) -> Date? {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let start = Date(timeIntervalSince1970: (after.timeIntervalSince1970 / 60).rounded(.down) * 60 + 60)
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: start)
        guard var year = parts.year, var month = parts.month, var day = parts.day, var hour = parts.hour, var minute = parts.minute else {
            return nil
        }
        let lastYear = year + 5
        func has(_ bits: UInt64, _ value: Int) -> Bool { bits & (1 << UInt64(value)) != 0 }
        func nextMonth() {
            month += 1
            day = 1
            hour = 0
            minute = 0
            if month > 12 {
                month = 1
                year += 1
            }
        }
        func nextDay() {
            day += 1
            hour = 0
            minute = 0
        }
        func nextHour() {
            hour += 1
            minute = 0
            if hour > 23 { nextDay() }
        }
        func nextMinute() {
            minute += 1
            if minute > 59 { nextHour() }
        }
        while year <= lastYear {
            if !has(fields.months, month) {
                nextMonth()
                continue
            }
            if day > CronSchedule.daysIn(year: year, month: month) {
                nextMonth()
                continue
            }
            let weekday = ((RFC3339.Civil.daysFromCivil(year: year, month: month, day: day) % 7) + 11) % 7
            let dayMatch = has(fields.days, day)
            let weekdayMatch = has(fields.weekdays, weekday)
            let matchesDay = fields.daysStar || fields.weekdaysStar ? dayMatch && weekdayMatch : dayMatch || weekdayMatch
            if !matchesDay {
                nextDay()
                continue
            }
            if !has(fields.hours, hour) {
                nextHour()
                continue
            }
            if !has(fields.minutes, minute) {
                nextMinute()
                continue
            }
            let wanted = DateComponents(year: year, month: month, day: day, hour: hour, minute: minute, second: 0)
            if let date = calendar.date(from: wanted) {
                let back = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
                let exists = back.year == year && back.month == month && back.day == day && back.hour == hour && back.minute == minute
                if exists, date > after { return date }
            }
            nextMinute()
        }
        return nil
    }

    private static func daysIn(year: Int, month: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    private static func descriptor(_ spec: String) throws(ParseError) -> Rule {
        let all: (Bounds) -> UInt64 = { bits(from: $0.min, to: $0.max, step: 1) }
        func schedule(days: UInt64, daysStar: Bool, months: UInt64, weekdays: UInt64, weekdaysStar: Bool, hours: UInt64 = 1) -> Rule {
            .fields(Fields(minutes: 1, hours: hours, days: days, months: months, weekdays: weekdays, daysStar: daysStar, weekdaysStar: weekdaysStar))
        }
        switch spec {
        case "@yearly", "@annually":
            return schedule(days: 1 << 1, daysStar: false, months: 1 << 1, weekdays: all(weekdayBounds), weekdaysStar: true)
        case "@monthly":
            return schedule(days: 1 << 1, daysStar: false, months: all(monthBounds), weekdays: all(weekdayBounds), weekdaysStar: true)
        case "@weekly":
            return schedule(days: all(dayBounds), daysStar: true, months: all(monthBounds), weekdays: 1, weekdaysStar: false)
        case "@daily", "@midnight":
            return schedule(days: all(dayBounds), daysStar: true, months: all(monthBounds), weekdays: all(weekdayBounds), weekdaysStar: true)
        case "@hourly":
            return schedule(days: all(dayBounds), daysStar: true, months: all(monthBounds), weekdays: all(weekdayBounds), weekdaysStar: true,
                            hours: all(hourBounds))
        default:
            break
        }
        let every = "@every "
        if spec.hasPrefix(every) {
            let text = String(spec.dropFirst(every.count))
            guard let seconds = GoDuration.seconds(text) else {
                throw ParseError("failed to parse duration \(spec): time: invalid duration \(FieldError.quote(text))")
            }
            // robfig/cron rounds the delay down to whole seconds, with one second at least.
            return .every(seconds: max(1, Int64(seconds.rounded(.down))))
        }
        throw ParseError("unrecognized descriptor: \(spec)")
    }

    private static func field(_ text: Substring, _ bounds: Bounds) throws(ParseError) -> (bits: UInt64, star: Bool) {
        var result: UInt64 = 0
        var star = false
        for expression in text.split(separator: ",") {
            let range = try CronSchedule.range(String(expression), bounds)
            result |= range.bits
            star = star || range.star
        }
        return (result, star)
    }

    private static func range(_ expression: String, _ bounds: Bounds) throws(ParseError) -> (bits: UInt64, star: Bool) {
        let rangeAndStep = expression.split(separator: "/", omittingEmptySubsequences: false)
        let lowAndHigh = rangeAndStep[0].split(separator: "-", omittingEmptySubsequences: false)
        var start: Int, end: Int, step = 1
        var star = false
        if lowAndHigh[0] == "*" || lowAndHigh[0] == "?" {
            start = bounds.min
            end = bounds.max
            star = true
        } else {
            start = try number(String(lowAndHigh[0]), names: bounds.names)
            switch lowAndHigh.count {
            case 1: end = start
            case 2: end = try number(String(lowAndHigh[1]), names: bounds.names)
            default: throw ParseError("too many hyphens: \(expression)")
            }
        }
        switch rangeAndStep.count {
        case 1: break
        case 2:
            step = try number(String(rangeAndStep[1]), names: [:])
            // "N/step" means "N-max/step".
            if lowAndHigh.count == 1 { end = bounds.max }
            if step > 1 { star = false }
        default:
            throw ParseError("too many slashes: \(expression)")
        }
        if start < bounds.min { throw ParseError("beginning of range (\(start)) below minimum (\(bounds.min)): \(expression)") }
        if end > bounds.max { throw ParseError("end of range (\(end)) above maximum (\(bounds.max)): \(expression)") }
        if start > end { throw ParseError("beginning of range (\(start)) beyond end of range (\(end)): \(expression)") }
        if step == 0 { throw ParseError("step of range should be a positive number: \(expression)") }
        return (bits(from: start, to: end, step: step), star)
    }

    private static func number(_ text: String, names: [String: Int]) throws(ParseError) -> Int {
        if let named = names[text.lowercased()] { return named }
        guard let value = Int(text) else {
            throw ParseError("failed to parse int from \(text): strconv.Atoi: parsing \(FieldError.quote(text)): invalid syntax")
        }
        if value < 0 { throw ParseError("negative number (\(value)) not allowed: \(text)") }
        return value
    }

    private static func bits(from start: Int, to end: Int, step: Int) -> UInt64 {
        var result: UInt64 = 0
        var value = start
        while value <= end {
            result |= 1 << UInt64(value)
            value += step
        }
        return result
    }
}

/// Go's time.ParseDuration, for "@every 1h30m": a sequence of decimal numbers with units
/// ns, us, µs, ms, s, m, h. Also what duration flags take ("40s", "1m30s").
public enum GoDuration {
    public static func seconds(_ text: String) -> Double? {
        var rest = Substring(text)
        var negative = false
        if rest.first == "-" || rest.first == "+" {
            negative = rest.first == "-"
            rest = rest.dropFirst()
        }
        if rest == "0" { return 0 }
        guard !rest.isEmpty else { return nil }
        let units: [(String, Double)] = [("ns", 1e-9), ("us", 1e-6), ("µs", 1e-6), ("μs", 1e-6), ("ms", 1e-3), ("s", 1), ("m", 60), ("h", 3600)]
        var total = 0.0
        while !rest.isEmpty {
            let number = rest.prefix { $0.isASCII && ($0.isNumber || $0 == ".") }
            guard !number.isEmpty, number != ".", let value = Double(number) else { return nil }
            rest = rest.dropFirst(number.count)
            guard let unit = units.first(where: { rest.hasPrefix($0.0) && !(($0.0 == "m") && rest.hasPrefix("ms")) }) else { return nil }
            total += value * unit.1
            rest = rest.dropFirst(unit.0.count)
        }
        return negative ? -total : total
    }
}
