import BallastStore
import Foundation
import Synchronization

/// Keeps the rest of a paginated list so every page comes from the same snapshot, as
/// Kubernetes' continue tokens promise. Snapshots expire after `lifetime`.
final class ListPager: Sendable {
    private struct Snapshot {
        var items: ArraySlice<StoredObject>
        var revision: Int64
        var created: Date
    }

    private let snapshots = Mutex<[String: Snapshot]>([:])
    private let lifetime: TimeInterval

    init(lifetime: TimeInterval = 300) { self.lifetime = lifetime }

    /// Saves the remainder and returns its continue token.
    func save(_ rest: ArraySlice<StoredObject>, revision: Int64) -> String {
        let id = UUID().uuidString.lowercased()
        let now = Date()
        snapshots.withLock { all in
            all = all.filter { now.timeIntervalSince($0.value.created) < lifetime }
            all[id] = Snapshot(items: rest, revision: revision, created: now)
        }
        return Data("\(revision):\(id)".utf8).base64EncodedString()
    }

    /// The remainder saved under `token` and its revision; nil when unknown or expired.
    func take(_ token: String) -> (items: ArraySlice<StoredObject>, revision: Int64)? {
        guard let data = Data(base64Encoded: token), let text = String(data: data, encoding: .utf8) else { return nil }
        let parts = text.split(separator: ":", maxSplits: 1)
        guard parts.count == 2 else { return nil }
        let id = String(parts[1])
        return snapshots.withLock { all in
            guard let snapshot = all.removeValue(forKey: id), Date().timeIntervalSince(snapshot.created) < lifetime else { return nil }
            return (snapshot.items, snapshot.revision)
        }
    }
}
