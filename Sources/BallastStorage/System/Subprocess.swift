import Foundation
import Glibc
import Synchronization

/// A command run without a shell, with a timeout, its output captured.
///
/// The child starts with default signal dispositions and an empty signal mask (INTEROP
/// pitfall 17: an ignored SIGINT would stay ignored), stdin from /dev/null (so tools that
/// ask "Proceed anyway?" get no answer), no inherited descriptors beyond 0–2, and its own
/// process group, so a timeout or a cancelled task kills everything it started.
public struct Subprocess: Sendable {
    /// The program: an absolute path, or a name looked up in `searchPath`.
    public var executable: String
    /// The arguments, passed as they are (no shell, no splitting, no globbing).
    public var arguments: [String]
    /// Variables set on top of this process's environment. LC_ALL defaults to C, so that
    /// messages Ballast recognises are not translated.
    public var environment: [String: String]
    /// How long the command may run before it is killed.
    public var timeout: Duration

    /// Where programs named without a path are looked for: the sbin directories come first,
    /// because mkfs, resize2fs and losetup live there and an agent's PATH may lack them.
    public static let searchPath = ["/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"]

    /// Describes a command; nothing runs until `run()` or `check()`.
    public init(_ executable: String, _ arguments: [String], environment: [String: String] = [:],
                timeout: Duration = .seconds(120)) {
        self.executable = executable
        self.arguments = arguments
        self.environment = environment
        self.timeout = timeout
    }

    /// The command line, executable first, as errors and logs show it.
    public var commandLine: [String] { [executable] + arguments }

    /// Runs the command to completion and returns how it ended, whatever its exit status.
    /// - Throws: `SubprocessError` if it cannot start, times out or is cancelled.
    public func run() async throws(SubprocessError) -> SubprocessResult {
        let path = try resolvedExecutable()
        let child = try spawn(path)
        let deadline = ContinuousClock.now + timeout
        let outcome = await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<RunningChild.Outcome, Never>) in
                // A thread of its own: poll() and waitpid() block, and the cooperative pool
                // must not lose a thread for the minutes a mkfs may take.
                let thread = Thread { continuation.resume(returning: child.collect(until: deadline)) }
                thread.start()
            }
        } onCancel: {
            child.kill(reason: .cancelled)
        }
        let result = SubprocessResult(status: outcome.status, standardOutput: outcome.standardOutput,
                                      standardError: outcome.standardError)
        switch outcome.killed {
        case .some(.timedOut): throw SubprocessError(.timedOut, command: commandLine, output: Self.summary(of: result))
        case .some(.cancelled): throw SubprocessError(.cancelled, command: commandLine, output: Self.summary(of: result))
        case .none: return result
        }
    }

    /// Runs the command and throws unless it exits with status 0.
    /// - Throws: `SubprocessError` (`.exited(status:)` carries the command's stderr).
    @discardableResult
    public func check() async throws(SubprocessError) -> SubprocessResult {
        let result = try await run()
        guard result.succeeded else {
            throw SubprocessError(.exited(status: result.status), command: commandLine, output: Self.summary(of: result))
        }
        return result
    }

    /// The part of a command's output worth quoting in an error: stderr, else stdout.
    static func summary(of result: SubprocessResult) -> String {
        let error = result.standardError.trimmingCharacters(in: .whitespacesAndNewlines)
        let text = error.isEmpty ? result.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines) : error
        return String(text.suffix(4000))
    }

    func resolvedExecutable() throws(SubprocessError) -> String {
        if executable.contains("/") {
            guard access(executable, X_OK) == 0 else { throw SubprocessError(.notFound, command: commandLine) }
            return executable
        }
        for directory in Self.searchPath {
            let candidate = "\(directory)/\(executable)"
            if access(candidate, X_OK) == 0 { return candidate }
        }
        throw SubprocessError(.notFound, command: commandLine)
    }

    private func spawn(_ path: String) throws(SubprocessError) -> RunningChild {
        var output: [Int32] = [-1, -1]
        var errors: [Int32] = [-1, -1]
        guard GNU.pipe2(&output, O_CLOEXEC) == 0 else { throw SubprocessError(.spawnFailed(errno: errno), command: commandLine) }
        guard GNU.pipe2(&errors, O_CLOEXEC) == 0 else {
            let code = errno
            close(output[0])
            close(output[1])
            throw SubprocessError(.spawnFailed(errno: code), command: commandLine)
        }
        defer {
            close(output[1])
            close(errors[1])
        }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, output[1], 1)
        posix_spawn_file_actions_adddup2(&actions, errors[1], 2)
        GNU.addCloseFrom(&actions, 3)

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
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETPGROUP))

        var merged = ProcessInfo.processInfo.environment
        merged["LC_ALL"] = "C"
        if merged["PATH"] == nil { merged["PATH"] = Self.searchPath.joined(separator: ":") }
        for (key, value) in environment { merged[key] = value }
        let argv = CStringArray([path] + arguments)
        let envp = CStringArray(merged.map { "\($0.key)=\($0.value)" })
        defer {
            argv.free()
            envp.free()
        }

        var pid: pid_t = 0
        let code = posix_spawn(&pid, path, &actions, &attributes, argv.pointers, envp.pointers)
        guard code == 0 else {
            close(output[0])
            close(errors[0])
            throw SubprocessError(.spawnFailed(errno: code), command: commandLine)
        }
        return RunningChild(pid: pid, output: output[0], errors: errors[0])
    }
}

/// A NULL-terminated array of C strings for argv and envp.
private struct CStringArray {
    var pointers: [UnsafeMutablePointer<CChar>?]

    init(_ strings: [String]) {
        pointers = strings.map { strdup($0) } + [nil]
    }

    func free() {
        for pointer in pointers { Glibc.free(pointer) }
    }
}

/// A spawned child whose output is being drained; `kill` may come from any thread.
private final class RunningChild: Sendable {
    enum Reason: Sendable { case timedOut, cancelled }

    struct Outcome: Sendable {
        var status: Int32
        var standardOutput: String
        var standardError: String
        var killed: Reason?
    }

    let pid: pid_t
    let output: Int32
    let errors: Int32
    private let killedFor = Mutex<Reason?>(nil)

    init(pid: pid_t, output: Int32, errors: Int32) {
        self.pid = pid
        self.output = output
        self.errors = errors
    }

    /// Kills the child's whole process group (it is the group leader).
    func kill(reason: Reason) {
        let first = killedFor.withLock { killed -> Bool in
            guard killed == nil else { return false }
            killed = reason
            return true
        }
        if first { Glibc.kill(-pid, SIGKILL) }
    }

    /// Reads both pipes until they close, killing the child at `deadline`, then reaps it.
    func collect(until deadline: ContinuousClock.Instant) -> Outcome {
        var captured: [Int32: [UInt8]] = [output: [], errors: []]
        var open: Set<Int32> = [output, errors]
        var chunk = [UInt8](repeating: 0, count: 65536)
        // Once killed, grandchildren that kept a pipe open get a short grace, not forever.
        var drainDeadline: ContinuousClock.Instant?
        while !open.isEmpty {
            let now = ContinuousClock.now
            if now >= deadline { kill(reason: .timedOut) }
            if killedFor.withLock({ $0 }) != nil, drainDeadline == nil { drainDeadline = now + .seconds(5) }
            if let drainDeadline, now >= drainDeadline { break }
            let limit = drainDeadline ?? deadline
            let remaining = max(.zero, min(limit - now, .seconds(1)))
            let milliseconds = Int32(remaining.components.seconds * 1000 + remaining.components.attoseconds / 1_000_000_000_000_000) + 1
            var fds = open.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
            let ready = poll(&fds, nfds_t(fds.count), milliseconds)
            if ready < 0 {
                if errno == EINTR { continue }
                break
            }
            for entry in fds where entry.revents != 0 {
                let count = chunk.withUnsafeMutableBytes { read(entry.fd, $0.baseAddress, $0.count) }
                if count > 0 {
                    captured[entry.fd, default: []].append(contentsOf: chunk[0..<count])
                    // Keep memory bounded for a chatty child: the tail is what errors quote.
                    if let size = captured[entry.fd]?.count, size > 8 << 20 { captured[entry.fd]?.removeFirst(size - (4 << 20)) }
                } else if count == 0 || (errno != EINTR && errno != EAGAIN) {
                    open.remove(entry.fd)
                }
            }
        }
        close(output)
        close(errors)
        var status: Int32 = 0
        // A child may close its output and keep running: the deadline still applies.
        while true {
            let reaped = waitpid(pid, &status, WNOHANG)
            if reaped == pid || (reaped == -1 && errno != EINTR) { break }
            if ContinuousClock.now >= deadline { kill(reason: .timedOut) }
            usleep(10_000)
        }
        let exitCode = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        return Outcome(status: exitCode,
                       standardOutput: String(decoding: captured[output] ?? [], as: UTF8.self),
                       standardError: String(decoding: captured[errors] ?? [], as: UTF8.self),
                       killed: killedFor.withLock { $0 })
    }
}

/// GNU extensions Swift's Glibc module hides (it is built without _GNU_SOURCE), looked up
/// at run time.
private enum GNU {
    typealias Pipe2 = @convention(c) (UnsafeMutablePointer<Int32>?, Int32) -> Int32
    typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>?, Int32) -> Int32

    static let pipe2Function: Pipe2? = dlsym(nil, "pipe2").map { unsafeBitCast($0, to: Pipe2.self) }
    static let closeFromFunction: CloseFrom? =
        dlsym(nil, "posix_spawn_file_actions_addclosefrom_np").map { unsafeBitCast($0, to: CloseFrom.self) }

    /// pipe2(2) with O_CLOEXEC, so that a child spawned by another thread at the same moment
    /// cannot inherit these ends; pipe + fcntl where pipe2 is missing.
    static func pipe2(_ fds: UnsafeMutablePointer<Int32>, _ flags: Int32) -> Int32 {
        if let pipe2Function { return pipe2Function(fds, flags) }
        guard pipe(fds) == 0 else { return -1 }
        _ = fcntl(fds[0], F_SETFD, FD_CLOEXEC)
        _ = fcntl(fds[1], F_SETFD, FD_CLOEXEC)
        return 0
    }

    /// Closes every descriptor from `lowest` up in the child (glibc 2.34+); without it the
    /// child relies on O_CLOEXEC alone.
    static func addCloseFrom(_ actions: UnsafeMutablePointer<posix_spawn_file_actions_t>, _ lowest: Int32) {
        _ = closeFromFunction?(actions, lowest)
    }
}
