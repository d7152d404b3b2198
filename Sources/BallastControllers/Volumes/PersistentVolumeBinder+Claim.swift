public import BallastAPI

extension PersistentVolumeBinder {
    /// syncClaim: a claim that never finished binding takes the unbound path; once
    /// bind-completed it is bound for good (a missing volume makes it Lost, never rebinds).
    public func syncClaim(_ claim: PersistentVolumeClaim) async throws {
        if claim.metadata.annotation(VolumeBindingRules.bindCompleted) == nil {
            try await syncUnboundClaim(claim)
        } else {
            try await syncBoundClaim(claim)
        }
    }

    func syncUnboundClaim(_ claim: PersistentVolumeClaim) async throws {
        // OBSERVATION: pvc is "Pending"
        let volumeName = claim.spec?.volumeName ?? ""
        if volumeName.isEmpty {
            // The user did not ask for a particular volume.
            let delayBinding = isDelayBinding(claim)
            guard let volume = store.holdBestMatch(for: claim, delayBinding: delayBinding) else {
                // OBSERVATION: pvc is "Pending", no volume fits. [Tests: binder 1-2, 1-3, 1-4]
                if try await assignDefaultStorageClass(claim) { return }
                if delayBinding && claim.metadata.annotation(VolumeBindingRules.selectedNode) == nil {
                    // The scheduler has not picked a node for any pod of this claim; a pod
                    // that named its node itself never goes through it.
                    if try await selectNodeOfPrescheduledPod(claim) { return }
                    emitWaitingForConsumer(claim)
                } else if !VolumeBindingRules.storageClass(of: claim).isEmpty {
                    // A class is named: provision. [Tests: provision 11-*]
                    try await provisionClaim(claim)
                    return
                } else {
                    store.event(claim, type: EventRecorderTypes.normal, reason: "FailedBinding",
                                message: "no persistent volumes available for this claim and no storage class is set")
                }
                // Stay Pending; the periodic sync tries again.
                try await updateClaimStatus(claim, phase: PersistentVolumeClaimPhase.pending, volume: nil)
                return
            }
            // OBSERVATION: pvc is "Pending", pv is "Available" (or pre-bound to this claim). [Tests: binder 1-1, 1-5 .. 1-8]
            defer { store.releaseHold(on: volume.name) }
            try await bind(volume, claim)
            return
        }

        // The user asked for a particular volume. [Tests: binder 2-*]
        guard let volume = store.volume(named: volumeName) else {
            // OBSERVATION: pvc is "Pending", the named pv does not exist (yet). [Tests: binder 2-1]
            try await updateClaimStatus(claim, phase: PersistentVolumeClaimPhase.pending, volume: nil)
            return
        }
        switch volume.spec?.claimRef {
        case nil:
            // OBSERVATION: pvc is "Pending", pv is "Available" and unclaimed. [Tests: binder 2-3, 2-4]
            if let problem = VolumeBindingRules.mismatch(of: volume, for: claim) {
                store.event(claim, type: EventRecorderTypes.warning, reason: "VolumeMismatch",
                            message: "Cannot bind to requested volume \"\(volumeName)\": \(problem)")
                try await updateClaimStatus(claim, phase: PersistentVolumeClaimPhase.pending, volume: nil)
                return
            }
            try await bind(volume, claim)
        case .some where VolumeBindingRules.isVolumeBound(volume, to: claim):
            // OBSERVATION: pvc is "Pending", pv is "Bound" to this claim (maybe without its
            // uid yet): finish the binding. [Tests: binder 2-5, 2-8]
            try await bind(volume, claim)
        case .some:
            // OBSERVATION: pvc is "Pending", pv is bound to another claim.
            if claim.metadata.annotation(VolumeBindingRules.boundByController) == nil {
                // The user asked for this volume; wait until it is free. [Tests: binder 2-6]
                try await updateClaimStatus(claim, phase: PersistentVolumeClaimPhase.pending, volume: nil)
            } else {
                // Only a removed bind-completed annotation leads here. [Tests: binder 2-7]
                throw BinderError("invalid binding of claim \"\(claim.namespace)/\(claim.name)\" to volume \"\(volumeName)\": volume already claimed by \"\(volume.spec?.claimRef?.namespace ?? "")/\(volume.spec?.claimRef?.name ?? "")\"")
            }
        }
    }

    func syncBoundClaim(_ claim: PersistentVolumeClaim) async throws {
        // OBSERVATION: pvc was bound once (bind-completed).
        let volumeName = claim.spec?.volumeName ?? ""
        if volumeName.isEmpty {
            // OBSERVATION: pvc lost its volumeName. [Tests: binder 3-1]
            try await updateClaimStatus(claim, phase: PersistentVolumeClaimPhase.lost, volume: nil, eventType: EventRecorderTypes.warning,
                                        reason: "ClaimLost", message: "Bound claim has lost reference to PersistentVolume. Data on the volume is lost!")
            return
        }
        guard let volume = store.volume(named: volumeName) else {
            // OBSERVATION: pvc is "Bound", its pv does not exist. [Tests: binder 3-2]
            try await updateClaimStatus(claim, phase: PersistentVolumeClaimPhase.lost, volume: nil, eventType: EventRecorderTypes.warning,
                                        reason: "ClaimLost", message: "Bound claim has lost its PersistentVolume. Data on the volume is lost!")
            return
        }
        switch volume.spec?.claimRef {
        case nil:
            // OBSERVATION: pvc is "Bound", pv is "Available": the volume came unbound, or the
            // controller has not seen its own write yet. Bind again. [Tests: binder 3-3]
            try await bind(volume, claim)
        case .some(let ref) where (ref.uid ?? "") == claim.uid:
            // OBSERVATION: pvc is "Bound", pv is "Bound" to it: all is well; make sure every
            // field says so. [Tests: binder 3-4]
            try await bind(volume, claim)
        case .some:
            // OBSERVATION: pvc is "Bound", but its pv is bound to another claim. [Tests: binder 3-5]
            try await updateClaimStatus(claim, phase: PersistentVolumeClaimPhase.lost, volume: nil, eventType: EventRecorderTypes.warning,
                                        reason: "ClaimMisbound", message: "Two claims are bound to the same volume, this one is bound incorrectly")
        }
    }

    /// A claim without a class gets the default class once one exists (retroactive default
    /// storage class assignment). `""` means "no class" and is never changed.
    func assignDefaultStorageClass(_ claim: PersistentVolumeClaim) async throws -> Bool {
        guard claim.spec?.storageClassName == nil, claim.metadata.annotation(StorageAnnotations.betaStorageClass) == nil,
            let defaultClass = store.defaultStorageClass()
        else { return false }
        var updated = claim
        var spec = updated.spec ?? PersistentVolumeClaimSpec()
        spec.storageClassName = defaultClass.name
        updated.spec = spec
        _ = try await store.updateClaim(updated)
        return true
    }

    /// A pod that sets spec.nodeName itself skips the scheduler, so upstream leaves its
    /// WaitForFirstConsumer claims Pending forever (a common trap). Here the claim gets that
    /// node as its selected node, and provisioning goes on there as if the scheduler had
    /// chosen it. Only for a class that provisions: a static volume must match the node.
    func selectNodeOfPrescheduledPod(_ claim: PersistentVolumeClaim) async throws -> Bool {
        let className = VolumeBindingRules.storageClass(of: claim)
        guard !className.isEmpty, let storageClass = store.storageClass(named: className),
              storageClass.provisioner != "kubernetes.io/no-provisioner",
              let node = store.podsUsing(namespace: claim.namespace, claim: claim.name).compactMap({ $0.spec?.nodeName }).filter({ !$0.isEmpty }).min()
        else { return false }
        var updated = claim
        updated.metadata.setAnnotation(VolumeBindingRules.selectedNode, node)
        _ = try await store.updateClaim(updated)
        store.event(claim, type: EventRecorderTypes.normal, reason: "SelectedNodeFromPod",
                    message: "a pod using this claim names node \(node) itself (spec.nodeName): the volume is provisioned there")
        return true
    }

    /// The event of a WaitForFirstConsumer claim no scheduled pod uses yet.
    func emitWaitingForConsumer(_ claim: PersistentVolumeClaim) {
        let pods = store.podsUsing(namespace: claim.namespace, claim: claim.name)
            .filter { ($0.spec?.nodeName ?? "").isEmpty }
            .map { "\($0.namespace)/\($0.name)" }
            .sorted()
        switch pods.count {
        case 0:
            store.event(claim, type: EventRecorderTypes.normal, reason: "WaitForFirstConsumer",
                        message: "waiting for first consumer to be created before binding")
        case 1:
            store.event(claim, type: EventRecorderTypes.normal, reason: "WaitForPodScheduled", message: "waiting for pod \(pods[0]) to be scheduled")
        default:
            store.event(claim, type: EventRecorderTypes.normal, reason: "WaitForPodScheduled",
                        message: "waiting for pods \(pods.joined(separator: ",")) to be scheduled")
        }
    }
}

/// The two event types, spelled once.
enum EventRecorderTypes {
    static let normal = "Normal"
    static let warning = "Warning"
}
