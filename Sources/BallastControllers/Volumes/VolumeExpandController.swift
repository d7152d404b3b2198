public import BallastAPI
public import BallastClient
import BallastStorage

/// Grows the volume of a bound claim whose storage request went past its capacity, as
/// upstream's expand controller does (admission lets a request grow only for a class with
/// allowVolumeExpansion). For a driver of the control plane: the claim gets the Resizing
/// condition, the driver grows the backing storage, the PV's capacity follows, then the
/// claim's status.capacity, with a VolumeResizeSuccessful Event. A volume whose driver runs
/// elsewhere (a node's, an external one) gets the resizer annotation and ExternalExpanding.
/// Every step is idempotent: a crash in between repeats the step, never doubles it.
public final class VolumeExpandController: Sendable {
    private let client: KubeClient
    private let plugins: VolumePlugins
    private let owns: @Sendable (PersistentVolume) -> Bool
    private let queue = WorkQueue()

    public static let resizerAnnotation = "volume.kubernetes.io/storage-resizer"
    public static let resizing = "Resizing"

    /// - Parameter owns: the volumes this instance expands; a node agent runs one for the
    ///   volumes of its own node-local drivers, the control plane one for all the others.
    public init(client: KubeClient, plugins: VolumePlugins, owns: @escaping @Sendable (PersistentVolume) -> Bool = { _ in true }) {
        self.client = client
        self.plugins = plugins
        self.owns = owns
    }

    public func run() async {
        let events = EventRecorder(client: client, component: "volume_expand")
        let claims = Informer<PersistentVolumeClaim>(client: client)
        let queue = self.queue
        claims.addHandler { event in
            switch event {
            case .added(let claim), .updated(_, let claim):
                if Self.wantsExpansion(claim) { queue.add(LiveBinderStore.claimKey(claim.namespace, claim.name)) }
            case .deleted: break
            }
        }
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await claims.run() }
            group.addTask {
                await claims.waitForSync()
                await Workers.run(queue, count: 2) { key in
                    guard let claim = claims.get(key: key) else { return .done }
                    return try await self.sync(claim, events: events)
                }
            }
        }
    }

    /// A bound claim that asks for more than it has.
    static func wantsExpansion(_ claim: PersistentVolumeClaim) -> Bool {
        guard claim.phase == PersistentVolumeClaimPhase.bound, !(claim.spec?.volumeName ?? "").isEmpty,
              let requested = claim.spec?.storageRequest?.value, let capacity = claim.status?.storageCapacity?.value else { return false }
        return requested > capacity
    }

    func sync(_ claim: PersistentVolumeClaim, events: EventRecorder) async throws -> Workers.Outcome {
        guard Self.wantsExpansion(claim), let requested = claim.spec?.storageRequest?.value,
              let volume = try await client.getIfPresent(PersistentVolume.self, name: claim.spec?.volumeName ?? ""), owns(volume) else { return .done }
        let provisioner = volume.metadata.annotation(VolumeBindingRules.provisionedBy) ?? ""
        let driver: any VolumeProvisioner
        switch plugins.resolve(provisioner) {
        case .controlPlane(let found):
            driver = found
        case .external where !provisioner.isEmpty:
            if claim.metadata.annotation(Self.resizerAnnotation) != provisioner {
                var annotated = claim
                annotated.metadata.setAnnotation(Self.resizerAnnotation, provisioner)
                _ = try await client.update(annotated)
                events.record(claim, type: EventRecorder.normal, reason: "ExternalExpanding",
                              message: "waiting for an external controller to expand this PVC")
            }
            return .done
        case .external, .missing:
            events.record(claim, type: EventRecorder.warning, reason: "VolumeResizeFailed",
                          message: "error expanding volume \"\(claim.namespace)/\(claim.name)\": no volume plugin can expand volume \(volume.name)")
            return .done
        }
        guard let record = VolumeRecord(volume: volume) else { return .done }

        let marked = try await setStatus(of: claim) { status in
            status.conditions = (status.conditions ?? []).filter { $0.type != Self.resizing }
                + [PersistentVolumeClaimCondition(type: Self.resizing, status: "True", lastTransitionTime: Time.now())]
        }
        let grown: Int64
        do {
            grown = try await driver.expand(record, to: requested)
        } catch {
            events.record(claim, type: EventRecorder.warning, reason: "VolumeResizeFailed",
                          message: "error expanding volume \"\(claim.namespace)/\(claim.name)\" of plugin \"\(provisioner)\": \(error)")
            throw error
        }
        // Written as the claim asked ("3Gi") when that is what the driver gave.
        let size = claim.spec?.storageRequest.flatMap { $0.value == grown ? $0 : nil } ?? Quantity(grown)
        if (volume.spec?.storageCapacity?.value ?? 0) < grown {
            var resized = volume
            resized.spec?.capacity?[ResourceName.storage] = size
            _ = try await client.update(resized)
        }
        _ = try await setStatus(of: marked) { status in
            status.capacity = (status.capacity ?? [:]).merging([ResourceName.storage: size]) { _, new in new }
            status.conditions = (status.conditions ?? []).filter { $0.type != Self.resizing }
            if status.conditions?.isEmpty == true { status.conditions = nil }
        }
        events.record(claim, type: EventRecorder.normal, reason: "VolumeResizeSuccessful",
                      message: "ExpandVolume succeeded for volume \(claim.namespace)/\(claim.name)")
        return .done
    }

    /// Writes the claim's status changed by `change`; returns what was stored.
    private func setStatus(of claim: PersistentVolumeClaim, _ change: (inout PersistentVolumeClaimStatus) -> Void) async throws -> PersistentVolumeClaim {
        var updated = claim
        var status = claim.status ?? PersistentVolumeClaimStatus()
        change(&status)
        updated.status = status
        return try await client.updateStatus(updated)
    }
}
