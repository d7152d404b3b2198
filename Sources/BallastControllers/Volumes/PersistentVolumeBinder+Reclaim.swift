import BallastAPI
import BallastStorage

extension PersistentVolumeBinder {
    /// reclaimVolume: Retain keeps everything; Recycle scrubs and frees; Delete removes the
    /// storage and then the PV; anything else is Failed.
    func reclaimVolume(_ volume: PersistentVolume) async throws {
        switch volume.spec?.persistentVolumeReclaimPolicy ?? PersistentVolumeReclaimPolicy.retain {
        case PersistentVolumeReclaimPolicy.retain:
            // The data stays; the PV stays Released until an administrator frees it.
            return
        case PersistentVolumeReclaimPolicy.recycle:
            operations.schedule("recycle-\(volume.name)[\(volume.uid)]") { try await self.recycleVolume(volume) }
        case PersistentVolumeReclaimPolicy.delete:
            operations.schedule("delete-\(volume.name)[\(volume.uid)]") { try await self.deleteVolume(volume) }
        default:
            try await updateVolumePhase(volume, phase: PersistentVolumePhase.failed, eventType: EventRecorderTypes.warning,
                                        reason: "VolumeUnknownReclaimPolicy", message: "Volume has unrecognized PersistentVolumeReclaimPolicy")
        }
    }

    /// deleteVolumeOperation: re-reads the volume, confirms it is still released, deletes
    /// the backing storage, then the PV object (the pv-controller finalizer goes last, so
    /// the object outlives the storage).
    func deleteVolume(_ volume: PersistentVolume) async throws {
        guard let current = try await store.liveVolume(named: volume.name), isVolumeReleased(current) else { return }
        let deleted: Bool
        do {
            deleted = try await deleteBackingStorage(current)
        } catch let error as VolumeError where error.kind == .inUse {
            // The driver needs more time; not a failure.
            store.event(current, type: EventRecorderTypes.normal, reason: "VolumeDelete", message: error.message)
            throw error
        } catch {
            try await updateVolumePhase(current, phase: PersistentVolumePhase.failed, eventType: EventRecorderTypes.warning,
                                        reason: "VolumeFailedDelete", message: "\(error)")
            // Still Failed, the delete is retried on every sync (with back-off).
            throw error
        }
        // An external deleter (or a node agent) does it; nothing more here.
        guard deleted else { return }
        // The storage is gone: drop the finalizer, then delete the object. A crash or a
        // conflict in between leaves a Released PV whose next sync repeats the (idempotent)
        // storage delete and finishes.
        var latest = current
        if latest.metadata.hasFinalizer(VolumeBindingRules.controllerFinalizer) {
            latest.metadata.removeFinalizer(VolumeBindingRules.controllerFinalizer)
            latest = try await store.updateVolume(latest)
        }
        try await store.deleteVolume(latest)
    }

    /// doDeleteVolume: the driver that provisioned the volume deletes it; an external or
    /// node-local one is waited for (false); a static volume uses the control plane's
    /// deleters; none at all is an error.
    func deleteBackingStorage(_ volume: PersistentVolume) async throws -> Bool {
        if let provisioner = volume.metadata.annotation(VolumeBindingRules.provisionedBy), !provisioner.isEmpty {
            switch plugins.resolve(provisioner) {
            case .controlPlane(let driver):
                guard let record = VolumeRecord(volume: volume) else {
                    throw BinderError("volume \"\(volume.name)\" has no source the driver \(provisioner) can read")
                }
                try await driver.delete(record)
                return true
            case .external:
                return false
            case .missing:
                break
            }
        }
        guard let reclaimer = plugins.staticReclaimer, reclaimer.canDelete(volume) else {
            throw BinderError("error getting deleter volume plugin for volume \"\(volume.name)\": no volume plugin matched")
        }
        try await reclaimer.delete(volume)
        return true
    }

    /// recycleVolumeOperation: scrubs a released volume no running pod still uses, then
    /// makes it Available again.
    func recycleVolume(_ volume: PersistentVolume) async throws {
        guard let current = try await store.liveVolume(named: volume.name), isVolumeReleased(current), let ref = current.spec?.claimRef else { return }
        let users = store.podsUsing(namespace: ref.namespace ?? "", claim: ref.name ?? "")
        // A cached claim of that name is a newer claim, which the pods may be using instead.
        let newerClaim = store.claim(namespace: ref.namespace ?? "", name: ref.name ?? "") != nil
        if !users.isEmpty && !newerClaim {
            let names = users.map { "\($0.namespace)/\($0.name)" }.sorted().joined(separator: ",")
            store.event(current, type: EventRecorderTypes.normal, reason: "VolumeFailedRecycle", message: "Volume is used by pods: \(names)")
            return
        }
        let recycle: @Sendable () async throws -> Void
        if let provisioner = current.metadata.annotation(VolumeBindingRules.provisionedBy), case .controlPlane(let driver) = plugins.resolve(provisioner),
            driver.supports(reclaimPolicy: PersistentVolumeReclaimPolicy.recycle), let record = VolumeRecord(volume: current)
        {
            recycle = { try await driver.recycle(record) }
        } else if let reclaimer = plugins.staticReclaimer, reclaimer.canRecycle(current) {
            recycle = { try await reclaimer.recycle(current) }
        } else {
            try await updateVolumePhase(current, phase: PersistentVolumePhase.failed, eventType: EventRecorderTypes.warning,
                                        reason: "VolumeFailedRecycle", message: "No recycler plugin found for the volume!")
            return
        }
        do {
            try await recycle()
        } catch {
            try await updateVolumePhase(current, phase: PersistentVolumePhase.failed, eventType: EventRecorderTypes.warning,
                                        reason: "VolumeFailedRecycle", message: "Recycle failed: \(error)")
            throw error
        }
        store.event(current, type: EventRecorderTypes.normal, reason: "VolumeRecycled", message: "Volume recycled")
        try await unbindVolume(current)
    }
}
