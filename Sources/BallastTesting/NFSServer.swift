import Foundation

/// A real nfs-ganesha on 127.0.0.1 exporting a fresh temporary directory over NFSv3 and
/// NFSv4, for tests. It is started and stopped by `Scripts/nfs-server` (the one place
/// that knows ganesha's configuration), on two free ports of its own, so several servers
/// (parallel tests, a developer's `ballast up`) can run at once.
///
/// Because all servers share the host's one rpcbind, and each registers (and on stop
/// unregisters) NFS and MOUNT there, clients must not ask the portmapper: use
/// `mountOptions` (port= and mountport=), or `port`/`mountPort` with libnfs directly.
///
/// Use `NFSServer.with { server in … }`: it stops the server and removes its directories
/// when the body returns or throws. A server whose test process died is stopped by the
/// next `NFSServer` to start (each records its owner's pid).
/// Needs root, nfs-ganesha, nfs-ganesha-vfs and rpcbind (started if not running).
public final class NFSServer: Sendable {
    /// The server's own directory: ganesha.conf, ganesha.pid, ganesha.log, recovery/.
    public let directory: String
    /// The exported host directory: the share, the same path for NFSv3 and NFSv4.
    public let exportPath: String
    /// Where the server listens.
    public let address = "127.0.0.1"
    /// The NFS port (v3 and v4).
    public let port: Int
    /// The MOUNT protocol port (v3).
    public let mountPort: Int

    private static let prefix = "ballast-nfs-"

    /// The mount options that reach this server without the portmapper.
    public var mountOptions: [String] { ["port=\(port)", "mountport=\(mountPort)"] }

    /// Starts a server on a new export; waits until NFS v3, v4 and MOUNT answer.
    /// - Parameter pseudoPath: the path clients mount (v3 and v4) when not the export's own
    ///   host path: "/export" serves a manifest's `nfs: {path: /export/pv-demo}`.
    /// - Throws: `TestEnvironmentError` when a prerequisite is missing or ganesha does
    ///   not come up (with the script's output and the log's tail).
    public init(pseudoPath: String? = nil) throws {
        if let missing = Self.missingPrerequisite { throw TestEnvironmentError(missing) }
        Self.stopOrphans()
        let base = TemporaryDirectory.make(prefix: String(Self.prefix.dropLast()))
        directory = base + "/server"
        exportPath = base + "/export"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: exportPath, withIntermediateDirectories: true)
        try String(getpid()).write(toFile: base + "/owner", atomically: true, encoding: .utf8)
        // Ports are picked free and then bound by ganesha: another process may win one
        // in between, and two servers starting at once race in rpcbind. Retry both.
        var lastError: (any Error)?
        var chosen: (Int, Int)?
        for _ in 0..<3 {
            let ports = (try Self.freePort(), try Self.freePort())
            guard ports.0 != ports.1 else { continue }
            do {
                try Self.script(["start", directory, exportPath, "--address", "127.0.0.1", "--port", String(ports.0), "--mount-port", String(ports.1)]
                                + (pseudoPath.map { ["--pseudo", $0] } ?? []))
                chosen = ports
                break
            } catch {
                lastError = error
                _ = try? Self.script(["stop", directory])
            }
        }
        guard let chosen else {
            try? FileManager.default.removeItem(atPath: base)
            throw lastError ?? TestEnvironmentError("no free ports for nfs-ganesha")
        }
        (port, mountPort) = chosen
    }

    /// Runs `body` with a fresh server, then stops it and removes its directories, also
    /// when `body` throws.
    public static func with<T>(pseudoPath: String? = nil, _ body: (NFSServer) async throws -> T) async throws -> T {
        let server = try NFSServer(pseudoPath: pseudoPath)
        do {
            let result = try await body(server)
            server.remove()
            return result
        } catch {
            server.remove()
            throw error
        }
    }

    /// Starts the server again on the same export and ports (after `stop`).
    public func start() throws {
        try Self.script(["start", directory, exportPath, "--address", address, "--port", String(port), "--mount-port", String(mountPort)])
    }

    /// Stops the server: SIGTERM, then SIGKILL after 10 s. Idempotent.
    public func stop() throws {
        try Self.script(["stop", directory])
    }

    /// Freezes the server (SIGSTOP): it keeps its sockets but answers nothing, as a hung
    /// server does.
    public func pause() throws {
        guard let pid else { throw TestEnvironmentError("nfs-ganesha is not running") }
        kill(pid, SIGSTOP)
        // kill() returns before every thread has stopped; a request sent meanwhile could
        // still be answered. Wait until all of them show state T.
        let deadline = Date().addingTimeInterval(5)
        while Date() < deadline {
            let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task")) ?? []
            let stopped = tasks.allSatisfy { task in
                guard let stat = try? String(contentsOfFile: "/proc/\(pid)/task/\(task)/stat", encoding: .utf8),
                      let close = stat.lastIndex(of: ")") else { return true }
                return stat[stat.index(after: close)...].trimmingCharacters(in: .whitespaces).hasPrefix("T")
            }
            if !tasks.isEmpty && stopped { return }
            usleep(10_000)
        }
        throw TestEnvironmentError("nfs-ganesha \(pid) did not stop on SIGSTOP")
    }

    /// Thaws a paused server (SIGCONT).
    public func resume() {
        if let pid { kill(pid, SIGCONT) }
    }

    /// The ganesha process, when it runs.
    public var pid: Int32? {
        guard let text = try? String(contentsOfFile: directory + "/ganesha.pid", encoding: .utf8),
              let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)), kill(pid, 0) == 0 else { return nil }
        return pid
    }

    /// ganesha's log, for failure messages.
    public var log: String { (try? String(contentsOfFile: directory + "/ganesha.log", encoding: .utf8)) ?? "" }

    /// The host path of `path` inside the export ("/a/b" → "<export>/a/b").
    public func hostPath(_ path: String) -> String {
        path.hasPrefix("/") ? exportPath + path : exportPath + "/" + path
    }

    /// Stops the server and removes its directories.
    public func remove() {
        resume()
        _ = try? stop()
        try? FileManager.default.removeItem(atPath: URL(fileURLWithPath: directory).deletingLastPathComponent().path)
    }

    // MARK: - Environment

    /// What is missing to run a server, or nil when everything is there.
    public static var missingPrerequisite: String? {
        if geteuid() != 0 { return "nfs-ganesha tests need root" }
        for (tool, package) in [("ganesha.nfsd", "nfs-ganesha"), ("rpcbind", "rpcbind"), ("rpcinfo", "rpcbind")] {
            if (try? CommandRunner.which(tool)) == nil {
                return "\(tool) is not installed (Debian package \(package); run Scripts/bootstrap)"
            }
        }
        if !FileManager.default.isExecutableFile(atPath: scriptPath) { return "\(scriptPath) is missing or not executable" }
        return nil
    }

    /// Whether NFS tests run: always in CI (CI=true), where a missing prerequisite must
    /// fail the test rather than skip it; elsewhere only when nothing is missing.
    public static var isEnabled: Bool {
        ProcessInfo.processInfo.environment["CI"] == "true" || missingPrerequisite == nil
    }

    /// Scripts/nfs-server in this checkout (symlinks resolved, so that a package that
    /// links these sources in finds the real tree).
    public static var scriptPath: String {
        var url = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path + "/Scripts/nfs-server"
    }

    @discardableResult
    private static func script(_ arguments: [String]) throws -> CommandResult {
        let result = try CommandRunner.run("/bin/bash", [scriptPath] + arguments, timeout: 60)
        guard result.succeeded else {
            throw TestEnvironmentError("Scripts/nfs-server \(arguments.joined(separator: " ")) failed: \(result)")
        }
        return result
    }

    /// Stops servers left behind by test processes that died.
    private static func stopOrphans() {
        let temporary = NSTemporaryDirectory()
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: temporary) else { return }
        for name in names where name.hasPrefix(prefix) {
            let base = (temporary as NSString).appendingPathComponent(name)
            guard let text = try? String(contentsOfFile: base + "/owner", encoding: .utf8),
                  let owner = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)) else { continue }
            if kill(owner, 0) == 0 || errno == EPERM { continue }
            _ = try? script(["stop", base + "/server"])
            try? FileManager.default.removeItem(atPath: base)
        }
    }

    /// A TCP port on 127.0.0.1 that nothing listens on right now.
    public static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw TestEnvironmentError("socket() failed: errno \(errno)") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else { throw TestEnvironmentError("bind() failed: errno \(errno)") }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard named == 0 else { throw TestEnvironmentError("getsockname() failed: errno \(errno)") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
