import BallastStorage
import Foundation
import Glibc

/// Runs container instances: an overlay writable layer over the image's root, a config.json,
/// conmon and the runtime's create and start; and stops, reads the exit of and removes them.
struct ContainerRunner: Sendable {
    var runtime: any OCIRuntime
    var conmon: Conmon
    var paths: NodePaths
    var mounter: any Mounter = LinuxMounter()

    /// Where an instance's bundle lives.
    static func bundle(podDirectory: String, container: String, restartCount: Int32) -> String {
        "\(podDirectory)/containers/\(container)/\(restartCount)"
    }

    /// Creates and starts an instance.
    /// - Returns: its container ID.
    func start(plan: ContainerLaunchPlan, imageRootfs: String, bundle: String, name: String, logPath: String) async throws(RuntimeError) -> String {
        let id = Self.newID()
        do {
            try FileIO.makeDirectories(bundle + "/upper", mode: 0o755)
            try FileIO.makeDirectories(bundle + "/work", mode: 0o755)
            try FileIO.makeDirectories(bundle + "/rootfs", mode: 0o755)
            try FileIO.makeDirectories((logPath as NSString).deletingLastPathComponent, mode: 0o755)
            try FileIO.makeDirectories(paths.exits, mode: 0o755)
            try FileIO.makeDirectories(Self.socketDirectory(root: paths.root), mode: 0o700)
            try mounter.mount("overlay", at: bundle + "/rootfs", type: "overlay", flags: [],
                              options: "lowerdir=\(imageRootfs),upperdir=\(bundle)/upper,workdir=\(bundle)/work")
            var plan = plan
            plan.rootfs = bundle + "/rootfs"
            if plan.terminationLogPath != nil {
                plan.terminationLogPath = bundle + "/termination-log"
                close(try FileIO.open(bundle + "/termination-log", O_WRONLY | O_CREAT, mode: 0o666))
            }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            try FileIO.writeAtomically(bundle + "/config.json", Array(try encoder.encode(OCISpecBuilder.spec(for: plan))))
        } catch let error as RuntimeError {
            throw error
        } catch {
            throw RuntimeError("prepare container \(name)", "\(error)")
        }
        let launch = Conmon.Launch(id: id, name: name, bundle: bundle, logPath: logPath, exitDirectory: paths.exits,
                                   socketDirectory: Self.socketDirectory(root: paths.root))
        _ = try await conmon.create(launch)
        do {
            try await runtime.start(id)
        } catch {
            try? await runtime.delete(id, force: true)
            throw error
        }
        return id
    }

    /// A short directory for conmon's attach sockets (a socket path is at most 108 bytes).
    static func socketDirectory(root: String) -> String {
        var hash: UInt64 = 1469598103934665603
        for byte in root.utf8 { hash = (hash ^ UInt64(byte)) &* 1099511628211 }
        return "/run/ballast/" + String(hash, radix: 16)
    }

    /// The exit code conmon wrote for `id`, and when, or nil while it runs.
    func exitStatus(_ id: String) -> (code: Int32, finishedAt: Date)? {
        let path = paths.exits + "/" + id
        guard let text = (try? FileIO.readText(path)) ?? nil,
              let code = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)) else { return nil }
        var status = stat()
        let finished = stat(path, &status) == 0 ? Date(timeIntervalSince1970: TimeInterval(status.st_mtim.tv_sec)) : Date()
        return (code, finished)
    }

    /// Whether the instance's process still exists (its conmon may have been lost with a
    /// reboot): false if the runtime does not know it or says it stopped.
    /// What the runtime knows of an instance whose exit file is not there (yet).
    enum Presence {
        case alive
        /// Ended: conmon writes its exit file a moment after the runtime sees the process end.
        case ended
        /// The runtime has no record of it (a reboot lost it).
        case lost
        /// Its state could not be read this time.
        case unknown
    }

    func presence(_ id: String) async -> Presence {
        do {
            guard let state = try await runtime.state(id) else { return .lost }
            return ["running", "created", "paused"].contains(state.status) ? .alive : .ended
        } catch {
            return .unknown
        }
    }

    func isAlive(_ id: String) async -> Bool {
        guard let state = try? await runtime.state(id) else { return false }
        return state.status == "running" || state.status == "created" || state.status == "paused"
    }

    /// Stops an instance: SIGTERM (or the image's stop signal), up to `grace`, then SIGKILL
    /// to every process in it; waits for conmon's exit file.
    func stop(_ id: String, grace: Duration, stopSignal: Int32 = SIGTERM) async {
        guard exitStatus(id) == nil else { return }
        try? await runtime.kill(id, signal: stopSignal, all: false)
        let deadline = ContinuousClock.now + grace
        while ContinuousClock.now < deadline {
            if exitStatus(id) != nil { return }
            if !(await isAlive(id)) { return }
            try? await Task.sleep(for: .milliseconds(100))
        }
        try? await runtime.kill(id, signal: SIGKILL, all: true)
        let killDeadline = ContinuousClock.now + .seconds(10)
        while ContinuousClock.now < killDeadline, exitStatus(id) == nil, await isAlive(id) {
            try? await Task.sleep(for: .milliseconds(100))
        }
    }

    /// Removes a stopped instance: the runtime's state, the overlay and the bundle, and
    /// the exit file. The termination message is read first.
    /// - Returns: the termination message the container wrote, if any.
    @discardableResult
    func remove(_ id: String?, bundle: String) async throws(RuntimeError) -> String? {
        if let id { try await runtime.delete(id, force: true) }
        let message = ((try? FileIO.readText(bundle + "/termination-log")) ?? nil).flatMap { $0.isEmpty ? nil : String($0.prefix(4096)) }
        do {
            let rootfs = bundle + "/rootfs"
            if FileIO.exists(rootfs) {
                while try mounter.isMountPoint(rootfs) { try mounter.unmount(rootfs, lazy: false) }
            }
            try TreeRemoval.remove(bundle, mounter: mounter)
        } catch {
            throw RuntimeError("remove container bundle \(bundle)", "\(error)")
        }
        if let id { unlink(paths.exits + "/" + id) }
        return message
    }

    /// A new 64-hex-digit container ID.
    static func newID() -> String {
        (0..<4).map { _ in
            let text = String(UInt64.random(in: 0...UInt64.max), radix: 16)
            return String(repeating: "0", count: 16 - text.count) + text
        }.joined()
    }
}
