import BallastStorage
import Foundation

/// The processes `ballast up` starts in the background, each with a pid file and a log under
/// the data directory, so `down` (or a second `up`) finds them again.
struct LocalCluster {
    let dataDir: String

    var runDir: String { dataDir + "/run" }
    var logDir: String { dataDir + "/logs" }

    func pidFile(_ role: String) -> String { runDir + "/\(role).pid" }
    func logFile(_ role: String) -> String { logDir + "/\(role).log" }

    /// The running process of `role`, if its pid file names a live process.
    func runningPID(_ role: String) -> pid_t? {
        guard let text = try? String(contentsOfFile: pidFile(role), encoding: .utf8), let pid = pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines)),
            pid > 0, kill(pid, 0) == 0
        else { return nil }
        // A recycled pid belongs to another program: check it is ours.
        let cmdline = (try? Data(contentsOf: URL(fileURLWithPath: "/proc/\(pid)/cmdline"))).map { String(decoding: $0, as: UTF8.self) } ?? ""
        return cmdline.contains("ballast") ? pid : nil
    }

    /// Starts `arguments` of this binary in a new session, detached, logging to the role's log.
    func start(_ role: String, arguments: [String]) async throws -> pid_t {
        let files = FileManager.default
        try files.createDirectory(atPath: runDir, withIntermediateDirectories: true)
        try files.createDirectory(atPath: logDir, withIntermediateDirectories: true)
        // setsid forks when started as a process-group leader (as a spawned child is), and
        // then the pid we see would not be ballast's. A background job of a non-interactive
        // shell stays in the shell's group, so setsid execs in place and $! is ballast.
        let script = "log=$1; shift; setsid \"$@\" </dev/null >>\"$log\" 2>&1 & echo $!"
        let result = try await Subprocess("/bin/sh", ["-c", script, "sh", logFile(role), LocalCluster.executablePath] + arguments).check()
        guard let pid = pid_t(result.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)), pid > 0 else {
            throw CommandFailure("could not start \(role): \(result.standardOutput)")
        }
        try "\(pid)\n".write(toFile: pidFile(role), atomically: true, encoding: .utf8)
        return pid
    }

    /// Sends SIGTERM and waits up to `timeout` seconds, then SIGKILL.
    func stop(_ role: String, timeout: Double = 30) -> Bool {
        guard let pid = runningPID(role) else {
            try? FileManager.default.removeItem(atPath: pidFile(role))
            return false
        }
        kill(pid, SIGTERM)
        let deadline = Date().addingTimeInterval(timeout)
        while kill(pid, 0) == 0, Date() < deadline {
            usleep(100_000)
        }
        if kill(pid, 0) == 0 { kill(pid, SIGKILL) }
        try? FileManager.default.removeItem(atPath: pidFile(role))
        return true
    }

    /// This executable's absolute path.
    static var executablePath: String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }
}
