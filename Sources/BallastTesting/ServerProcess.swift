import Foundation

/// A real `ballast server` process on a free loopback port with its own data directory,
/// for end-to-end tests. Stopped (and its directory removed) by `stop()` or on deinit.
public final class ServerProcess: @unchecked Sendable {
    // Mutated only by the test that owns it.
    public let dataDir: String
    public private(set) var kubeconfig: String = ""
    public private(set) var port: Int = 0
    private var process: Process?
    private let keepData: Bool
    /// Variables added to the server's environment at the next `start()` (e.g.
    /// BALLAST_CRASH_AT, to make it die at a chosen point).
    public var environment: [String: String]
    /// Options added to `ballast server`'s command line (e.g. a short node grace period).
    private let options: [String]

    /// Starts a server; waits until it serves. Reuse `dataDir` to restart on the same state.
    public init(dataDir: String? = nil, keepData: Bool = false, environment: [String: String] = [:], options: [String] = []) throws {
        self.dataDir = dataDir ?? TemporaryDirectory.make(prefix: "ballast-server")
        self.keepData = keepData || dataDir != nil
        self.environment = environment
        self.options = options
        try start()
    }

    /// Starts (or restarts) the server process on the same data directory and port.
    public func start() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try BallastBinary.path)
        process.arguments = ["server", "--data-dir", dataDir, "--listen", "127.0.0.1:\(port)"] + options
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, added in added }
        let out = Pipe()
        process.standardOutput = out
        let log = dataDir + "/server-test.log"
        try FileManager.default.createDirectory(atPath: dataDir, withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        try process.run()
        self.process = process
        // The server prints the kubeconfig path once it listens.
        let reader = out.fileHandleForReading
        var buffer = Data()
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            let chunk = reader.availableData
            if chunk.isEmpty {
                if !process.isRunning { break }
                continue
            }
            buffer += chunk
            if let text = String(data: buffer, encoding: .utf8), let line = text.split(separator: "\n").first(where: { $0.hasSuffix("kubeconfig.yaml") }) {
                kubeconfig = String(line)
                break
            }
        }
        guard !kubeconfig.isEmpty else {
            let tail = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
            throw TestEnvironmentError("ballast server did not start:\n\(tail.suffix(3000))")
        }
        let text = try String(contentsOfFile: kubeconfig, encoding: .utf8)
        if let range = text.range(of: "server: https://127.0.0.1:"), let end = text[range.upperBound...].firstIndex(of: "\n") {
            port = Int(text[range.upperBound..<end]) ?? 0
        }
        // Keep draining stdout so the server never blocks on a full pipe.
        Thread.detachNewThread { _ = reader.readDataToEndOfFile() }
    }

    public var pid: Int32 { process?.processIdentifier ?? 0 }

    /// SIGTERM and wait: a clean shutdown.
    public func stop() {
        guard let process, process.isRunning else { return }
        process.terminate()
        // A server that does not stop within its shutdown bound is killed, so a test run
        // never hangs on it (and the test that asked for a clean stop sees the delay).
        if !waitForExit(timeout: 30) { kill() }
    }

    /// Waits until the process has exited on its own (e.g. at a crash point); false when it
    /// still runs after `timeout` seconds.
    public func waitForExit(timeout: Double) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while let process, process.isRunning, Date() < deadline { usleep(50_000) }
        return !(process?.isRunning ?? false)
    }

    /// SIGKILL: a crash.
    public func kill() {
        guard let process, process.isRunning else { return }
        Foundation.kill(process.processIdentifier, SIGKILL)
        _ = waitForExit(timeout: 30)
    }

    public var log: String { (try? String(contentsOfFile: dataDir + "/server-test.log", encoding: .utf8)) ?? "" }

    deinit {
        stop()
        if !keepData { try? FileManager.default.removeItem(atPath: dataDir) }
    }
}

/// Unique scratch directories under the system temporary directory.
public enum TemporaryDirectory {
    public static func make(prefix: String) -> String {
        let path = NSTemporaryDirectory() + "\(prefix)-\(UUID().uuidString.prefix(8).lowercased())"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }
}
