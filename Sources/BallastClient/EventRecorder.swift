public import BallastAPI
import Foundation
import Synchronization

/// Records core/v1 Events about objects, as client-go's event recorder does: an event
/// repeated within ten minutes bumps the count and lastTimestamp of the first one instead of
/// making another. Events are written in the order they were recorded, off the caller's path;
/// a failure to write one is dropped (events are best-effort, as upstream).
public final class EventRecorder: Sendable {
    private struct Key: Hashable {
        var uid: String
        var type: String
        var reason: String
        var message: String
    }

    private struct Seen {
        var name: String
        var namespace: String
        var count: Int32
        var first: Time
        var last: Date
    }

    private let client: KubeClient
    private let component: String
    private let host: String
    private let seen = Mutex<[Key: Seen]>([:])
    private let progress = Progress()

    /// How many events were recorded and written, shared with the writer task.
    private final class Progress: Sendable {
        let counts = Mutex<(recorded: Int, written: Int)>((0, 0))
    }
    private let pending: AsyncStream<Event>.Continuation
    private let writer: Task<Void, Never>

    public static let normal = "Normal"
    public static let warning = "Warning"

    /// - Parameters:
    ///   - component: source.component and reportingComponent ("persistentvolume-controller").
    ///   - host: source.host (a node agent's node name).
    public init(client: KubeClient, component: String, host: String = "") {
        self.client = client
        self.component = component
        self.host = host
        let (stream, continuation) = AsyncStream<Event>.makeStream()
        pending = continuation
        let progress = self.progress
        writer = Task { [client] in
            for await event in stream {
                await EventRecorder.write(event, client: client)
                progress.counts.withLock { $0.written += 1 }
            }
        }
    }

    deinit {
        pending.finish()
    }

    /// Records an event about `object`.
    public func record<T: APIResource>(_ object: T, type: String, reason: String, message: String) {
        let reference = ObjectReference(kind: T.gvk.kind, namespace: T.resource.namespaced ? object.namespace : nil, name: object.name,
                                        uid: object.uid, apiVersion: T.gvk.apiVersion, resourceVersion: object.metadata.resourceVersion)
        record(about: reference, type: type, reason: reason, message: message)
    }

    /// Records an event about the object `reference` points at.
    public func record(about reference: ObjectReference, type: String, reason: String, message: String) {
        let now = Date()
        let key = Key(uid: reference.uid ?? "\(reference.kind ?? "")/\(reference.namespace ?? "")/\(reference.name ?? "")",
                      type: type, reason: reason, message: message)
        let namespace = (reference.namespace ?? "").isEmpty ? "default" : reference.namespace ?? "default"
        let event = seen.withLock { seen -> Event in
            let stamp = Time(Date(timeIntervalSince1970: now.timeIntervalSince1970.rounded(.down)))
            if var earlier = seen[key], now.timeIntervalSince(earlier.last) < 600 {
                earlier.count += 1
                earlier.last = now
                seen[key] = earlier
                return makeEvent(name: earlier.name, namespace: earlier.namespace, reference: reference, type: type, reason: reason,
                                 message: message, count: earlier.count, first: earlier.first, last: stamp)
            }
            if seen.count > 4096 { seen = seen.filter { now.timeIntervalSince($0.value.last) < 600 } }
            let name = "\(reference.name ?? "object").\(String(UInt64(now.timeIntervalSince1970 * 1_000_000_000), radix: 16))\(String(UInt16.random(in: 0...0xFFFF), radix: 16))"
            seen[key] = Seen(name: name, namespace: namespace, count: 1, first: stamp, last: now)
            return makeEvent(name: name, namespace: namespace, reference: reference, type: type, reason: reason, message: message,
                             count: 1, first: stamp, last: stamp)
        }
        progress.counts.withLock { $0.recorded += 1 }
        pending.yield(event)
    }

    private func makeEvent(name: String, namespace: String, reference: ObjectReference, type: String, reason: String, message: String,
                           count: Int32, first: Time, last: Time) -> Event {
        var event = Event(metadata: ObjectMeta(name: name, namespace: namespace))
        event.involvedObject = reference
        event.reason = reason
        event.message = message
        event.type = type
        event.count = count
        event.firstTimestamp = first
        event.lastTimestamp = last
        event.source = EventSource(component: component, host: host.isEmpty ? nil : host)
        event.reportingComponent = component
        event.reportingInstance = host
        return event
    }

    private static func write(_ event: Event, client: KubeClient) async {
        if (event.count ?? 1) > 1 {
            let patch: JSONValue = ["count": .int(Int64(event.count ?? 1)), "lastTimestamp": .string(event.lastTimestamp?.description ?? "")]
            if (try? await client.patch(Event.self, namespace: event.namespace, name: event.name, patch: patch)) != nil { return }
        }
        _ = try? await client.create(event)
    }

    /// Waits until every event recorded so far has been written (tests, shutdown).
    public func flush() async {
        let target = progress.counts.withLock { $0.recorded }
        while progress.counts.withLock({ $0.written }) < target {
            try? await Task.sleep(nanoseconds: 5_000_000)
        }
    }
}
