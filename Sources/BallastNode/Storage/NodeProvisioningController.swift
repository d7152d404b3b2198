import BallastAPI
import BallastClient
import BallastControllers
import BallastStorage
import Logging

/// The external provisioner of this node's local drivers, as TopoLVM's controller and
/// kubernetes-sigs' external-provisioner behave, but run by the agent that owns the storage:
///
/// - A claim whose selected node is this one and whose class's provisioner is a local
///   driver gets its volume, then a PersistentVolume named pvc-<claim uid>, pre-bound to the
///   claim and node-affine to this node; the binder completes the binding. A failure that
///   retrying here cannot fix (no room, bad parameters) clears selected-node, so the
///   scheduler chooses again, as upstream does for WaitForFirstConsumer claims.
/// - A Released volume with reclaim policy Delete that a local driver made here loses its
///   storage, then its PersistentVolume. Retain keeps both.
///
/// Crash safety: the volume is named after the claim, so a retry after a crash between
/// making the storage and writing the PV finds the same storage; the PV holds the
/// external-provisioner finalizer until the storage is gone.
final class NodeProvisioningController: Sendable {
    static let finalizer = "external-provisioner.volume.kubernetes.io/finalizer"

    private let client: KubeClient
    private let nodeName: String
    private let drivers: [String: any VolumeProvisioner]
    private let events: EventRecorder
    private let metrics: VolumeMetrics
    private let onChange: @Sendable () -> Void
    private let logger: Logger
    private let claims: Informer<PersistentVolumeClaim>
    private let volumes: Informer<PersistentVolume>
    private let classes: Informer<StorageClass>
    private let queue = WorkQueue()

    init(client: KubeClient, nodeName: String, drivers: [String: any VolumeProvisioner], classes: Informer<StorageClass>,
         metrics: VolumeMetrics, onChange: @escaping @Sendable () -> Void, logger: Logger) {
        self.client = client
        self.metrics = metrics
        self.onChange = onChange
        self.nodeName = nodeName
        self.drivers = drivers
        self.classes = classes
        self.logger = logger
        events = EventRecorder(client: client, component: "ballast-node-provisioner", host: nodeName)
        claims = Informer<PersistentVolumeClaim>(client: client)
        volumes = Informer<PersistentVolume>(client: client)
    }

    /// Runs until cancelled.
    func run() async {
        let queue = self.queue
        claims.addHandler { [self] event in
            if case .added(let claim) = event, wantsVolume(claim) { queue.add("claim:" + Informer.key(claim)) }
            if case .updated(_, let claim) = event, wantsVolume(claim) { queue.add("claim:" + Informer.key(claim)) }
        }
        volumes.addHandler { [self] event in
            if case .added(let volume) = event, wantsDeletion(volume) { queue.add("volume:" + volume.name) }
            if case .updated(_, let volume) = event, wantsDeletion(volume) { queue.add("volume:" + volume.name) }
        }
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.claims.run() }
            group.addTask { await self.volumes.run() }
            group.addTask {
                await self.claims.waitForSync()
                await self.volumes.waitForSync()
                await self.classes.waitForSync()
                await Workers.run(queue, count: 2) { key in
                    do {
                        if key.hasPrefix("claim:") { return try await self.provision(key: String(key.dropFirst("claim:".count))) }
                        return try await self.deleteVolume(named: String(key.dropFirst("volume:".count)))
                    } catch {
                        self.logger.warning("volume operation failed; retrying", metadata: ["key": "\(key)", "error": "\(error)"])
                        throw error
                    }
                }
            }
        }
    }

    // MARK: Provisioning

    private func wantsVolume(_ claim: PersistentVolumeClaim) -> Bool {
        claim.metadata.deletionTimestamp == nil && (claim.spec?.volumeName ?? "").isEmpty
            && claim.metadata.annotation(VolumeBindingRules.selectedNode) == nodeName
            && drivers[claim.metadata.annotation(VolumeBindingRules.storageProvisioner) ?? ""] != nil
    }

    private func provision(key: String) async throws -> Workers.Outcome {
        guard let claim = claims.get(key: key), wantsVolume(claim), !claim.uid.isEmpty else { return .done }
        let uid = claim.uid
        let volumeName = "pvc-" + uid
        if volumes.get(name: volumeName) != nil { return .done }
        if try await client.getIfPresent(PersistentVolume.self, name: volumeName) != nil { return .done }
        let provisioner = claim.metadata.annotation(VolumeBindingRules.storageProvisioner) ?? ""
        guard let driver = drivers[provisioner] else { return .done }
        guard let className = claim.spec?.storageClassName, let storageClass = classes.get(name: className) else {
            events.record(claim, type: EventRecorder.warning, reason: "ProvisioningFailed",
                          message: "storageclass.storage.k8s.io \"\(claim.spec?.storageClassName ?? "")\" not found")
            return .requeue(after: 10)
        }
        events.record(claim, type: EventRecorder.normal, reason: "Provisioning",
                      message: "External provisioner is provisioning volume for claim \"\(claim.namespace)/\(claim.name)\"")
        let request = ProvisionRequest(
            volumeName: volumeName, capacity: claim.spec?.storageRequest?.value ?? 0, accessModes: (claim.spec?.accessModes ?? []).map(\.rawValue),
            volumeMode: claim.spec?.effectiveVolumeMode ?? PersistentVolumeMode.filesystem, parameters: storageClass.parameters ?? [:],
            mountOptions: storageClass.mountOptions ?? [],
            claim: ClaimInfo(namespace: claim.namespace, name: claim.name, uid: uid, labels: claim.metadata.labels ?? [:],
                             annotations: claim.metadata.annotations ?? [:]),
            selectedNode: nodeName)
        let clock = ContinuousClock()
        let started = clock.now
        let record: VolumeRecord
        do throws(VolumeError) {
            record = try await driver.provision(request)
        } catch {
            metrics.provisioningFailed(by: provisioner)
            events.record(claim, type: EventRecorder.warning, reason: "ProvisioningFailed",
                          message: "failed to provision volume with StorageClass \"\(className)\": \(error)")
            guard error.kind != .unavailable else { throw error }
            // Nothing here will change by retrying: let the scheduler choose again.
            try await clearSelectedNode(claim)
            return .done
        }
        CrashPoint.reach("node-provision-before-pv")
        var volume = PersistentVolumeBinder.provisionedVolume(record, for: claim, storageClass: storageClass, provisioner: provisioner)
        volume.metadata.finalizers = volume.spec?.persistentVolumeReclaimPolicy == PersistentVolumeReclaimPolicy.delete ? [Self.finalizer] : nil
        do {
            _ = try await client.create(volume)
        } catch {
            guard error.isAlreadyExists else {
                metrics.provisioningFailed(by: provisioner)
                throw error
            }
            return .done
        }
        metrics.provisioned(by: provisioner, elapsed: started.duration(to: clock.now))
        onChange()
        events.record(claim, type: EventRecorder.normal, reason: "ProvisioningSucceeded",
                      message: "Successfully provisioned volume \(volumeName) on node \(nodeName)")
        logger.info("provisioned volume", metadata: ["volume": "\(volumeName)", "claim": "\(claim.namespace)/\(claim.name)"])
        return .done
    }

    private func clearSelectedNode(_ claim: PersistentVolumeClaim) async throws {
        var current = try await client.get(PersistentVolumeClaim.self, namespace: claim.namespace, name: claim.name)
        guard current.metadata.annotation(VolumeBindingRules.selectedNode) == nodeName, (current.spec?.volumeName ?? "").isEmpty else { return }
        current.metadata.setAnnotation(VolumeBindingRules.selectedNode, nil)
        _ = try await client.update(current)
    }

    // MARK: Deletion

    private func wantsDeletion(_ volume: PersistentVolume) -> Bool {
        guard volume.nodeAffinityHostname == nodeName, drivers[volume.metadata.annotation(VolumeBindingRules.provisionedBy) ?? ""] != nil,
              volume.spec?.persistentVolumeReclaimPolicy == PersistentVolumeReclaimPolicy.delete else { return false }
        return volume.status?.phase == PersistentVolumePhase.released
            || (volume.metadata.deletionTimestamp != nil && volume.metadata.hasFinalizer(Self.finalizer) && volume.spec?.claimRef == nil)
    }

    private func deleteVolume(named name: String) async throws -> Workers.Outcome {
        guard let volume = volumes.get(name: name), wantsDeletion(volume),
              let driver = drivers[volume.metadata.annotation(VolumeBindingRules.provisionedBy) ?? ""],
              let record = VolumeRecord(volume: volume)
        else { return .done }
        do throws(VolumeError) {
            try await driver.delete(record)
        } catch {
            events.record(volume, type: EventRecorder.warning, reason: "VolumeFailedDelete", message: "\(error)")
            if error.kind == .invalid { return .done }
            return .requeue(after: error.kind == .inUse ? 10 : 5)
        }
        if volume.metadata.hasFinalizer(Self.finalizer) {
            var released = volume
            released.metadata.removeFinalizer(Self.finalizer)
            do {
                _ = try await client.update(released)
            } catch {
                guard error.isNotFound else { throw error }
                return .done
            }
        }
        if volume.metadata.deletionTimestamp == nil {
            try await client.delete(PersistentVolume.self, name: name, ignoreNotFound: true)
        }
        onChange()
        logger.info("deleted volume", metadata: ["volume": "\(name)"])
        return .done
    }
}
