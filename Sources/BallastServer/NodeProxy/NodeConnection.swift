import Foundation
import Glibc
import Synchronization

/// One HTTP/1.0 request to a node agent's endpoint over a plain TCP socket, on a thread of
/// its own (a followed log can stay open for hours).
final class NodeConnection: Sendable {
    private let descriptor: Int32
    /// Whether the descriptor is closed: after that its number may belong to another file.
    private let closed = Mutex(false)

    private init(descriptor: Int32) { self.descriptor = descriptor }

    /// Connects to `host`:`port`, sends the request and reads the status line and headers.
    /// - Returns: the connection, the status code and any body bytes read with the headers.
    static func open(host: String, port: Int, method: String = "GET", path: String, token: String) async throws(NodeConnectionError) -> (NodeConnection, Int, [UInt8]) {
        let result: Result<(NodeConnection, Int, [UInt8]), NodeConnectionError> = await withCheckedContinuation { continuation in
            let thread = Thread { continuation.resume(returning: connect(host: host, port: port, method: method, path: path, token: token)) }
            thread.start()
        }
        return try result.get()
    }

    private static func connect(host: String, port: Int, method: String, path: String, token: String) -> Result<(NodeConnection, Int, [UInt8]), NodeConnectionError> {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { return .failure(NodeConnectionError("socket: \(String(cString: strerror(errno)))")) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(clamping: port).bigEndian)
        guard inet_pton(AF_INET, host, &address.sin_addr) == 1 else {
            Glibc.close(descriptor)
            return .failure(NodeConnectionError("the node's address \(host) is not an IPv4 address"))
        }
        var timeout = timeval(tv_sec: 30, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            let message = String(cString: strerror(errno))
            Glibc.close(descriptor)
            return .failure(NodeConnectionError("dial tcp \(host):\(port): \(message)"))
        }
        let connection = NodeConnection(descriptor: descriptor)
        let request = "\(method) \(path) HTTP/1.0\r\nHost: \(host):\(port)\r\nAuthorization: Bearer \(token)\r\n\r\n"
        guard connection.send(Array(request.utf8)) else {
            connection.close()
            return .failure(NodeConnectionError("cannot send the request to \(host):\(port)"))
        }
        var received: [UInt8] = []
        while true {
            if let end = headerEnd(received) {
                let head = String(decoding: received[..<end], as: UTF8.self)
                let parts = head.split(separator: " ", maxSplits: 2)
                guard parts.count >= 2, let code = Int(parts[1]) else {
                    connection.close()
                    return .failure(NodeConnectionError("malformed answer from the node"))
                }
                return .success((connection, code, Array(received[(end + 4)...])))
            }
            guard let chunk = connection.read(), received.count < 65536 else {
                connection.close()
                return .failure(NodeConnectionError("the node closed the connection before answering"))
            }
            received += chunk
        }
    }

    private static func headerEnd(_ bytes: [UInt8]) -> Int? {
        guard bytes.count >= 4 else { return nil }
        for index in 0...(bytes.count - 4) where bytes[index] == 13 && bytes[index + 1] == 10 && bytes[index + 2] == 13 && bytes[index + 3] == 10 {
            return index
        }
        return nil
    }

    /// The next bytes, or nil at the end (blocking).
    func read() -> [UInt8]? {
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = chunk.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if count < 0 && errno == EINTR { continue }
            return count > 0 ? Array(chunk[0..<count]) : nil
        }
    }

    /// Everything up to the end (blocking).
    func readAll(limit: Int = 512 << 20) -> [UInt8] {
        var bytes: [UInt8] = []
        while bytes.count < limit, let chunk = read() { bytes += chunk }
        return bytes
    }

    func send(_ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes.withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress.map { $0 + offset }, $0.count - offset, Int32(MSG_NOSIGNAL)) }
            if sent < 0 {
                if errno == EINTR { continue }
                return false
            }
            offset += sent
        }
        return true
    }

    /// Wakes a blocked reader (it then sees the end).
    func cancel() {
        closed.withLock { if !$0 { _ = shutdown(descriptor, Int32(SHUT_RDWR)) } }
    }

    /// Closes the socket (once).
    func close() {
        closed.withLock {
            if !$0 { _ = Glibc.close(descriptor) }
            $0 = true
        }
    }
}

/// A node could not be reached or answered badly.
struct NodeConnectionError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
