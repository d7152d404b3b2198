public import BallastAPI

/// One event of a watch.
public enum WatchEvent<T: APIResource>: Sendable {
    case added(T)
    case modified(T)
    case deleted(T)
    case bookmark(resourceVersion: String)

    public var object: T? {
        switch self {
        case .added(let object), .modified(let object), .deleted(let object): return object
        case .bookmark: return nil
        }
    }
}

extension KubeClient {
    /// Watches changes after `resourceVersion`. The stream ends when the server closes it;
    /// it throws `ClientError.status` with code 410 when the version is too old.
    public func watch<T: APIResource>(_ type: T.Type, namespace: String? = nil, resourceVersion: String, labelSelector: String? = nil,
                                      fieldSelector: String? = nil, timeoutSeconds: Int = 600) async throws(ClientError)
        -> AsyncThrowingStream<WatchEvent<T>, any Error>
    {
        var query: [(String, String)] = [("watch", "true"), ("resourceVersion", resourceVersion),
                                         ("allowWatchBookmarks", "true"), ("timeoutSeconds", String(timeoutSeconds))]
        if let labelSelector { query.append(("labelSelector", labelSelector)) }
        if let fieldSelector { query.append(("fieldSelector", fieldSelector)) }
        let response: StreamingResponse
        do {
            response = try await transport.stream(ClientRequest(method: "GET", path: Self.path(T.self, namespace: namespace), query: query))
        } catch {
            throw .transport("\(error)")
        }
        guard response.status == 200 else {
            var body: [UInt8] = []
            do {
                for try await chunk in response.body { body += chunk }
            } catch {}
            throw .status((try? APICodec.decode(Status.self, from: body)) ?? Status(status: "Failure", code: response.status))
        }
        let (events, continuation) = AsyncThrowingStream<WatchEvent<T>, any Error>.makeStream()
        let task = Task {
            var splitter = LineSplitter()
            do {
                for try await chunk in response.body {
                    for line in splitter.feed(chunk) {
                        if let event = try WatchLine.decode(T.self, line) { continuation.yield(event) }
                    }
                }
                continuation.finish()
            } catch {
                continuation.finish(throwing: error)
            }
        }
        continuation.onTermination = { _ in task.cancel() }
        return events
    }
}

/// Splits a byte stream into newline-terminated lines.
struct LineSplitter {
    private var pending: [UInt8] = []

    mutating func feed(_ chunk: [UInt8]) -> [[UInt8]] {
        pending += chunk
        var lines: [[UInt8]] = []
        var start = 0
        for index in pending.indices where pending[index] == 0x0A {
            if index > start { lines.append(Array(pending[start..<index])) }
            start = index + 1
        }
        pending.removeFirst(start)
        return lines
    }
}

enum WatchLine {
    private struct Envelope: Decodable { var type: String }
    private struct Typed<T: Decodable>: Decodable { var object: T }

    static func decode<T: APIResource>(_ type: T.Type, _ line: [UInt8]) throws -> WatchEvent<T>? {
        let envelope = try APICodec.decode(Envelope.self, from: line)
        switch envelope.type {
        case "ADDED": return .added(try APICodec.decode(Typed<T>.self, from: line).object)
        case "MODIFIED": return .modified(try APICodec.decode(Typed<T>.self, from: line).object)
        case "DELETED": return .deleted(try APICodec.decode(Typed<T>.self, from: line).object)
        case "BOOKMARK":
            let value = try JSONValue.parse(line)
            return .bookmark(resourceVersion: value[path: ["object", "metadata", "resourceVersion"]]?.stringValue ?? "")
        case "ERROR":
            throw ClientError.status(try APICodec.decode(Typed<Status>.self, from: line).object)
        default:
            return nil
        }
    }
}
