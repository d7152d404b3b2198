import Foundation
import Synchronization

/// What a controller has asked the API for and not yet seen in its informer, per owner
/// (ControllerExpectations and UIDTrackingControllerExpectations upstream).
///
/// A controller that creates three pods and syncs again before its pod informer shows
/// them would otherwise create three more. It records the names it creates and deletes;
/// the pod handlers report what they see; until every name is observed (or a timeout
/// passes, in case an event was lost) the owner is not "satisfied" and the controller
/// only reports status instead of creating or deleting again.
final class Expectations: Sendable {
    private struct Pending {
        var creations: Set<String> = []
        var deletions: Set<String> = []
        var since = Date()
    }

    private let state = Mutex<[String: Pending]>([:])
    private let timeout: TimeInterval

    /// - Parameter timeout: how long unobserved expectations hold (upstream: 5 minutes).
    init(timeout: TimeInterval = 300) {
        self.timeout = timeout
    }

    /// Records objects about to be created for `owner`.
    func expectCreations(_ owner: String, names: [String]) {
        guard !names.isEmpty else { return }
        state.withLock { all in
            var pending = all[owner] ?? Pending()
            pending.creations.formUnion(names)
            pending.since = Date()
            all[owner] = pending
        }
    }

    /// Records objects about to be deleted for `owner`.
    func expectDeletions(_ owner: String, names: [String]) {
        guard !names.isEmpty else { return }
        state.withLock { all in
            var pending = all[owner] ?? Pending()
            pending.deletions.formUnion(names)
            pending.since = Date()
            all[owner] = pending
        }
    }

    /// The informer showed `name` (or its creation failed, so it never will).
    func creationObserved(_ owner: String, name: String) {
        state.withLock { all in
            all[owner]?.creations.remove(name)
            if all[owner].map({ $0.creations.isEmpty && $0.deletions.isEmpty }) == true { all[owner] = nil }
        }
    }

    /// The informer showed `name` gone or terminating (or its deletion failed).
    func deletionObserved(_ owner: String, name: String) {
        state.withLock { all in
            all[owner]?.deletions.remove(name)
            if all[owner].map({ $0.creations.isEmpty && $0.deletions.isEmpty }) == true { all[owner] = nil }
        }
    }

    /// Whether nothing is outstanding for `owner`. `lookup` tells what the informer holds
    /// under a name (nil: nothing); a name it shows is an observed creation, a name it no
    /// longer shows (or shows terminating) an observed deletion, so an event handled before
    /// the expectation was recorded is not waited for. Expired expectations are dropped.
    func satisfied(_ owner: String, lookup: (String) -> (present: Bool, deleting: Bool)) -> Bool {
        state.withLock { all in
            guard var pending = all[owner] else { return true }
            pending.creations = pending.creations.filter { !lookup($0).present }
            pending.deletions = pending.deletions.filter { name in
                let seen = lookup(name)
                return seen.present && !seen.deleting
            }
            if (pending.creations.isEmpty && pending.deletions.isEmpty) || Date().timeIntervalSince(pending.since) > timeout {
                all[owner] = nil
                return true
            }
            all[owner] = pending
            return false
        }
    }

    /// Forgets `owner` (it was deleted).
    func forget(_ owner: String) {
        state.withLock { _ = $0.removeValue(forKey: owner) }
    }
}
