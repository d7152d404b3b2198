import BallastAPI
import BallastStore
import Foundation

extension TypedEndpoint {
    /// A watch: JSON lines, one event per line, flushed as each happens. With a label or
    /// field selector an object that starts matching arrives as ADDED and one that stops
    /// matching as DELETED, as the apiserver's watch cache does.
    func watch(_ request: APIRequest, namespace: String?, server: ServerContext) throws(APIError) -> APIResponse {
        let (labels, fields) = try selectors(request)
        let matches: @Sendable (StoredObject) -> Bool = { labels.matches($0.labels) && fields.matches($0.fields) }
        let requested = request.query["resourceVersion"] ?? ""
        var initial: [StoredObject] = []
        let after: Int64
        if requested.isEmpty || requested == "0" {
            let listed = server.store.list(resource: T.resource.qualifiedName, namespace: namespace)
            initial = listed.items.filter(matches)
            after = listed.revision
        } else {
            guard let revision = Int64(requested) else {
                throw APIError.badRequest("invalid resourceVersion \"\(requested)\": must be an integer")
            }
            after = revision
        }
        let timeout = request.query["timeoutSeconds"].flatMap(Double.init) ?? Double.random(in: 1800...3600)
        let table = TableFormat.wanted(request) ? TableFormat.include(request) : nil
        let now = server.clock
        let source: WatchStream?
        let expired: APIError?
        do {
            source = try server.store.watch(resource: T.resource.qualifiedName, namespace: namespace, after: after)
            expired = nil
        } catch {
            source = nil
            expired = Self.storeFailure(error, name: "")
        }

        let (output, continuation) = AsyncStream<[UInt8]>.makeStream()
        let endpoint = self
        let task = Task {
            var wroteHeader = false
            func emit(_ type: String, _ object: StoredObject) {
                var line: [UInt8] = Array(#"{"type":""#.utf8) + Array(type.utf8) + Array(#"","object":"#.utf8)
                if let table {
                    guard let row = try? endpoint.tableRow(object, include: table, now: now()) else { return }
                    line += TableFormat.document(columns: wroteHeader ? nil : T.allTableColumns, rows: [row], resourceVersion: String(object.revision))
                    wroteHeader = true
                } else {
                    line += object.data
                }
                line += Array("}\n".utf8)
                continuation.yield(line)
            }
            if let expired {
                var line = Array(#"{"type":"ERROR","object":"#.utf8)
                line += APICodec.encode(expired.status)
                line += Array("}\n".utf8)
                continuation.yield(line)
                continuation.finish()
                return
            }
            for object in initial { emit("ADDED", object) }
            guard let source else { return }
            do {
                for try await event in source {
                    let now = event.object
                    let was = event.previous.map(matches) ?? false
                    switch event.kind {
                    case .added:
                        if matches(now) { emit("ADDED", now) }
                    case .modified:
                        let matchesNow = matches(now)
                        if matchesNow && was {
                            emit("MODIFIED", now)
                        } else if matchesNow {
                            emit("ADDED", now)
                        } else if was {
                            emit("DELETED", now)
                        }
                    case .deleted:
                        if was || matches(now) { emit("DELETED", now) }
                    }
                }
            } catch {
                // The store dropped a lagging watcher: end the stream; the client resumes.
            }
            continuation.finish()
        }
        let timer = Task {
            try? await Task.sleep(nanoseconds: UInt64(timeout * 1_000_000_000))
            continuation.finish()
        }
        continuation.onTermination = { _ in
            task.cancel()
            timer.cancel()
        }
        return APIResponse(status: 200, contentType: "application/json", body: .stream(output))
    }
}
