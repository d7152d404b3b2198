public import Foundation

/// The result of running a command to completion.
public struct CommandResult: Sendable, CustomStringConvertible {
    public var status: Int32
    public var stdout: String
    public var stderr: String

    public var succeeded: Bool { status == 0 }
    public var description: String { "exit \(status)\nstdout: \(stdout)\nstderr: \(stderr)" }
}

/// Runs programs for tests, capturing their output.
public enum CommandRunner {
    /// Runs `executable` with `arguments`, feeding `input` on stdin, and waits for it.
    ///
    /// posix_spawn and waitpid on the child's own pid, with stdin and output in files:
    /// Foundation's Process sometimes never notices its child exit (the zombie stays,
    /// `waitUntilExit` waits forever), which hung whole test runs.
    public static func run(_ executable: String, _ arguments: [String], environment: [String: String] = [:], input: String? = nil,
                           timeout: TimeInterval = 120) throws -> CommandResult {
        let path = executable.hasPrefix("/") ? executable : try which(executable)
        let scratch = TemporaryDirectory.make(prefix: "command")
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let inputPath = scratch + "/stdin", outputPath = scratch + "/stdout", errorPath = scratch + "/stderr"
        try Data((input ?? "").utf8).write(to: URL(fileURLWithPath: inputPath))
        var env = ProcessInfo.processInfo.environment
        for (key, value) in environment { env[key] = value }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, inputPath, O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, errorPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        let envp = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, path, &actions, nil, argv, envp)
        guard spawned == 0 else { throw TestEnvironmentError("cannot start \(path): \(String(cString: strerror(spawned)))") }

        let deadline = Date().addingTimeInterval(timeout)
        var status: Int32 = 0
        var killed = false
        while true {
            let reaped = waitpid(pid, &status, WNOHANG)
            if reaped == pid || (reaped < 0 && errno != EINTR) { break }
            if !killed, Date() > deadline {
                kill(pid, SIGKILL)
                killed = true
            }
            usleep(5_000)
        }
        let exitStatus: Int32 = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        let read = { (file: String) in (try? String(contentsOfFile: file, encoding: .utf8)) ?? "" }
        return CommandResult(status: exitStatus, stdout: read(outputPath), stderr: read(errorPath))
    }

    /// The absolute path of a program on PATH.
    public static func which(_ name: String) throws -> String {
        for directory in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin").split(separator: ":") {
            let path = "\(directory)/\(name)"
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        throw TestEnvironmentError("\(name) is not installed (run Scripts/bootstrap)")
    }
}

/// A missing prerequisite: in CI this fails the test, never skips it.
public struct TestEnvironmentError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
