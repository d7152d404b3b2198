import BallastStorage
import Foundation
import Glibc

/// Creates a container under conmon, the per-container monitor (runtime-recipe §4): conmon
/// runs the runtime's `create`, writes the container's output as a CRI-format log file,
/// writes its exit code to `<exitDirectory>/<id>` when it ends, and outlives the agent.
///
/// conmon daemonises before `create` has finished, so it is handed a sync pipe at fd 3
/// (`_OCI_SYNCPIPE=3`) on which it reports `{"data": <pid>}` (or `-1` and a message) once
/// the container exists; only then may the runtime's `start` run.
struct Conmon {
    /// The conmon binary.
    var executable: String
    /// The runtime conmon calls.
    var runtime: any OCIRuntime

    /// What one container needs.
    struct Launch {
        var id: String
        var name: String
        var bundle: String
        var logPath: String
        var exitDirectory: String
        var socketDirectory: String
        var logSizeMax: Int = 10 << 20
    }

    /// Finds conmon on the host.
    /// - Throws: `RuntimeError` when it is not installed.
    static func find(runtime: any OCIRuntime) throws(RuntimeError) -> Conmon {
        guard let path = RuntimeCLI.find("conmon") else {
            throw RuntimeError("find conmon", "conmon is not installed (Debian package conmon)")
        }
        return Conmon(executable: path, runtime: runtime)
    }

    /// Starts conmon for `launch` and waits until the container is created (not started).
    /// - Returns: the container's init pid.
    /// - Throws: `RuntimeError` with the runtime's message when creation fails.
    func create(_ launch: Launch) async throws(RuntimeError) -> Int32 {
        var arguments = [
            "--api-version", "1", "-c", launch.id, "-u", launch.id, "-n", launch.name,
            "-r", runtime.executable, "-b", launch.bundle,
            "-p", launch.bundle + "/pidfile", "-P", launch.bundle + "/conmon.pid",
            "-l", "k8s-file:" + launch.logPath, "--log-size-max", String(launch.logSizeMax),
            "--exit-dir", launch.exitDirectory, "--socket-dir-path", launch.socketDirectory,
        ]
        for argument in runtime.globalArguments { arguments += ["--runtime-arg", argument] }
        let commandLine = [executable] + arguments
        let errorLog = launch.bundle + "/conmon.log"
        let result: Result<Int32, RuntimeError> = await Blocking.run { Self.spawnAndSync(commandLine, errorLog: errorLog) }
        switch result {
        case .success(let pid): return pid
        case .failure(let error):
            let log = ((try? FileIO.readText(errorLog)) ?? nil)?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            throw log.isEmpty ? error : RuntimeError(error.operation, error.message + "; conmon: " + String(log.suffix(2000)))
        }
    }

    /// Spawns conmon with the sync pipe at fd 3 and reads its answer (blocking).
    private static func spawnAndSync(_ commandLine: [String], errorLog: String) -> Result<Int32, RuntimeError> {
        var fds: [Int32] = [-1, -1]
        guard LinuxExtras.pipe2(&fds, O_CLOEXEC) == 0 else {
            return .failure(RuntimeError("pipe", String(cString: strerror(errno))))
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, errorLog, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        posix_spawn_file_actions_adddup2(&actions, fds[1], 3)
        LinuxExtras.addCloseFrom(&actions, 4)

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
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))

        var environment = ProcessInfo.processInfo.environment
        environment["_OCI_SYNCPIPE"] = "3"
        if environment["PATH"] == nil { environment["PATH"] = Subprocess.searchPath.joined(separator: ":") }
        var argv: [UnsafeMutablePointer<CChar>?] = commandLine.map { strdup($0) } + [nil]
        var envp: [UnsafeMutablePointer<CChar>?] = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }
        var pid: pid_t = 0
        let code = posix_spawn(&pid, commandLine[0], &actions, &attributes, &argv, &envp)
        close(fds[1])
        guard code == 0 else {
            close(fds[0])
            return .failure(RuntimeError("spawn conmon", String(cString: strerror(code))))
        }
        defer { close(fds[0]) }
        // conmon's first process exits once it has daemonised; reap it.
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}

        // Read until the JSON object is complete (or conmon closes the pipe), for at most a minute.
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        let deadline = ContinuousClock.now + .seconds(60)
        while !bytes.contains(UInt8(ascii: "}")) {
            let remaining = deadline - ContinuousClock.now
            guard remaining > .zero else { return .failure(RuntimeError("conmon create", "no answer on the sync pipe within 60 s")) }
            var poller = pollfd(fd: fds[0], events: Int16(POLLIN), revents: 0)
            let ready = poll(&poller, 1, Int32(remaining.components.seconds * 1000 + 1))
            if ready == -1 && errno == EINTR { continue }
            if ready <= 0 { continue }
            let count = chunk.withUnsafeMutableBytes { read(fds[0], $0.baseAddress, $0.count) }
            if count == -1 && errno == EINTR { continue }
            if count <= 0 { break }
            bytes += chunk[0..<count]
        }
        struct Answer: Decodable {
            var data: Int32
            var message: String?
        }
        let text = String(decoding: bytes, as: UTF8.self)
        guard let start = text.firstIndex(of: "{"), let end = text.firstIndex(of: "}"),
              let answer = try? JSONDecoder().decode(Answer.self, from: Data(text[start...end].utf8)) else {
            return .failure(RuntimeError("conmon create", "conmon gave no container pid (exit status \(status)): \(text)"))
        }
        guard answer.data > 0 else {
            return .failure(RuntimeError("create container", answer.message ?? "the runtime failed"))
        }
        return .success(answer.data)
    }
}
