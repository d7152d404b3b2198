public import BallastAPI
public import BallastStorage
import Foundation

extension PersistentVolumeBinder {
    /// provisionClaim: ask the class's provisioner for a volume. The claim first gets the
    /// storage-provisioner annotations (external provisioners and node agents watch for
    /// them); a control-plane driver then makes the volume off the sync path.
    func provisionClaim(_ claim: PersistentVolumeClaim) async throws {
        operations.schedule("provision-\(claim.namespace)/\(claim.name)[\(claim.uid)]") { try await self.provisionClaimOperation(claim) }
    }

    func provisionClaimOperation(_ claim: PersistentVolumeClaim) async throws {
        let className = VolumeBindingRules.storageClass(of: claim)
        guard let storageClass = store.storageClass(named: className) else {
            store.event(claim, type: EventRecorderTypes.warning, reason: "ProvisioningFailed",
                        message: "storageclass.storage.k8s.io \"\(className)\" not found")
            throw BinderError("storageclass \(className) not found")
        }
        let provisioner = storageClass.provisioner
        let resolution = plugins.resolve(provisioner)
        if case .missing(let message) = resolution {
            store.event(claim, type: EventRecorderTypes.warning, reason: "ProvisioningFailed", message: message)
            throw BinderError(message)
        }
        let claim = try await setClaimProvisioner(claim, provisioner)
        guard case .controlPlane(let driver) = resolution else {
            store.event(claim, type: EventRecorderTypes.normal, reason: "ExternalProvisioning",
                        message: "Waiting for a volume to be created either by the external provisioner '\(provisioner)' or manually by the system administrator. If volume creation is delayed, please verify that the provisioner is running and correctly registered.")
            return
        }
        // Provisioning is idempotent by name: a PV made before (maybe by a run that
        // crashed before it could bind) is simply used.
        let volumeName = "pvc-\(claim.uid)"
        if try await store.liveVolume(named: volumeName) != nil { return }
        let mountOptions = storageClass.mountOptions ?? []
        if !mountOptions.isEmpty, !driver.supportsMountOptions {
            store.event(claim, type: EventRecorderTypes.warning, reason: "ProvisioningFailed",
                        message: "Mount options are not supported by the provisioner but StorageClass \"\(storageClass.name)\" has mount options \(mountOptions)")
            return
        }
        let request = ProvisionRequest(
            volumeName: volumeName, capacity: claim.spec?.storageRequest?.value ?? 0,
            accessModes: (claim.spec?.accessModes ?? []).map(\.rawValue), volumeMode: claim.spec?.effectiveVolumeMode ?? PersistentVolumeMode.filesystem,
            parameters: storageClass.parameters ?? [:], mountOptions: mountOptions,
            claim: ClaimInfo(namespace: claim.namespace, name: claim.name, uid: claim.uid, labels: claim.metadata.labels ?? [:],
                             annotations: claim.metadata.annotations ?? [:]),
            selectedNode: claim.metadata.annotation(VolumeBindingRules.selectedNode))
        let clock = ContinuousClock()
        let started = clock.now
        let record: VolumeRecord
        do {
            record = try await driver.provision(request)
        } catch {
            metrics.provisioningFailed(by: provisioner)
            // The scheduler picks again when a node-bound provisioning fails.
            try await rescheduleProvisioning(claim)
            store.event(claim, type: EventRecorderTypes.warning, reason: "ProvisioningFailed",
                        message: "Failed to provision volume with StorageClass \"\(storageClass.name)\": \(error.message)")
            throw error
        }
        CrashPoint.reach("provision-before-pv")
        let volume = Self.provisionedVolume(record, for: claim, storageClass: storageClass, provisioner: provisioner)
        var lastError: (any Error)?
        for attempt in 0..<5 {
            do {
                _ = try await store.createVolume(volume)
                metrics.provisioned(by: provisioner, elapsed: started.duration(to: clock.now))
                store.event(claim, type: EventRecorderTypes.normal, reason: "ProvisioningSucceeded",
                            message: "Successfully provisioned volume \(volumeName) using \(provisioner)")
                return
            } catch {
                lastError = error
                if attempt < 4 { try? await Task.sleep(nanoseconds: 2_000_000_000) }
            }
        }
        // The storage exists but no PV describes it: remove it rather than leak it.
        metrics.provisioningFailed(by: provisioner)
        store.event(claim, type: EventRecorderTypes.warning, reason: "ProvisioningFailed",
                    message: "Error creating provisioned PV object for claim \(claim.namespace)/\(claim.name): \(lastError.map { "\($0)" } ?? ""). Deleting the volume.")
        for _ in 0..<5 {
            do {
                try await driver.delete(record)
                return
            } catch {
                lastError = error
            }
        }
        store.event(claim, type: EventRecorderTypes.warning, reason: "ProvisioningCleanupFailed",
                    message: "Error cleaning provisioned volume for claim \(claim.namespace)/\(claim.name): \(lastError.map { "\($0)" } ?? ""). Please delete manually.")
    }

    /// setClaimProvisioner: the annotations that say who provisions the claim. Upstream
    /// leaves a claim whose GA annotation is already right as it is (the beta one is then
    /// not added).
    func setClaimProvisioner(_ claim: PersistentVolumeClaim, _ provisioner: String) async throws -> PersistentVolumeClaim {
        if claim.metadata.annotation(VolumeBindingRules.storageProvisioner) == provisioner { return claim }
        var updated = claim
        updated.metadata.setAnnotation(VolumeBindingRules.storageProvisioner, provisioner)
        updated.metadata.setAnnotation(VolumeBindingRules.betaStorageProvisioner, provisioner)
        return try await store.updateClaim(updated)
    }

    /// A failed node-bound provisioning clears selected-node, so the scheduler re-picks.
    func rescheduleProvisioning(_ claim: PersistentVolumeClaim) async throws {
        guard claim.metadata.annotation(VolumeBindingRules.selectedNode) != nil,
            var current = store.claim(namespace: claim.namespace, name: claim.name)
        else { return }
        current.metadata.setAnnotation(VolumeBindingRules.selectedNode, nil)
        _ = try await store.updateClaim(current)
    }

    /// The PV for a provisioned volume: named pvc-<claim uid>, already bound to the claim
    /// (so a crash before binding still leaves exactly one volume, found again by name).
    public static func provisionedVolume(_ record: VolumeRecord, for claim: PersistentVolumeClaim, storageClass: StorageClass,
                                  provisioner: String) -> PersistentVolume {
        var metadata = ObjectMeta(name: record.name)
        var annotations = record.attributes
        annotations[VolumeBindingRules.provisionedBy] = provisioner
        annotations[VolumeBindingRules.boundByController] = "yes"
        metadata.annotations = annotations
        let policy = storageClass.effectiveReclaimPolicy
        if policy == PersistentVolumeReclaimPolicy.delete { metadata.finalizers = [VolumeBindingRules.controllerFinalizer] }
        var spec = PersistentVolumeSpec()
        let requested = claim.spec?.storageRequest
        spec.capacity = [ResourceName.storage: requested.map { $0.value == record.capacity ? $0 : Quantity(record.capacity) } ?? Quantity(record.capacity)]
        spec.accessModes = claim.spec?.accessModes
        spec.claimRef = reference(to: claim)
        spec.persistentVolumeReclaimPolicy = policy
        spec.storageClassName = storageClass.name
        spec.mountOptions = storageClass.mountOptions
        spec.volumeMode = claim.spec?.effectiveVolumeMode
        switch record.source {
        case .nfs(let server, let path): spec.nfs = NFSVolumeSource(server: server, path: path)
        case .local(let path, let fsType): spec.local = LocalVolumeSource(path: path, fsType: fsType)
        case .hostPath(let path): spec.hostPath = HostPathVolumeSource(path: path)
        case .csi(let driver, let handle, let fsType): spec.csi = CSIPersistentVolumeSource(driver: driver, volumeHandle: handle, fsType: fsType)
        }
        if let node = record.node {
            spec.nodeAffinity = VolumeNodeAffinity(required: NodeSelector(nodeSelectorTerms: [
                NodeSelectorTerm(matchExpressions: [NodeSelectorRequirement(key: "kubernetes.io/hostname", operator: "In", values: [node])])
            ]))
        }
        return PersistentVolume(metadata: metadata, spec: spec, status: PersistentVolumeStatus(phase: PersistentVolumePhase.bound))
    }
}
