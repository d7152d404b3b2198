public import Foundation

/// The real kubectl, pointed at one cluster, with its own cache directory (so discovery
/// is never stale between tests).
public struct Kubectl: Sendable {
    public let kubeconfig: String
    public let home: String

    public init(kubeconfig: String) {
        self.kubeconfig = kubeconfig
        home = TemporaryDirectory.make(prefix: "kubectl-home")
    }

    /// Runs `kubectl args…`, with `input` as stdin (for `-f -`).
    @discardableResult
    public func run(_ arguments: [String], input: String? = nil, timeout: TimeInterval = 120,
                    environment: [String: String] = [:]) throws -> CommandResult {
        var env = ["KUBECONFIG": kubeconfig, "HOME": home, "KUBECACHEDIR": home + "/cache"]
        for (key, value) in environment { env[key] = value }
        return try CommandRunner.run("kubectl", arguments, environment: env, input: input, timeout: timeout)
    }

    @discardableResult
    public func callAsFunction(_ arguments: String..., input: String? = nil) throws -> CommandResult {
        try run(arguments, input: input)
    }

    /// Runs kubectl and throws unless it succeeds; returns stdout.
    @discardableResult
    public func ok(_ arguments: String..., input: String? = nil) throws -> String {
        let result = try run(arguments, input: input)
        guard result.succeeded else { throw TestEnvironmentError("kubectl \(arguments.joined(separator: " ")) failed: \(result)") }
        return result.stdout
    }

    /// Polls `condition` until it holds or `timeout` passes.
    public static func eventually(timeout: TimeInterval = 30, interval: TimeInterval = 0.1, _ condition: () throws -> Bool) rethrows -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if try condition() { return true }
            usleep(UInt32(interval * 1_000_000))
        }
        return try condition()
    }
}
