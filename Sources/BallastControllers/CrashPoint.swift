import Foundation

/// Crash injection for the crash-safety tests: when the environment variable
/// BALLAST_CRASH_AT names a point, the process dies there exactly as `kill -9` would
/// make it, so a test can stop the control plane between two steps of an operation
/// (e.g. after the storage exists and before its PV does) and check that a restart
/// finishes the job without doubling anything. Unset, a point costs one comparison.
public enum CrashPoint {
    private static let armed = ProcessInfo.processInfo.environment["BALLAST_CRASH_AT"]

    /// Dies by SIGKILL when `name` is the armed point.
    public static func reach(_ name: String) {
        guard armed == name else { return }
        kill(getpid(), SIGKILL)
    }
}
