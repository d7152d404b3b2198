import Foundation

/// A git server on 127.0.0.1 for tests: bare repositories served over git's "dumb HTTP"
/// protocol by a small static file server running on a thread of the test process, so a
/// gitRepo volume can clone `http://127.0.0.1:<port>/website.git` (examples/pod-gitrepo.yaml
/// names port 9418). Repositories are made with the real git.
///
/// Use `GitServer.with { server in … }`: it stops the server and removes its files when the
/// body returns or throws.
public final class GitServer: Sendable {
    /// The port it listens on.
    public let port: Int
    /// The directory served: bare repositories, one per name.
    public let root: String
    private let work: String
    private let listener: Int32
    private let stopped = Locked(false)

    /// Starts serving an empty root on `port` (0 picks a free one).
    public init(port: Int = 0) throws {
        _ = try CommandRunner.which("git")
        let base = TemporaryDirectory.make(prefix: "ballast-git")
        root = base + "/served"
        work = base + "/work"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw TestEnvironmentError("socket() failed: errno \(errno)") }
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 16) == 0 else {
            let code = errno
            close(fd)
            try? FileManager.default.removeItem(atPath: base)
            throw TestEnvironmentError("cannot listen on 127.0.0.1:\(port): errno \(code)")
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        self.port = Int(UInt16(bigEndian: address.sin_port))
        self.listener = fd
        let root = self.root
        let stopped = self.stopped
        Thread { GitServer.serve(fd, root: root, stopped: stopped) }.start()
    }

    /// Runs `body` with a fresh server, then stops it and removes its files.
    public static func with<T>(port: Int = 0, _ body: (GitServer) async throws -> T) async throws -> T {
        let server = try GitServer(port: port)
        defer { server.stop() }
        return try await body(server)
    }

    /// The clone URL of repository `name` ("website.git").
    public func url(_ name: String = "website.git") -> String { "http://127.0.0.1:\(port)/\(name)" }

    /// Makes (or extends) bare repository `name` with one commit on `branch` holding `files`
    /// (path → content, on top of the previous commit's files), and returns the commit id.
    @discardableResult
    public func commit(_ files: [String: String], to name: String = "website.git", branch: String = "master",
                       message: String = "update") throws -> String {
        let checkout = work + "/" + name
        if !FileManager.default.fileExists(atPath: checkout) {
            try git(["init", "-q", "-b", branch, checkout], in: work)
        }
        for (path, content) in files {
            let full = checkout + "/" + path
            try FileManager.default.createDirectory(atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try content.write(toFile: full, atomically: true, encoding: .utf8)
        }
        try git(["add", "-A"], in: checkout)
        try git(["-c", "user.name=Ballast Tests", "-c", "user.email=tests@ballast.invalid", "commit", "-q", "-m", message], in: checkout)
        let bare = root + "/" + name
        if !FileManager.default.fileExists(atPath: bare) {
            try git(["clone", "-q", "--bare", checkout, bare], in: work)
        } else {
            try git(["push", "-q", bare, branch], in: checkout)
        }
        // Dumb HTTP needs the info/refs and objects/info/packs files this writes.
        try git(["update-server-info"], in: bare)
        return try git(["rev-parse", "HEAD"], in: checkout).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Stops serving and removes the files. Idempotent.
    public func stop() {
        let first = stopped.withLock { value -> Bool in
            defer { value = true }
            return !value
        }
        guard first else { return }
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
        try? FileManager.default.removeItem(atPath: (root as NSString).deletingLastPathComponent)
    }

    @discardableResult
    private func git(_ arguments: [String], in directory: String) throws -> String {
        let result = try CommandRunner.run("git", ["-C", directory] + arguments, environment: ["GIT_CONFIG_NOSYSTEM": "1", "HOME": work])
        guard result.succeeded else { throw TestEnvironmentError("git \(arguments.joined(separator: " ")) failed: \(result)") }
        return result.stdout
    }

    /// Answers GET requests for files under `root`, one connection at a time, until the
    /// listener is closed.
    private static func serve(_ listener: Int32, root: String, stopped: Locked<Bool>) {
        while !stopped.value {
            let client = accept(listener, nil, nil)
            if client < 0 {
                if errno == EINTR { continue }
                return
            }
            answer(client, root: root)
            close(client)
        }
    }

    private static func answer(_ client: Int32, root: String) {
        var request: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while !request.contains(0x0A) && request.count < 65536 {
            let count = chunk.withUnsafeMutableBytes { read(client, $0.baseAddress, $0.count) }
            if count <= 0 { return }
            request += chunk[0..<count]
        }
        let line = String(decoding: request.prefix { $0 != 0x0D && $0 != 0x0A }, as: UTF8.self)
        let parts = line.split(separator: " ")
        var path = parts.count >= 2 ? String(parts[1]) : "/"
        if let query = path.firstIndex(of: "?") { path = String(path[..<query]) }
        let decoded = path.removingPercentEncoding ?? path
        let body: Data?
        if parts.first == "GET", !decoded.split(separator: "/").contains(".."), let data = FileManager.default.contents(atPath: root + decoded) {
            body = data
        } else {
            body = nil
        }
        let status = body == nil ? "404 Not Found" : "200 OK"
        let payload = body ?? Data("not found\n".utf8)
        var response = Data("HTTP/1.0 \(status)\r\nContent-Type: application/octet-stream\r\nContent-Length: \(payload.count)\r\nConnection: close\r\n\r\n".utf8)
        response.append(payload)
        response.withUnsafeBytes { buffer in
            var sent = 0
            while sent < buffer.count {
                guard let base = buffer.baseAddress else { return }
                let count = send(client, base + sent, buffer.count - sent, Int32(MSG_NOSIGNAL))
                if count <= 0 { return }
                sent += count
            }
        }
    }
}
