public import BallastAPI
public import Foundation

/// The time a controller reads, and how fast it runs against the wall clock.
///
/// Controllers that act on deadlines (CronJob schedules, Job deadlines and back-off, node
/// heartbeats, toleration seconds) read `now()` instead of `Date()`, and turn a wait in
/// clock seconds into a real delay with `realDelay(_:)`. A test can then run a CronJob's
/// minutes in real seconds by passing an accelerated clock; production uses `.system`.
public struct ControllerClock: Sendable {
    /// The current time as the controller sees it.
    public let now: @Sendable () -> Date
    /// Clock seconds that pass per real second (1 for the system clock).
    public let rate: Double

    /// - Parameters:
    ///   - now: the time source.
    ///   - rate: clock seconds per real second; must be positive.
    public init(now: @escaping @Sendable () -> Date, rate: Double = 1) {
        self.now = now
        self.rate = rate > 0 ? rate : 1
    }

    /// The wall clock.
    public static let system = ControllerClock(now: { Date() })

    /// A clock that starts at `start` and runs `rate` times faster than the wall clock.
    public static func accelerated(from start: Date, rate: Double) -> ControllerClock {
        let origin = Date()
        return ControllerClock(now: { start.addingTimeInterval(Date().timeIntervalSince(origin) * rate) }, rate: rate)
    }

    /// The current time truncated to whole seconds, as the API stores it.
    public func time() -> Time { Time(Date(timeIntervalSince1970: now().timeIntervalSince1970.rounded(.down))) }

    /// The real seconds to wait for `clockSeconds` of this clock to pass (at least 10 ms).
    public func realDelay(_ clockSeconds: TimeInterval) -> Double {
        max(0.01, clockSeconds / rate)
    }

    /// The real seconds to wait until `date` on this clock.
    public func realDelay(until date: Date) -> Double {
        realDelay(date.timeIntervalSince(now()))
    }
}
