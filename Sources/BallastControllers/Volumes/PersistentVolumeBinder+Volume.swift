public import BallastAPI

extension PersistentVolumeBinder {
    /// syncVolume: keeps a volume's phase true to its claim, releases it when the claim is
    /// gone, and runs its reclaim policy.
    public func syncVolume(_ volume: PersistentVolume) async throws {
        guard let ref = volume.spec?.claimRef else {
            // OBSERVATION: pv is unused. [Tests: binder 4-1]
            try await updateVolumePhase(volume, phase: PersistentVolumePhase.available, message: "")
            return
        }
        guard let refUID = ref.uid, !refUID.isEmpty else {
            // OBSERVATION: pv is reserved (pre-bound by name) for a claim that has not bound
            // yet; the claim's sync does the binding. [Tests: binder 4-2]
            try await updateVolumePhase(volume, phase: PersistentVolumePhase.available, message: "")
            return
        }
        let namespace = ref.namespace ?? ""
        let name = ref.name ?? ""
        var claim = store.claim(namespace: namespace, name: name)
        if claim == nil, volume.phase != PersistentVolumePhase.released, volume.phase != PersistentVolumePhase.failed {
            // Not cached yet (an external binder or provisioner wrote the pair): ask the API
            // server before releasing anything.
            claim = try await store.liveClaim(namespace: namespace, name: name)
        }
        if let found = claim, found.uid != refUID {
            // The cached claim may be older than the claimRef: check the newest one.
            claim = try await store.liveClaim(namespace: namespace, name: name)
            if let live = claim, live.uid != refUID { claim = nil }
        }

        guard let claim else {
            // OBSERVATION: pv is bound to a claim that no longer exists: released. Keep a
            // Failed phase, so the user sees what went wrong while reclaim is retried.
            // [Tests: binder 4-4, delete 8-*, recycle 6-*]
            var released = volume
            if volume.phase != PersistentVolumePhase.released && volume.phase != PersistentVolumePhase.failed {
                released = try await updateVolumePhase(volume, phase: PersistentVolumePhase.released, message: "")
            }
            try await reclaimVolume(released)
            return
        }
        let claimVolume = claim.spec?.volumeName ?? ""
        if claimVolume.isEmpty {
            // OBSERVATION: pv is "Bound", its claim is "Pending" (not bound yet, or unbound by a user).
            if VolumeBindingRules.volumeModeMismatch(claim, volume) {
                // The claim's sync would never pick this volume: say why and stop here. [Tests: binder 14-*]
                store.event(volume, type: EventRecorderTypes.warning, reason: "VolumeMismatch",
                            message: "Cannot bind PersistentVolume to requested PersistentVolumeClaim \"\(claim.name)\" due to incompatible volumeMode.")
                store.event(claim, type: EventRecorderTypes.warning, reason: "VolumeMismatch",
                            message: "Cannot bind PersistentVolume \"\(volume.name)\" to requested PersistentVolumeClaim due to incompatible volumeMode.")
                return
            }
            // Either way the claim's sync completes the binding; ask for it now. [Tests: binder 4-5, 4-6]
            store.requeueClaim(namespace: claim.namespace, name: claim.name)
        } else if claimVolume == volume.name {
            // OBSERVATION: pv is "Bound", its claim is "Bound" to it. [Tests: binder 4-7]
            try await updateVolumePhase(volume, phase: PersistentVolumePhase.bound, message: "")
        } else if volume.metadata.annotation(VolumeBindingRules.provisionedBy) != nil,
            volume.spec?.persistentVolumeReclaimPolicy == PersistentVolumeReclaimPolicy.delete
        {
            // OBSERVATION: pv was provisioned for this claim, which got bound to another
            // volume: this one is not needed. Release and delete it. [Tests: binder 4-8]
            var released = volume
            if volume.phase != PersistentVolumePhase.released && volume.phase != PersistentVolumePhase.failed {
                released = try await updateVolumePhase(volume, phase: PersistentVolumePhase.released, message: "")
            }
            try await reclaimVolume(released)
        } else {
            // OBSERVATION: pv points at a claim that is bound to another volume. If the
            // controller bound it, undo that; if a user pre-bound it, keep the reservation
            // without the uid. [Tests: binder 4-9, 4-10]
            try await unbindVolume(volume)
        }
    }

    /// isVolumeReleased: the claim named by a claimRef with a uid is gone, or bound elsewhere.
    func isVolumeReleased(_ volume: PersistentVolume) -> Bool {
        guard let ref = volume.spec?.claimRef, let uid = ref.uid, !uid.isEmpty else { return false }
        guard let claim = store.claim(namespace: ref.namespace ?? "", name: ref.name ?? ""), claim.uid == uid else { return true }
        let bound = claim.spec?.volumeName ?? ""
        return !bound.isEmpty && bound != volume.name
    }
}
