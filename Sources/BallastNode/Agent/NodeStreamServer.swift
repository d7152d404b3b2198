import BallastMetrics
import Foundation
import Glibc
import Logging
import Synchronization

/// The agent's endpoint for `kubectl logs` and `kubectl exec`, reached only through the API
/// server's pods/log and pods/exec proxies: `GET /containerLogs/{namespace}/{pod}/{container}`
/// with the kubelet's query parameters (previous, timestamps, tailLines, limitBytes, follow),
/// answered in HTTP/1.0 with the text as the body; `POST /exec/{namespace}/{pod}/{container}`
/// with command (repeated), stdin and tty, answered with `200` and then `ExecStreamFrame`s
/// both ways; `GET /metrics` with the agent's metrics in the Prometheus text format
/// (reached through nodes/{name}/proxy/metrics); `GET /storage/inventory` and
/// `DELETE /storage/lvm/VG/LV` or `/storage/local-path/NAME` (`NodeStorageEndpoint`, for
/// `ballast storage orphans`). Requests must carry the node's proxy token (a bearer token the
/// agent keeps in a kube-system Secret only cluster admins and the API server read).
///
/// Blocking sockets on threads of their own: a log stream is a long, slow transfer, and the
/// cooperative pool must never wait on one.
final class NodeStreamServer: Sendable {
    let port: Int
    private let listener: Int32
    private let token: String
    private let reader: ContainerLogReader
    private let exec: ContainerExecSession
    private let metrics: @Sendable () -> String
    private let storage: NodeStorageEndpoint?
    private let logger: Logger

    /// Listens on `address`:`port` (0 picks a free port).
    init(address: String, port: Int, token: String, paths: NodePaths, exec: ContainerExecSession, metrics: @escaping @Sendable () -> String,
         storage: NodeStorageEndpoint? = nil, logger: Logger) throws(RuntimeError) {
        let socketDescriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard socketDescriptor >= 0 else { throw RuntimeError("socket", String(cString: strerror(errno))) }
        var yes: Int32 = 1
        setsockopt(socketDescriptor, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var socketAddress = sockaddr_in()
        socketAddress.sin_family = sa_family_t(AF_INET)
        socketAddress.sin_port = in_port_t(UInt16(port).bigEndian)
        socketAddress.sin_addr.s_addr = inet_addr(address)
        let bound = withUnsafePointer(to: &socketAddress) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socketDescriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(socketDescriptor, 64) == 0 else {
            let message = String(cString: strerror(errno))
            close(socketDescriptor)
            throw RuntimeError("listen on \(address):\(port)", message)
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &socketAddress) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(socketDescriptor, $0, &length) }
        }
        self.port = Int(UInt16(bigEndian: socketAddress.sin_port))
        self.listener = socketDescriptor
        self.token = token
        self.reader = ContainerLogReader(paths: paths)
        self.exec = exec
        self.metrics = metrics
        self.storage = storage
        self.logger = logger
    }

    /// Accepts connections on a thread of its own until `stop()`.
    func start() {
        let thread = Thread { [self] in
            while true {
                let connection = accept(listener, nil, nil)
                if connection < 0 {
                    if errno == EINTR || errno == ECONNABORTED { continue }
                    return
                }
                _ = fcntl(connection, F_SETFD, FD_CLOEXEC)
                let worker = Thread { [self] in
                    serve(connection)
                    close(connection)
                }
                worker.start()
            }
        }
        thread.start()
    }

    /// Stops accepting connections.
    func stop() {
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
    }

    private func serve(_ connection: Int32) {
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(connection, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var request: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while request.count < 16384, !Self.endsHeader(request) {
            let count = chunk.withUnsafeMutableBytes { recv(connection, $0.baseAddress, $0.count, 0) }
            if count <= 0 { return }
            request += chunk[0..<count]
        }
        let text = String(decoding: request, as: UTF8.self)
        let lines = text.components(separatedBy: "\r\n")
        let parts = lines.first?.split(separator: " ") ?? []
        guard parts.count >= 2, ["GET", "POST", "DELETE"].contains(parts[0]) else { return respond(connection, 405, "only GET, POST and DELETE are served") }
        let authorization = lines.dropFirst().first { $0.lowercased().hasPrefix("authorization:") }
        let presented = authorization.map { String($0.dropFirst("authorization:".count)).trimmingCharacters(in: .whitespaces) } ?? ""
        guard Self.constantTimeEqual(presented, "Bearer " + token) else { return respond(connection, 401, "Unauthorized") }

        let target = String(parts[1])
        let pathPart = String(target.split(separator: "?", maxSplits: 1).first ?? "")
        var pairs: [(String, String)] = []
        if let queryPart = target.split(separator: "?", maxSplits: 1).dropFirst().first {
            for pair in queryPart.split(separator: "&") {
                let keyValue = pair.split(separator: "=", maxSplits: 1).map { String($0).removingPercentEncoding ?? String($0) }
                pairs.append((keyValue[0], keyValue.count > 1 ? keyValue[1] : ""))
            }
        }
        let query = Dictionary(pairs, uniquingKeysWith: { first, _ in first })
        let segments = pathPart.split(separator: "/").map { String($0).removingPercentEncoding ?? String($0) }
        if parts[0] == "POST", segments.count == 4, segments[0] == "exec" {
            let request = ContainerExecSession.Request(namespace: segments[1], pod: segments[2], container: segments[3],
                                                       command: pairs.filter { $0.0 == "command" }.map(\.1),
                                                       stdin: query["stdin"] == "true", tty: query["tty"] == "true")
            return serveExec(request, connection: connection)
        }
        if parts[0] == "GET", segments == ["metrics"] {
            let body = Array(metrics().utf8)
            _ = Self.send(connection, Array("HTTP/1.0 200 OK\r\nContent-Type: \(PrometheusText.contentType)\r\nContent-Length: \(body.count)\r\n\r\n".utf8) + body)
            return
        }
        if segments.first == "storage", let storage {
            return serveStorage(storage, method: String(parts[0]), segments: segments, connection: connection)
        }
        guard parts[0] == "GET", segments.count == 4, segments[0] == "containerLogs" else { return respond(connection, 404, "not found") }
        var options = ContainerLogReader.Options()
        options.previous = query["previous"] == "true"
        options.timestamps = query["timestamps"] == "true"
        options.follow = query["follow"] == "true"
        options.tailLines = query["tailLines"].flatMap { Int($0) }.map { max(0, $0) }
        options.limitBytes = query["limitBytes"].flatMap { Int($0) }
        let located: (file: String, podDirectory: String, restartCount: Int32)
        do {
            located = try reader.locate(namespace: segments[1], pod: segments[2], container: segments[3], previous: options.previous)
        } catch {
            return respond(connection, error.code, error.message)
        }
        let (body, offset) = ContainerLogReader.read(located.file, options: options)
        guard Self.send(connection, Array("HTTP/1.0 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n".utf8)),
              Self.send(connection, body) else { return }
        if options.follow && !options.previous {
            follow(connection, file: located.file, from: offset, container: segments[3], podDirectory: located.podDirectory,
                   restartCount: located.restartCount, timestamps: options.timestamps)
        }
    }

    /// Runs the storage endpoint's async work to its end on this connection's own thread
    /// (never a thread of the cooperative pool).
    private func serveStorage(_ storage: NodeStorageEndpoint, method: String, segments: [String], connection: Int32) {
        let done = DispatchSemaphore(value: 0)
        let result = Mutex<NodeStorageEndpoint.Reply?>(nil)
        Task {
            let reply = await storage.serve(method: method, segments: segments)
            result.withLock { $0 = reply }
            done.signal()
        }
        done.wait()
        let reply = result.withLock { $0 } ?? NodeStorageEndpoint.Reply(status: 500, body: "no answer")
        if method == "DELETE" {
            logger.notice("storage purge", metadata: ["path": "\(segments.joined(separator: "/"))", "status": "\(reply.status)"])
        }
        let body = Array(reply.body.utf8)
        let type = reply.json ? "application/json" : "text/plain; charset=utf-8"
        _ = Self.send(connection, Array("HTTP/1.0 \(reply.status) \(Self.reason(reply.status))\r\nContent-Type: \(type)\r\nContent-Length: \(body.count)\r\n\r\n".utf8) + body)
    }

    private func serveExec(_ request: ContainerExecSession.Request, connection: Int32) {
        let located: (id: String, process: ContainerExecSession.ProcessSettings)
        do {
            located = try exec.locate(request)
        } catch {
            return respond(connection, error.code, error.message)
        }
        // The session may idle for hours (an interactive shell).
        var noTimeout = timeval(tv_sec: 0, tv_usec: 0)
        setsockopt(connection, SOL_SOCKET, SO_RCVTIMEO, &noTimeout, socklen_t(MemoryLayout<timeval>.size))
        guard Self.send(connection, Array("HTTP/1.0 200 OK\r\nContent-Type: application/octet-stream\r\n\r\n".utf8)) else { return }
        logger.info("exec", metadata: ["pod": "\(request.namespace)/\(request.pod)", "container": "\(request.container)"])
        exec.run(request, id: located.id, process: located.process, connection: connection)
    }

    /// Streams what is appended to `file` until the container instance has ended (and its
    /// output is drained) or the client goes away.
    private func follow(_ connection: Int32, file: String, from start: Int, container: String, podDirectory: String,
                        restartCount: Int32, timestamps: Bool) {
        var offset = start
        var carry: [UInt8] = []
        while true {
            let bytes = Self.readFrom(file, offset: offset)
            if !bytes.isEmpty {
                offset += bytes.count
                let combined = carry + bytes
                let lastNewline = combined.lastIndex(of: UInt8(ascii: "\n")).map { $0 + 1 } ?? 0
                carry = Array(combined[lastNewline...])
                let output = ContainerLogReader.render(Array(combined[..<lastNewline]), timestamps: timestamps)
                if !output.isEmpty, !Self.send(connection, output) { return }
                continue
            }
            if instanceEnded(podDirectory: podDirectory, container: container, restartCount: restartCount) { return }
            // A peer that hung up shows as readable with nothing to read.
            var poller = pollfd(fd: connection, events: Int16(POLLIN), revents: 0)
            if poll(&poller, 1, 250) > 0 {
                var probe: UInt8 = 0
                if recv(connection, &probe, 1, Int32(MSG_DONTWAIT)) == 0 { return }
            }
        }
    }

    private func instanceEnded(podDirectory: String, container: String, restartCount: Int32) -> Bool {
        let path = "\(podDirectory)/containers/\(container)/record.json"
        guard let bytes = try? FileIO.read(path), let record = try? JSONDecoder().decode(ContainerRecord.self, from: Data(bytes)) else {
            return !FileIO.exists(podDirectory)
        }
        // The record is saved just after a new instance starts, so it may still describe the
        // one before: only a later instance, or this one's exit, ends the stream.
        return record.restartCount > restartCount || (record.restartCount == restartCount && record.exit != nil)
    }

    private static func readFrom(_ file: String, offset: Int) -> [UInt8] {
        let descriptor = open(file, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return [] }
        defer { close(descriptor) }
        guard lseek(descriptor, off_t(offset), SEEK_SET) == off_t(offset) else { return [] }
        return (try? FileIO.readAll(descriptor, path: file, limit: 1 << 20)) ?? []
    }

    private func respond(_ connection: Int32, _ code: Int, _ message: String) {
        _ = Self.send(connection, Array("HTTP/1.0 \(code) \(Self.reason(code))\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n\(message)".utf8))
    }

    private static func reason(_ code: Int) -> String {
        [200: "OK", 400: "Bad Request", 401: "Unauthorized", 404: "Not Found", 405: "Method Not Allowed", 409: "Conflict",
         503: "Service Unavailable"][code] ?? "Error"
    }

    /// Writes all of `bytes`; false when the peer is gone.
    static func send(_ connection: Int32, _ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes.withUnsafeBytes { Glibc.send(connection, $0.baseAddress.map { $0 + offset }, $0.count - offset, Int32(MSG_NOSIGNAL)) }
            if sent < 0 {
                if errno == EINTR { continue }
                return false
            }
            offset += sent
        }
        return true
    }

    private static func endsHeader(_ bytes: [UInt8]) -> Bool {
        bytes.count >= 4 && Array(bytes.suffix(4)) == [13, 10, 13, 10]
    }

    private static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let left = Array(a.utf8), right = Array(b.utf8)
        guard left.count == right.count else { return false }
        var difference: UInt8 = 0
        for index in left.indices { difference |= left[index] ^ right[index] }
        return difference == 0
    }
}
