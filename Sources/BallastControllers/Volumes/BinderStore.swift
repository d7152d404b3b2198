public import BallastAPI

/// What the binding controller reads and writes (STYLE rule 5: the binder's decisions sit
/// above this interface; `LiveBinderStore` is the real one, over informers and the API).
///
/// Reads come from caches that writes update at once, so a sync never acts on a state
/// older than its own last write. Writes throw on conflicts; the binder then returns and
/// the next sync finishes the job.
public protocol BinderStore: Sendable {
    func claim(namespace: String, name: String) -> PersistentVolumeClaim?
    func volume(named name: String) -> PersistentVolume?
    func storageClass(named name: String) -> StorageClass?
    /// The default StorageClass (the newest, when several are marked), if any.
    func defaultStorageClass() -> StorageClass?
    /// findBestMatchForClaim over the cached volumes. A free volume found is held for this
    /// claim (other claims' syncs pass it over) until `releaseHold(on:)`.
    func holdBestMatch(for claim: PersistentVolumeClaim, delayBinding: Bool) -> PersistentVolume?
    func releaseHold(on volume: String)
    /// Pods that are not finished and use the claim.
    func podsUsing(namespace: String, claim: String) -> [Pod]

    /// The claim as the API server has it now (bypassing the cache), or nil.
    func liveClaim(namespace: String, name: String) async throws -> PersistentVolumeClaim?
    /// The volume as the API server has it now, or nil.
    func liveVolume(named name: String) async throws -> PersistentVolume?

    func updateVolume(_ volume: PersistentVolume) async throws -> PersistentVolume
    func updateVolumeStatus(_ volume: PersistentVolume) async throws -> PersistentVolume
    func updateClaim(_ claim: PersistentVolumeClaim) async throws -> PersistentVolumeClaim
    func updateClaimStatus(_ claim: PersistentVolumeClaim) async throws -> PersistentVolumeClaim
    /// Creates a PV; if one of that name exists, returns it (a provision retried after a crash).
    func createVolume(_ volume: PersistentVolume) async throws -> PersistentVolume
    /// Deletes the PV object (with its uid as a precondition); a PV already gone is fine.
    func deleteVolume(_ volume: PersistentVolume) async throws

    func event(_ volume: PersistentVolume, type: String, reason: String, message: String)
    func event(_ claim: PersistentVolumeClaim, type: String, reason: String, message: String)
    /// Asks for the claim to be synced again soon.
    func requeueClaim(namespace: String, name: String)
}
