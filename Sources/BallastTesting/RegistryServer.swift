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
    private static func script(_ arguments: [String], timeout: TimeInterval) throws -> CommandResult {
        let result = try CommandRunner.run("/bin/bash", [scriptPath] + arguments, timeout: timeout)
        guard result.succeeded else {
            throw TestEnvironmentError("Scripts/registry \(arguments.joined(separator: " ")) failed: \(result)")
        }
        return result
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
        let result = try CommandRunner.run("/bin/bash", [script], timeout: 1800)
        guard result.succeeded, let path = result.stdout.split(separator: "\n").last.map(String.init) else {
            throw TestEnvironmentError("Scripts/images/build failed: \(result)")
        }
        return path
    }
}
