import BallastStorage
import Foundation
import Glibc

/// An OCI runtime driven through its command line (`crun` or `runc`), keeping its state
/// under a directory of its own (`--root`), so agents sharing a host never see each other's
/// containers.
///
/// On a hybrid-cgroup host (a cgroup2 mount at /sys/fs/cgroup/unified that still holds
/// controllers) crun 1.8 refuses to run: it is then run through a small wrapper that hides
/// that mount in a private mount namespace (runtime-recipe §2.1); runc needs none.
public struct RuntimeCLI: OCIRuntime {
    public let kind: RuntimeKind
    public let executable: String
    public let globalArguments: [String]

    /// Makes the runtime of `kind`, with state under `stateDirectory` and, where needed,
    /// its wrapper script written into `toolDirectory`.
    /// - Throws: `RuntimeError` when the binary is missing or the wrapper cannot be written.
    public init(kind: RuntimeKind, stateDirectory: String, toolDirectory: String) throws(RuntimeError) {
        self.kind = kind
        guard let binary = Self.find(kind.rawValue) else {
            throw RuntimeError("find \(kind.rawValue)", "\(kind.rawValue) is not installed (Debian package \(kind.rawValue))")
        }
        do {
            try FileIO.makeDirectories(stateDirectory, mode: 0o700)
            try FileIO.makeDirectories(toolDirectory, mode: 0o755)
        } catch {
            throw RuntimeError("prepare runtime", "\(error)")
        }
        globalArguments = ["--root", stateDirectory]
        if kind == .crun && Self.hostIsHybrid {
            let wrapper = toolDirectory + "/crun-hybrid"
            let script = """
            #!/bin/sh
            # Written by the ballast node agent: crun 1.8 refuses hybrid cgroups, so hide the
            # cgroup2 mount in a mount namespace that is a slave of the host's.
            exec unshare --mount --propagation slave sh -c 'umount /sys/fs/cgroup/unified && exec \(binary) "$@"' crun "$@"

            """
            do {
                try FileIO.writeAtomically(wrapper, Array(script.utf8), mode: 0o755)
            } catch {
                throw RuntimeError("write \(wrapper)", "\(error)")
            }
            executable = wrapper
        } else {
            executable = binary
        }
    }

    /// Whether /sys/fs/cgroup/unified is a cgroup2 mount that still lists controllers.
    public static var hostIsHybrid: Bool {
        let text = (try? FileIO.readText("/sys/fs/cgroup/unified/cgroup.controllers")) ?? nil
        return !(text ?? "").trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
    }

    /// The absolute path of `name` in the usual binary directories.
    static func find(_ name: String) -> String? {
        Subprocess.searchPath.map { "\($0)/\(name)" }.first { access($0, X_OK) == 0 }
    }

    public func state(_ id: String) async throws(RuntimeError) -> RuntimeContainerState? {
        let result = try await run(["state", id])
        guard result.succeeded else {
            let error = RuntimeError("\(kind) state \(id)", Self.message(result))
            if error.isNotFound { return nil }
            throw error
        }
        do {
            return try JSONDecoder().decode(RuntimeContainerState.self, from: Data(result.standardOutput.utf8))
        } catch {
            throw RuntimeError("\(kind) state \(id)", "unreadable state: \(error)")
        }
    }

    public func start(_ id: String) async throws(RuntimeError) {
        try await check(["start", id])
    }

    public func kill(_ id: String, signal: Int32, all: Bool) async throws(RuntimeError) {
        let result = try await run(["kill"] + (all ? ["--all"] : []) + [id, String(signal)])
        guard !result.succeeded else { return }
        let error = RuntimeError("\(kind) kill \(id)", Self.message(result))
        // Gone, or already stopped ("container not running", "process already finished").
        if error.isNotFound || error.message.contains("not running") || error.message.contains("finished") { return }
        throw error
    }

    public func delete(_ id: String, force: Bool) async throws(RuntimeError) {
        let result = try await run(["delete"] + (force ? ["--force"] : []) + [id])
        guard !result.succeeded else { return }
        let error = RuntimeError("\(kind) delete \(id)", Self.message(result))
        if error.isNotFound { return }
        throw error
    }

    public func exec(_ id: String, user: String, command: [String]) async throws(RuntimeError) -> (status: Int32, output: String) {
        let result = try await run(["exec", "--user", user, id] + command, timeout: .seconds(300))
        return (result.status, result.standardOutput + result.standardError)
    }

    // MARK: - Plumbing

    private func run(_ arguments: [String], timeout: Duration = .seconds(60)) async throws(RuntimeError) -> SubprocessResult {
        do {
            return try await Subprocess(executable, globalArguments + arguments, timeout: timeout).run()
        } catch {
            throw RuntimeError("\(kind) \(arguments.first ?? "")", "\(error)")
        }
    }

    private func check(_ arguments: [String]) async throws(RuntimeError) {
        let result = try await run(arguments)
        guard result.succeeded else {
            throw RuntimeError("\(kind) \(arguments.joined(separator: " "))", Self.message(result))
        }
    }

    private static func message(_ result: SubprocessResult) -> String {
        let text = result.standardError.isEmpty ? result.standardOutput : result.standardError
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
