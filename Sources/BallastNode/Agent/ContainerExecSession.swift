import BallastAPI
import BallastStorage
import Foundation
import Glibc

/// One `kubectl exec` on this node: the runtime's `exec` verb run as the container's own
/// user, its standard streams relayed as `ExecStreamFrame`s over the API server's
/// connection, and a closing `Status` with the exit code. Runs on the connection's thread.
///
/// With a terminal (`kubectl exec -t`) the command gets a pseudo-terminal of the agent's on
/// all three streams, and resize frames set its size.
struct ContainerExecSession {
    let runtime: any OCIRuntime
    let paths: NodePaths

    struct Request {
        var namespace: String
        var pod: String
        var container: String
        var command: [String]
        var stdin: Bool
        var tty: Bool
    }

    /// What could not be started, with the HTTP code the agent answers.
    struct Refusal: Error {
        var code: Int
        var message: String
    }

    /// The running container's runtime ID and its process's user and environment.
    func locate(_ request: Request) throws(Refusal) -> (id: String, process: ProcessSettings) {
        guard !request.command.isEmpty else { throw Refusal(code: 400, message: "you must specify at least one command for the container") }
        for uid in (try? FileIO.entries(paths.pods)) ?? [] {
            let podDirectory = paths.pod(uid)
            guard let pod = PodWorker.savedPod(podDirectory: podDirectory), pod.namespace == request.namespace, pod.name == request.pod,
                  let bytes = try? FileIO.read("\(podDirectory)/containers/\(request.container)/record.json"),
                  let record = try? JSONDecoder().decode(ContainerRecord.self, from: Data(bytes)), record.isRunning, let id = record.id
            else { continue }
            let bundle = ContainerRunner.bundle(podDirectory: podDirectory, container: request.container, restartCount: record.restartCount)
            return (id, ProcessSettings(bundle: bundle))
        }
        throw Refusal(code: 400, message: "container \(request.container) is not running in pod \(request.pod) on this node")
    }

    /// The user ("uid:gid") and environment of the container's process, from its OCI config
    /// (root and no variables when unreadable): an exec runs as the container does.
    struct ProcessSettings {
        var user = "0:0"
        var environment: [String] = []

        init(bundle: String) {
            struct Config: Decodable {
                struct Process: Decodable {
                    struct User: Decodable {
                        var uid: UInt32
                        var gid: UInt32
                    }
                    var user: User?
                    var env: [String]?
                }
                var process: Process?
            }
            guard let bytes = try? FileIO.read(bundle + "/config.json"), let config = try? JSONDecoder().decode(Config.self, from: Data(bytes))
            else { return }
            if let user = config.process?.user { self.user = "\(user.uid):\(user.gid)" }
            environment = config.process?.env ?? []
        }
    }

    /// Runs the command and relays its streams until it exits; then sends the Status.
    func run(_ request: Request, id: String, process: ProcessSettings, connection: Int32) {
        let sender = FrameSender(connection: connection)
        // crun's --env replaces the environment rather than adding to it: pass the
        // container's own variables along with the terminal's.
        let environment = request.tty ? (process.environment.filter { !$0.hasPrefix("TERM=") } + ["TERM=xterm"]).flatMap { ["--env", $0] } : []
        let arguments = runtime.globalArguments + ["exec", "--user", process.user] + environment + [id] + request.command
        // kubectl sends a terminal's size first thing: start the command at that size, not
        // at 0x0 with the size arriving a moment later.
        var early: [ExecStreamFrame] = []
        var received: [UInt8] = []
        if request.tty { (early, received) = Self.readUntilResize(connection, within: 2) }
        let child: ExecChild
        do {
            child = try ExecChild.spawn(runtime.executable, arguments, stdin: request.stdin, tty: request.tty,
                                        size: early.last { $0.stream == .resize }?.payload)
        } catch {
            sender.send(ExecStreamFrame(.status, Self.encode(ExecStatus.failed("cannot run \(runtime.kind) exec: \(error)"))))
            return
        }
        for frame in early { child.deliver(frame) }
        relay(child, connection: connection, sender: sender, received: received)
        let code = child.wait()
        sender.send(ExecStreamFrame(.status, Self.encode(ExecStatus.exited(code, command: request.command))))
    }

    /// Moves bytes both ways until the command's output streams end.
    /// The frames that arrive until the first resize (or for `seconds`), and any bytes of a
    /// frame not yet complete.
    private static func readUntilResize(_ connection: Int32, within seconds: Double) -> ([ExecStreamFrame], [UInt8]) {
        var frames: [ExecStreamFrame] = []
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        let deadline = Date().addingTimeInterval(seconds)
        while !frames.contains(where: { $0.stream == .resize }) {
            let left = Int32(max(0, deadline.timeIntervalSinceNow) * 1000)
            var polled = pollfd(fd: connection, events: Int16(POLLIN), revents: 0)
            guard left > 0, poll(&polled, 1, left) > 0 else { break }
            let count = buffer.withUnsafeMutableBytes { read(connection, $0.baseAddress, $0.count) }
            guard count > 0 else { break }
            received += buffer[0..<count]
            guard let decoded = try? ExecStreamFrame.decode(from: &received) else { break }
            frames += decoded
        }
        return (frames, received)
    }

    private func relay(_ child: ExecChild, connection: Int32, sender: FrameSender, received alreadyReceived: [UInt8]) {
        var peerOpen = true
        var outputs: [(descriptor: Int32, stream: ExecStreamFrame.Stream)] = child.outputs
        var received = alreadyReceived
        var buffer = [UInt8](repeating: 0, count: 65536)
        while !outputs.isEmpty {
            var polled = outputs.map { pollfd(fd: $0.descriptor, events: Int16(POLLIN), revents: 0) }
            if peerOpen { polled.append(pollfd(fd: connection, events: Int16(POLLIN), revents: 0)) }
            guard poll(&polled, nfds_t(polled.count), -1) >= 0 || errno == EINTR else { break }
            for entry in polled where entry.revents != 0 {
                let count = buffer.withUnsafeMutableBytes { read(entry.fd, $0.baseAddress, $0.count) }
                if count < 0 && errno == EINTR { continue }
                if entry.fd == connection && peerOpen {
                    guard count > 0 else {
                        // The client went away: the command sees the end of its input.
                        peerOpen = false
                        child.closeInput()
                        continue
                    }
                    received += buffer[0..<count]
                    guard let frames = try? ExecStreamFrame.decode(from: &received) else {
                        peerOpen = false
                        child.closeInput()
                        continue
                    }
                    for frame in frames { child.deliver(frame) }
                } else if let output = outputs.first(where: { $0.descriptor == entry.fd }) {
                    // A terminal's end reads as EIO once the command has exited.
                    guard count > 0 else {
                        close(entry.fd)
                        outputs.removeAll { $0.descriptor == entry.fd }
                        continue
                    }
                    if !sender.send(ExecStreamFrame(output.stream, Array(buffer[0..<count]))) { peerOpen = false }
                }
            }
        }
    }

    private static func encode(_ status: Status) -> [UInt8] {
        (try? Array(JSONEncoder().encode(status))) ?? Array(#"{"status":"Failure"}"#.utf8)
    }
}

/// Writes whole frames to the API server's connection.
private struct FrameSender {
    let connection: Int32

    @discardableResult
    func send(_ frame: ExecStreamFrame) -> Bool { NodeStreamServer.send(connection, frame.encoded) }
}
