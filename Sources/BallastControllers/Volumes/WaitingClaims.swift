import BallastAPI

/// Unbound claims by StorageClass, so that a volume that becomes free wakes the claims that
/// might take it at once, rather than at the next periodic sync (Kubernetes waits for its
/// 15 s resync here). Wake-ups are swept in batches: a thousand new volumes cost one pass
/// over the waiting claims, not a thousand.
struct WaitingClaims {
    private var byClass: [String: Set<String>] = [:]
    private var classOf: [String: String] = [:]
    private var woken: Set<String> = []

    /// Records the claim's newest state under its key ("namespace/name").
    mutating func update(_ claim: PersistentVolumeClaim, key: String) {
        remove(key)
        let unbound = claim.metadata.annotation(VolumeBindingRules.bindCompleted) == nil && (claim.spec?.volumeName ?? "").isEmpty
        guard unbound else { return }
        let storageClass = VolumeBindingRules.storageClass(of: claim)
        byClass[storageClass, default: []].insert(key)
        classOf[key] = storageClass
    }

    mutating func remove(_ key: String) {
        guard let storageClass = classOf.removeValue(forKey: key) else { return }
        byClass[storageClass]?.remove(key)
        if byClass[storageClass]?.isEmpty == true { byClass[storageClass] = nil }
    }

    /// A volume of this class became free.
    mutating func wake(storageClass: String) {
        if byClass[storageClass] != nil { woken.insert(storageClass) }
    }

    /// The claims of every class woken since the last call.
    mutating func takeWoken() -> [String] {
        defer { woken = [] }
        return woken.flatMap { byClass[$0] ?? [] }
    }
}
