import BallastAPI

/// What the garbage collector knows of one object: who owns it and whether it is going.
struct GraphNode: Sendable {
    /// Index of the object's kind in the collector's kind list.
    var kind: Int
    var namespace: String
    var name: String
    var uid: String
    var owners: [OwnerReference]
    var deleting: Bool
    var finalizers: [String]
}

/// Every object with its owner references, indexed both ways, as the garbage collector's
/// dependency graph (kube-controller-manager's GraphBuilder).
struct OwnerGraph: Sendable {
    private(set) var nodes: [String: GraphNode] = [:]
    private var dependents: [String: Set<String>] = [:]

    /// Records the object's current state; returns the uids whose owners changed.
    mutating func upsert(_ node: GraphNode) {
        if let old = nodes[node.uid] {
            for owner in old.owners { dependents[owner.uid]?.remove(node.uid) }
        }
        nodes[node.uid] = node
        for owner in node.owners { dependents[owner.uid, default: []].insert(node.uid) }
    }

    mutating func remove(uid: String) {
        guard let old = nodes.removeValue(forKey: uid) else { return }
        for owner in old.owners {
            dependents[owner.uid]?.remove(uid)
            if dependents[owner.uid]?.isEmpty == true { dependents[owner.uid] = nil }
        }
    }

    func node(_ uid: String) -> GraphNode? { nodes[uid] }

    /// The objects that name `uid` as an owner.
    func dependents(of uid: String) -> [GraphNode] {
        (dependents[uid] ?? []).compactMap { nodes[$0] }
    }

    /// Checks that both indexes agree (for tests).
    func testOnly_verifyInvariants() -> Bool {
        for (owner, uids) in dependents {
            for uid in uids where !(nodes[uid]?.owners.contains { $0.uid == owner } ?? false) { return false }
        }
        for node in nodes.values {
            for owner in node.owners where !(dependents[owner.uid]?.contains(node.uid) ?? false) { return false }
        }
        return true
    }
}
