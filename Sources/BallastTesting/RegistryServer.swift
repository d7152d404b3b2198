import Foundation

/// A real image registry (Debian's docker-registry) on 127.0.0.1, on a free port of its
/// own, with its own storage directory, seeded with the stand-in images of Scripts/images
/// (library/redis:latest, library/nginx:latest and :alpine, library/busybox:latest,
/// library/perl:latest, library/postgres:15, prom/node-exporter:latest) by
/// `Scripts/registry --dir DIR --port PORT seed`. The first seed on a machine builds the
/// images (about 3 minutes, cached under /var/cache/ballast); later ones take seconds.
///
/// Use `RegistryServer.with { registry in … }`: it stops the registry and removes its
/// directory when the body returns or throws. A registry whose test process died is
/// stopped by the next one to start (each records its owner's pid).
/// Needs root, docker-registry, skopeo, umoci and mmdebstrap (the last two for a cold build).
public final class RegistryServer: Sendable {
    /// The registry's directory: config, pid file, log and the blobs (data/).
    public let directory: String
    /// The port on 127.0.0.1.
    public let port: Int

    /// "127.0.0.1:PORT".
    public var address: String { "127.0.0.1:\(port)" }
    /// "http://127.0.0.1:PORT", as a mirror endpoint.
    public var url: String { "http://" + address }

    private static let prefix = "ballast-registry-"

    /// Starts and seeds a registry; waits until every stand-in image is pushed.
    /// - Throws: `TestEnvironmentError` when a prerequisite is missing or seeding fails.
    public init() throws {
        if let missing = Self.missingPrerequisite { throw TestEnvironmentError(missing) }
        Self.stopOrphans()
        let base = TemporaryDirectory.make(prefix: String(Self.prefix.dropLast()))
        try String(getpid()).write(toFile: base + "/owner", atomically: true, encoding: .utf8)
        directory = base + "/registry"
        var lastError: (any Error)?
        var chosen: Int?
        // The port is picked free and then bound by the registry: another process may take
        // it in between, so retry with another.
        for _ in 0..<3 {
            let candidate = try FreePort.pick()
            do {
                try Self.script(["--dir", directory, "--port", String(candidate), "seed"], timeout: 900)
                chosen = candidate
                break
            } catch {
                lastError = error
                _ = try? Self.script(["--dir", directory, "--port", String(candidate), "stop"], timeout: 60)
            }
        }
        guard let chosen else {
            try? FileManager.default.removeItem(atPath: base)
            throw lastError ?? TestEnvironmentError("no free port for the registry")
        }
        port = chosen
    }

    /// Runs `body` with a fresh, seeded registry, then stops it and removes its directory,
    /// also when `body` throws.
    public static func with<T>(_ body: (RegistryServer) async throws -> T) async throws -> T {
        let server = try RegistryServer()
        do {
            let result = try await body(server)
            server.remove()
            return result
        } catch {
            server.remove()
            throw error
        }
    }

    /// Where the registry keeps blob sha256:<hex> (to corrupt it in a test).
    public func blobDataPath(hex: String) -> String {
        "\(directory)/data/docker/registry/v2/blobs/sha256/\(hex.prefix(2))/\(hex)/data"
    }

    /// A registries.yaml that mirrors docker.io (and "*") to this registry.
    public var mirrorConfiguration: String {
        """
        mirrors:
          docker.io:
            endpoint:
              - "\(url)"
        """
    }

    /// Stops the registry and removes its directory.
    public func remove() {
        _ = try? Self.script(["--dir", directory, "--port", String(port), "stop"], timeout: 60)
        try? FileManager.default.removeItem(atPath: URL(fileURLWithPath: directory).deletingLastPathComponent().path)
    }

    // MARK: - Environment

    /// What is missing to run a registry, or nil when everything is there.
    public static var missingPrerequisite: String? {
        if geteuid() != 0 { return "registry tests need root" }
        for (tool, package) in [("docker-registry", "docker-registry"), ("skopeo", "skopeo"), ("umoci", "umoci"), ("flock", "util-linux")] {
            if (try? CommandRunner.which(tool)) == nil {
                return "\(tool) is not installed (Debian package \(package); run Scripts/bootstrap)"
            }
        }
        if !FileManager.default.isExecutableFile(atPath: scriptPath) { return "\(scriptPath) is missing or not executable" }
        return nil
    }

    /// Whether registry tests run: always in CI (CI=true), where a missing prerequisite
    /// must fail the test rather than skip it; elsewhere only when nothing is missing.
    public static var isEnabled: Bool {
        ProcessInfo.processInfo.environment["CI"] == "true" || missingPrerequisite == nil
    }

    /// Scripts/registry in this checkout.
    public static var scriptPath: String {
        var url = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path + "/Scripts/registry"
    }

    @discardableResult
    private static func script(_ arguments: [String], timeout: TimeInterval) throws -> String {
        let (status, output) = try spawnAndWait(["/bin/bash", scriptPath] + arguments, timeout: timeout)
        guard status == 0 else {
            throw TestEnvironmentError("Scripts/registry \(arguments.joined(separator: " ")) failed (status \(status)): \(output)")
        }
        return output
    }

    static func spawnAndWait(_ commandLine: [String], timeout: TimeInterval) throws -> (Int32, String) {
        try SpawnedCommand.run(commandLine, timeout: timeout)
    }

    /// Stops registries left behind by test processes that died.
    private static func stopOrphans() {
        let temporary = NSTemporaryDirectory()
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: temporary) else { return }
        for name in names where name.hasPrefix(prefix) {
            let base = (temporary as NSString).appendingPathComponent(name)
            guard let text = try? String(contentsOfFile: base + "/owner", encoding: .utf8),
                  let owner = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)) else { continue }
            if kill(owner, 0) == 0 || errno == EPERM { continue }
            let configs = (try? FileManager.default.contentsOfDirectory(atPath: base + "/registry")) ?? []
            for config in configs where config.hasPrefix("registry-") && config.hasSuffix(".yml") {
                let port = config.dropFirst("registry-".count).dropLast(".yml".count)
                _ = try? script(["--dir", base + "/registry", "--port", String(port), "stop"], timeout: 60)
            }
            try? FileManager.default.removeItem(atPath: base)
        }
    }
}

/// Free TCP ports on 127.0.0.1.
public enum FreePort {
    /// A port that nothing listens on right now.
    public static func pick() throws -> Int {
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

extension RegistryServer {
    /// The OCI image layout of the stand-in images (built and cached by
    /// Scripts/images/build), with tags redis, nginx, nginx-alpine, busybox, perl,
    /// postgres-15 and node-exporter.
    public static func imageLayout() throws -> String {
        let script = URL(fileURLWithPath: scriptPath).deletingLastPathComponent().path + "/images/build"
        let (status, output) = try spawnAndWait(["/bin/bash", script], timeout: 1800)
        guard status == 0, let path = output.split(separator: "\n").last.map(String.init) else {
            throw TestEnvironmentError("Scripts/images/build failed (status \(status)): \(output)")
        }
        return path
    }
}

/// Runs a command to completion with posix_spawn and waitpid, stdout and stderr together in
/// a temporary file. (Foundation's Process was seen to leave a child that started a daemon a
/// zombie it never noticed, so `CommandRunner` hung; this path has nothing to go wrong.)
public enum SpawnedCommand {
    /// Runs `commandLine` (an absolute executable path first).
    /// - Returns: the exit status (128 + signal when killed) and the output.
    /// - Throws: `TestEnvironmentError` when it cannot start or runs past `timeout`.
    public static func run(_ commandLine: [String], timeout: Double) throws -> (Int32, String) {
        let outputPath = NSTemporaryDirectory() + "ballast-script-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).out"
        defer { unlink(outputPath) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        var argv: [UnsafeMutablePointer<CChar>?] = commandLine.map { strdup($0) } + [nil]
        let environment = ProcessInfo.processInfo.environment.map { "\($0.key)=\($0.value)" }
        var envp: [UnsafeMutablePointer<CChar>?] = environment.map { strdup($0) } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }
        var pid: pid_t = 0
        let code = posix_spawn(&pid, commandLine[0], &actions, nil, &argv, &envp)
        guard code == 0 else { throw TestEnvironmentError("cannot start \(commandLine[0]): errno \(code)") }
        let deadline = Date().addingTimeInterval(timeout)
        var status: Int32 = 0
        while true {
            let result = waitpid(pid, &status, WNOHANG)
            if result == pid { break }
            if result == -1 && errno != EINTR { throw TestEnvironmentError("waitpid failed: errno \(errno)") }
            if Date() > deadline {
                kill(pid, SIGKILL)
                _ = waitpid(pid, &status, 0)
                throw TestEnvironmentError("\(commandLine.joined(separator: " ")) timed out after \(Int(timeout)) s")
            }
            usleep(20_000)
        }
        let output = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        let exited = status & 0x7f == 0
        return (exited ? (status >> 8) & 0xff : 128 + (status & 0x7f), output)
    }
}
