import BallastAPI
public import BallastMetrics
import BallastStorage
public import Foundation

/// The PersistentVolume controller's decisions (Kubernetes' pv_controller.go is the spec;
/// behaviour copied, not code): binding claims to volumes, keeping bound pairs consistent,
/// provisioning, and reclaiming released volumes by their policy.
///
/// KEEP EVERY BRANCH. Each case of the sync functions says which state it observed; data
/// loss hides in a missing branch (STYLE rule 6). Every write goes through `store`, which
/// updates its caches at once; any failure returns, and the next sync finishes the job.
public final class PersistentVolumeBinder: Sendable {
    let store: any BinderStore
    let plugins: VolumePlugins
    let operations = OperationRunner()
    let clock: @Sendable () -> Date
    let metrics: VolumeMetrics

    public init(store: any BinderStore, plugins: VolumePlugins, metrics: VolumeMetrics = VolumeMetrics(registry: MetricsRegistry()),
                clock: @escaping @Sendable () -> Date = { Date() }) {
        self.store = store
        self.plugins = plugins
        self.metrics = metrics
        self.clock = clock
    }

    /// Waits until no provision, delete or recycle runs (tests).
    public func waitForOperations() async { await operations.waitUntilIdle() }

    // MARK: Shared writes

    /// updateClaimStatus: phase, and access modes and capacity from the volume (capacity
    /// only when the claim becomes Bound, so an intentional difference is kept).
    @discardableResult
    func updateClaimStatus(_ claim: PersistentVolumeClaim, phase: String, volume: PersistentVolume?) async throws -> PersistentVolumeClaim {
        var updated = claim
        var status = updated.status ?? PersistentVolumeClaimStatus()
        var dirty = false
        if claim.phase != phase {
            status.phase = phase
            dirty = true
        }
        if let volume {
            if status.accessModes != volume.spec?.accessModes {
                status.accessModes = volume.spec?.accessModes
                dirty = true
            }
            if claim.phase != phase {
                if let preResize = volume.metadata.annotation(VolumeBindingRules.preResizeCapacity),
                    let quantity = try? Quantity(parsing: preResize)
                {
                    status.capacity = [ResourceName.storage: quantity]
                    dirty = true
                } else if let capacity = volume.spec?.storageCapacity {
                    if status.capacity?[ResourceName.storage] != capacity {
                        status.capacity = volume.spec?.capacity
                        dirty = true
                    }
                } else {
                    throw BinderError("PersistentVolume \"\(volume.name)\" is without a storage capacity")
                }
            }
        } else {
            if status.accessModes != nil {
                status.accessModes = nil
                dirty = true
            }
            if status.capacity != nil {
                status.capacity = nil
                dirty = true
            }
        }
        guard dirty else { return claim }
        updated.status = status
        return try await store.updateClaimStatus(updated)
    }

    /// updateClaimStatusWithEvent: as updateClaimStatus, with an event when the phase changes.
    @discardableResult
    func updateClaimStatus(_ claim: PersistentVolumeClaim, phase: String, volume: PersistentVolume?, eventType: String, reason: String,
                           message: String) async throws -> PersistentVolumeClaim {
        if claim.phase == phase { return claim }
        let updated = try await updateClaimStatus(claim, phase: phase, volume: volume)
        store.event(updated, type: eventType, reason: reason, message: message)
        return updated
    }

    /// updateVolumePhase: phase and status.message; nothing when the phase is already so.
    @discardableResult
    func updateVolumePhase(_ volume: PersistentVolume, phase: String, message: String) async throws -> PersistentVolume {
        if volume.phase == phase { return volume }
        var updated = volume
        var status = updated.status ?? PersistentVolumeStatus()
        status.phase = phase
        status.message = message.isEmpty ? nil : message
        updated.status = status
        return try await store.updateVolumeStatus(updated)
    }

    @discardableResult
    func updateVolumePhase(_ volume: PersistentVolume, phase: String, eventType: String, reason: String,
                           message: String) async throws -> PersistentVolume {
        if volume.phase == phase { return volume }
        let updated = try await updateVolumePhase(volume, phase: phase, message: message)
        store.event(updated, type: eventType, reason: reason, message: message)
        return updated
    }

    // MARK: Binding

    /// bind: PV claimRef, PV Bound, PVC volumeName, PVC Bound — in that order, so a crash
    /// between any two writes leaves a state the next sync completes.
    func bind(_ volume: PersistentVolume, _ claim: PersistentVolumeClaim) async throws {
        var volume = try await bindVolumeToClaim(volume, claim)
        volume = try await updateVolumePhase(volume, phase: PersistentVolumePhase.bound, message: "")
        let bound = try await bindClaimToVolume(claim, volume)
        try await updateClaimStatus(bound, phase: PersistentVolumeClaimPhase.bound, volume: volume)
        if claim.phase != PersistentVolumeClaimPhase.bound {
            metrics.claimBound(storageClass: VolumeBindingRules.storageClass(of: claim), created: claim.metadata.creationTimestamp?.date, now: clock())
        }
    }

    /// GetBindVolumeToClaim: claimRef with the claim's uid; bound-by-controller when the
    /// controller (not a user's pre-binding) chose the pair.
    func bindVolumeToClaim(_ volume: PersistentVolume, _ claim: PersistentVolumeClaim) async throws -> PersistentVolume {
        let setByController = !VolumeBindingRules.isVolumeBound(volume, to: claim)
        var updated = volume
        var dirty = false
        let ref = volume.spec?.claimRef
        if ref == nil || ref?.name != claim.name || ref?.namespace != claim.namespace || (ref?.uid ?? "") != claim.uid {
            var spec = updated.spec ?? PersistentVolumeSpec()
            spec.claimRef = Self.reference(to: claim)
            updated.spec = spec
            dirty = true
        }
        if setByController, updated.metadata.annotation(VolumeBindingRules.boundByController) == nil {
            updated.metadata.setAnnotation(VolumeBindingRules.boundByController, "yes")
            dirty = true
        }
        return dirty ? try await store.updateVolume(updated) : volume
    }

    /// bindClaimToVolume: volumeName (and bound-by-controller when the controller chose it),
    /// then bind-completed.
    func bindClaimToVolume(_ claim: PersistentVolumeClaim, _ volume: PersistentVolume) async throws -> PersistentVolumeClaim {
        var updated = claim
        var dirty = false
        if claim.spec?.volumeName != volume.name {
            var spec = updated.spec ?? PersistentVolumeClaimSpec()
            spec.volumeName = volume.name
            updated.spec = spec
            if updated.metadata.annotation(VolumeBindingRules.boundByController) == nil {
                updated.metadata.setAnnotation(VolumeBindingRules.boundByController, "yes")
            }
            dirty = true
        }
        if updated.metadata.annotation(VolumeBindingRules.bindCompleted) == nil {
            updated.metadata.setAnnotation(VolumeBindingRules.bindCompleted, "yes")
            dirty = true
        }
        return dirty ? try await store.updateClaim(updated) : claim
    }

    /// unbindVolume: a volume the controller bound loses its claimRef; one a user pre-bound
    /// keeps it without the uid (still reserved for that namespace/name). Then Available.
    func unbindVolume(_ volume: PersistentVolume) async throws {
        var updated = volume
        var spec = updated.spec ?? PersistentVolumeSpec()
        if volume.metadata.annotation(VolumeBindingRules.boundByController) != nil {
            spec.claimRef = nil
            updated.metadata.setAnnotation(VolumeBindingRules.boundByController, nil)
        } else {
            spec.claimRef?.uid = nil
        }
        updated.spec = spec
        let saved = try await store.updateVolume(updated)
        try await updateVolumePhase(saved, phase: PersistentVolumePhase.available, message: "")
    }

    static func reference(to claim: PersistentVolumeClaim) -> ObjectReference {
        ObjectReference(kind: "PersistentVolumeClaim", namespace: claim.namespace, name: claim.name, uid: claim.uid, apiVersion: "v1",
                        resourceVersion: claim.metadata.resourceVersion)
    }

    /// Whether the claim's class binds on first consumer (a missing class binds at once).
    func isDelayBinding(_ claim: PersistentVolumeClaim) -> Bool {
        let name = VolumeBindingRules.storageClass(of: claim)
        guard !name.isEmpty, let storageClass = store.storageClass(named: name) else { return false }
        return storageClass.effectiveVolumeBindingMode == VolumeBindingMode.waitForFirstConsumer
    }
}

/// A binder failure that is neither an API error nor a driver error.
public struct BinderError: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
