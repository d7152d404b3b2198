public import BallastAPI

/// What a volume looks like to its history, and the entries a change from one look to the
/// next makes. Pure: the recorder feeds it what the informers hold.
public enum VolumeHistoryChanges {
    /// The facts about `volume` that history tells, with the pods that have it mounted: pods
    /// placed on a node, running, and naming its claim.
    public static func observe(_ volume: PersistentVolume, pods: [Pod]) -> VolumeObservation {
        let claimRef = volume.spec?.claimRef
        let claim = claimRef.map { "\($0.namespace ?? "")/\($0.name ?? "")" }
        var mounting: [VolumeObservation.MountingPod] = []
        if let claimRef, volume.phase == PersistentVolumePhase.bound {
            for pod in pods where pod.namespace == claimRef.namespace && pod.status?.phase == "Running" {
                guard let node = pod.spec?.nodeName, !node.isEmpty else { continue }
                let names = (pod.spec?.volumes ?? []).filter { $0.source.persistentVolumeClaim?.claimName == claimRef.name }.map(\.name)
                guard !names.isEmpty else { continue }
                let paths = (pod.spec?.containers ?? []).flatMap { container in
                    (container.volumeMounts ?? []).filter { names.contains($0.name) }.map { "\(container.name):\($0.mountPath)" }
                }
                let started = pod.status?.containerStatuses?.compactMap { $0.state?.running?.startedAt }.min() ?? pod.status?.startTime
                mounting.append(.init(pod: "\(pod.namespace)/\(pod.name)", uid: pod.uid, node: node, mountPaths: paths, since: started))
            }
        }
        return VolumeObservation(uid: volume.uid, phase: volume.phase, claim: claim, capacity: volume.storageCapacity?.description,
                                 reclaimPolicy: volume.spec?.persistentVolumeReclaimPolicy, deleting: volume.metadata.isDeleting ? true : nil,
                                 pods: mounting.sorted { $0.pod < $1.pod })
    }

    /// The entries for the change from `old` to `new` (nil: not recorded yet / gone), in the
    /// order they must have happened. `volume` is the volume as it is now, when it exists.
    public static func entries(from old: VolumeObservation?, to new: VolumeObservation?, volume: PersistentVolume?, now: Time) -> [VolumeHistoryEntry] {
        typealias Action = VolumeHistoryEntry.Action
        var entries: [VolumeHistoryEntry] = []
        let provisioner = volume?.metadata.annotations?[VolumeBindingRules.provisionedBy]
        if old == nil, let new, let volume {
            let time = volume.metadata.creationTimestamp ?? now
            let what = [new.capacity, describeSource(volume), volume.storageClassName.isEmpty ? nil : "class \(volume.storageClassName)",
                        new.reclaimPolicy.map { "reclaim policy \($0)" }].compactMap { $0 }.joined(separator: ", ")
            if let provisioner {
                entries.append(.init(action: Action.provisioned, time: time, message: what, by: provisioner, node: volume.nodeAffinityHostname))
            } else {
                // The first manager is the one that created it (kubectl, a user's tool).
                let creator = volume.metadata.managedFields?.first?.manager
                entries.append(.init(action: Action.created, time: time, message: what, by: creator, node: volume.nodeAffinityHostname))
            }
        }
        let before = old?.pods ?? []
        let after = new?.pods ?? []
        for gone in before where !after.contains(where: { $0.uid == gone.uid }) {
            entries.append(.init(action: Action.unmounted, time: now, message: "pod \(gone.pod) on \(gone.node) stopped using it",
                                 by: gone.node, pod: gone.pod, node: gone.node))
        }
        if let new, new.phase != old?.phase, let phase = new.phase {
            switch phase {
            case PersistentVolumePhase.bound:
                entries.append(.init(action: Action.bound, time: now, message: "bound to claim \(new.claim ?? "")",
                                     by: "persistentvolume-controller", claim: new.claim))
            case PersistentVolumePhase.released:
                entries.append(.init(action: Action.released, time: now,
                                     message: "claim \(new.claim ?? "") was deleted; reclaim policy \(new.reclaimPolicy ?? "Retain")", claim: new.claim))
            case PersistentVolumePhase.available where old?.phase == PersistentVolumePhase.released:
                entries.append(.init(action: Action.available, time: now, message: "scrubbed and available again (Recycle)",
                                     by: "persistentvolume-controller"))
            case PersistentVolumePhase.failed:
                let reason = [volume?.status?.reason, volume?.status?.message].compactMap { $0 }.joined(separator: ": ")
                entries.append(.init(action: Action.failed, time: now, message: reason.isEmpty ? "failed" : reason))
            default:
                break
            }
        }
        if let was = old?.capacity, let grown = new?.capacity, was != grown {
            entries.append(.init(action: Action.expanded, time: now, message: "from \(was) to \(grown)",
                                 by: provisioner, claim: new?.claim))
        }
        for added in after where !before.contains(where: { $0.uid == added.uid }) {
            let paths = added.mountPaths.isEmpty ? "" : " at " + added.mountPaths.joined(separator: ", ")
            entries.append(.init(action: Action.mounted, time: added.since ?? now, message: "pod \(added.pod) on \(added.node)\(paths)",
                                 by: added.node, pod: added.pod, node: added.node))
        }
        if new?.deleting == true, old?.deleting != true {
            entries.append(.init(action: Action.deleting, time: volume?.metadata.deletionTimestamp ?? now,
                                 message: "the volume is being deleted; its data goes as reclaim policy \(new?.reclaimPolicy ?? "Retain") says"))
        }
        // pv-protection holds a Bound volume until it is released: one seen gone while Bound
        // was released in between, faster than the recorder looked.
        if let old, new == nil, old.phase == PersistentVolumePhase.bound {
            entries.append(.init(action: Action.released, time: now,
                                 message: "claim \(old.claim ?? "") was deleted; reclaim policy \(old.reclaimPolicy ?? "Retain")", claim: old.claim))
        }
        if let old, new == nil {
            let destroyed = old.reclaimPolicy == "Delete"
            entries.append(.init(action: Action.deleted, time: now,
                                 message: destroyed ? "the volume and its storage were deleted (reclaim policy Delete)"
                                     : "the PersistentVolume object was deleted; its storage was kept (reclaim policy \(old.reclaimPolicy ?? "Retain"))",
                                 claim: old.claim))
        }
        return entries
    }

    /// Where the data is, in a few words.
    static func describeSource(_ volume: PersistentVolume) -> String? {
        guard let spec = volume.spec else { return nil }
        if let csi = spec.csi { return "\(csi.driver) \(csi.volumeHandle)" }
        if let nfs = spec.nfs { return "nfs \(nfs.server):\(nfs.path)" }
        if let hostPath = spec.hostPath { return "hostPath \(hostPath.path)" }
        if let local = spec.local { return "local \(local.path)" }
        return nil
    }
}
