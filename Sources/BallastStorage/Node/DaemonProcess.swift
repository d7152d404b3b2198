import Foundation
import Glibc
import Synchronization

/// A long-running helper process the agent starts and that outlives the call that started
/// it (the NFS FUSE daemon): spawned without a shell in its own session, with default
/// signal dispositions and an empty signal mask (INTEROP pitfall 17), stdin from
/// /dev/null and stdout/stderr appended to a log file, no other descriptors.
///
/// A thread per daemon waits for it, so it never lingers as a zombie, and records how it
/// ended. A daemon started by an earlier agent process is found by its pid file instead.
enum DaemonProcess {
    /// Exit statuses of daemons this process started, by pid, once they ended.
    private static let ended = Mutex<[pid_t: Int32]>([:])
    /// Pids this process started and is waiting for.
    private static let running = Mutex<Set<pid_t>>([])

    /// Starts `command` (absolute executable path first) with output to `logFile`.
    static func spawn(_ command: [String], logFile: String) throws(VolumeError) -> pid_t {
        guard let executable = command.first, executable.hasPrefix("/") else {
            throw VolumeError(.invalid, "the daemon command must start with an absolute path: \(command)")
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, logFile, O_WRONLY | O_CREAT | O_APPEND, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        _ = closeFrom?(&actions, 3)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var defaulted = sigset_t()
        sigemptyset(&defaulted)
        for signal: Int32 in 1..<32 where signal != SIGKILL && signal != SIGSTOP { sigaddset(&defaulted, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaulted)
        var unblocked = sigset_t()
        sigemptyset(&unblocked)
        posix_spawnattr_setsigmask(&attributes, &unblocked)
        // POSIX_SPAWN_SETSID (glibc 2.26): a terminal's Ctrl-C to the agent's group must not
        // reach the daemons serving running pods.
        let setSessionID: Int32 = 0x80
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK | setSessionID))

        var environment = ProcessInfo.processInfo.environment
        environment["LC_ALL"] = "C"
        let argv: [UnsafeMutablePointer<CChar>?] = command.map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }
        var pid: pid_t = 0
        let code = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        guard code == 0 else {
            throw VolumeError(.failed, "cannot start \(executable): \(String(cString: strerror(code)))")
        }
        let child = pid
        // pids are reused (pid_max is 32768 here): an earlier daemon's exit under this pid
        // must not make the new one look dead.
        ended.withLock { $0[child] = nil }
        running.withLock { _ = $0.insert(child) }
        let thread = Thread {
            var status: Int32 = 0
            while waitpid(child, &status, 0) == -1 && errno == EINTR {}
            let code = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
            DaemonProcess.ended.withLock { $0[child] = code }
            DaemonProcess.running.withLock { _ = $0.remove(child) }
        }
        thread.start()
        return pid
    }

    /// How the daemon `pid` ended, if this process started it and it has ended.
    static func exitStatus(of pid: pid_t) -> Int32? {
        ended.withLock { $0[pid] }
    }

    /// Whether `pid` runs (not a zombie) and its command line contains `marker` (the mount
    /// point), so that a recycled pid is never taken for the daemon.
    static func isRunning(_ pid: pid_t, marker: String) -> Bool {
        guard pid > 0, exitStatus(of: pid) == nil else { return false }
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = status.lastIndex(of: ")") else { return false }
        let state = status[status.index(after: close)...].trimmingCharacters(in: .whitespaces).prefix(1)
        if state == "Z" || state == "X" { return false }
        // A child of this process that is not reaped yet keeps its pid: it is the daemon.
        // (Its command line may even read empty for a moment: posix_spawn returns once the
        // child's exec has switched memory, before the kernel has set its arguments.)
        if running.withLock({ $0.contains(pid) }) { return true }
        guard let raw = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return false }
        let arguments = raw.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
        return arguments.contains(marker)
    }

    /// Sends SIGTERM, waits up to `grace` for the daemon to go, then SIGKILLs it. Returns
    /// at once when it is not running.
    static func stop(_ pid: pid_t, marker: String, grace: Duration) {
        guard isRunning(pid, marker: marker) else { return }
        kill(pid, SIGTERM)
        let deadline = ContinuousClock.now + grace
        while ContinuousClock.now < deadline {
            if !isRunning(pid, marker: marker) { return }
            usleep(20_000)
        }
        if isRunning(pid, marker: marker) { kill(pid, SIGKILL) }
    }

    private typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>?, Int32) -> Int32
    /// posix_spawn_file_actions_addclosefrom_np (glibc 2.34+), looked up at run time.
    private static let closeFrom: CloseFrom? =
        dlsym(nil, "posix_spawn_file_actions_addclosefrom_np").map { unsafeBitCast($0, to: CloseFrom.self) }
}
