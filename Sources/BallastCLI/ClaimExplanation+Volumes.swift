import BallastAPI

extension ClaimExplanation {
    /// `volume` as the binder sees it for `claim`: with every reason it cannot take it.
    static func consider(_ volume: PersistentVolume, for claim: PersistentVolumeClaim, named: Bool, nodes: [Node],
                         targetNode: String?, delayBinding: Bool) -> ConsideredVolume {
        ConsideredVolume(
            name: volume.name, capacityBytes: volume.storageCapacity?.value, phase: volume.status?.phase,
            storageClass: volume.storageClassName, claim: volume.spec?.claimRef.map { "\($0.namespace ?? "")/\($0.name ?? "")" },
            reasons: rejections(of: volume, for: claim, named: named, nodes: nodes, targetNode: targetNode, delayBinding: delayBinding))
    }

    /// Every reason `volume` cannot take `claim`, in the order the binder checks them
    /// (FindMatchingVolume, or checkVolumeSatisfyClaim for a volume the claim names). All
    /// are listed, not just the first, so that fixing one does not reveal the next; a
    /// volume taken by another claim gets only that reason, as the rest would not matter.
    static func rejections(of volume: PersistentVolume, for claim: PersistentVolumeClaim, named: Bool, nodes: [Node],
                           targetNode: String?, delayBinding: Bool) -> [String] {
        if volume.metadata.isDeleting { return ["being deleted"] }
        if let ref = volume.spec?.claimRef, !VolumeBindingRules.isVolumeBound(volume, to: claim) {
            if claimRefNames(volume, claim) {
                // The pain users report most about Released volumes (kubernetes #91847).
                return ["its claimRef names an earlier claim of the same name (uid \(ref.uid ?? "")): it is \(phaseName(volume)) and takes a new claim only once an administrator clears spec.claimRef"]
            }
            let other = "\(ref.namespace ?? "")/\(ref.name ?? "")"
            switch volume.phase {
            case PersistentVolumePhase.bound: return ["bound to another claim, \(other)"]
            case PersistentVolumePhase.released: return ["Released by \(other): it takes a new claim only once an administrator clears spec.claimRef"]
            default: return ["reserved for another claim, \(other) (claimRef)"]
            }
        }
        var reasons: [String] = []
        let requested = claim.spec?.storageRequest ?? Quantity(0)
        let capacity = volume.storageCapacity ?? Quantity(0)
        if capacity < requested { reasons.append("too small: \(capacity) < \(requested) requested") }
        if named, volume.storageClassName != VolumeBindingRules.storageClass(of: claim) { reasons.append(classReason(volume, claim)) }
        if VolumeBindingRules.volumeModeMismatch(claim, volume) {
            reasons.append("volumeMode \(volume.spec?.effectiveVolumeMode ?? PersistentVolumeMode.filesystem), the claim wants \(claim.spec?.effectiveVolumeMode ?? PersistentVolumeMode.filesystem)")
        }
        if named {
            if let modes = accessModeReason(volume, claim) { reasons.append(modes) }
            return reasons
        }
        if VolumeBindingRules.isVolumeBound(volume, to: claim) {
            // Pre-bound to this claim: it wins on size and volumeMode alone.
            if delayBinding, let affinity = affinityReason(volume, nodes: nodes, targetNode: targetNode) { reasons.append(affinity) }
            return reasons
        }
        if volume.phase != PersistentVolumePhase.available {
            var sentence = "phase \(phaseName(volume)), not Available"
            if let message = volume.status?.message, !message.isEmpty { sentence += " (\(message))" }
            reasons.append(sentence)
        }
        if let selector = claim.spec?.selector, !selector.matches(volume.metadata.labels) {
            let labels = (volume.metadata.labels ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
            reasons.append("labels {\(labels)} do not match the claim's selector \(selector.queryString)")
        }
        if volume.storageClassName != VolumeBindingRules.storageClass(of: claim) { reasons.append(classReason(volume, claim)) }
        if let modes = accessModeReason(volume, claim) { reasons.append(modes) }
        // Only the scheduler checks node affinity, and only for WaitForFirstConsumer claims.
        if delayBinding, let affinity = affinityReason(volume, nodes: nodes, targetNode: targetNode) { reasons.append(affinity) }
        return reasons
    }

    private static func phaseName(_ volume: PersistentVolume) -> String {
        volume.phase.isEmpty ? PersistentVolumePhase.pending : volume.phase
    }

    private static func classReason(_ volume: PersistentVolume, _ claim: PersistentVolumeClaim) -> String {
        func shown(_ name: String) -> String { name.isEmpty ? "no class" : "class \(name)" }
        return "\(shown(volume.storageClassName)), the claim wants \(shown(VolumeBindingRules.storageClass(of: claim)))"
    }

    private static func accessModeReason(_ volume: PersistentVolume, _ claim: PersistentVolumeClaim) -> String? {
        guard !VolumeBindingRules.accessModesSatisfied(claim, volume) else { return nil }
        let offered = volume.spec?.accessModes ?? []
        let missing = (claim.spec?.accessModes ?? []).filter { !offered.contains($0) }
        let offeredText = offered.isEmpty ? "no access modes" : offered.map(\.rawValue).joined(separator: ",")
        return "access modes: offers \(offeredText), lacks \(missing.map(\.rawValue).joined(separator: ","))"
    }

    /// Why the volume's node affinity keeps it from the claim's pod: it excludes the node the
    /// pod is on, or matches no node at all.
    private static func affinityReason(_ volume: PersistentVolume, nodes: [Node], targetNode: String?) -> String? {
        guard volume.spec?.nodeAffinity?.required != nil, !nodes.isEmpty else { return nil }
        let reachable = nodes.filter {
            VolumeBindingRules.nodeAffinitySatisfied(volume, nodeLabels: $0.metadata.labels ?? [:], nodeName: $0.name)
        }.map(\.name)
        if let targetNode, !reachable.contains(targetNode) {
            let elsewhere = reachable.isEmpty ? "no node" : reachable.joined(separator: ",")
            return "node affinity excludes \(targetNode), where the claim's pod is (it reaches \(elsewhere))"
        }
        return reachable.isEmpty ? "node affinity matches no node" : nil
    }
}
