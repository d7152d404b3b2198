import BallastAPI
import BallastClient
import Foundation

/// One pass of the StatefulSet algorithm over one set (updateStatefulSet upstream):
/// 1. every ordinal in range gets a Pod (claims first) — in OrderedReady mode one at a
///    time, waiting for each to be Running, Ready and available;
/// 2. failed or succeeded Pods are deleted so they come back;
/// 3. Pods beyond the range are removed from the highest ordinal down (their claims first
///    handed to the Pod when whenScaled is Delete);
/// 4. RollingUpdate deletes the highest Pod not at the update revision, down to the
///    partition, one at a time once the others are available.
struct StatefulSetPass {
    let controller: StatefulSetController
    let set: StatefulSet
    let pods: [Pod]
    let currentRevision: String
    let updateRevision: String
    let now: Date
    /// When a Ready Pod becomes available, if one is waiting for minReadySeconds.
    private(set) var nextAvailability: Date?

    /// A Pod of an ordinal in range: from the API, or one still to be created.
    private struct Slot {
        var pod: Pod
        var created: Bool
    }

    private var client: KubeClient { controller.client }
    private var minReady: Int32 { self.set.spec?.minReadySeconds ?? 0 }
    private var monotonic: Bool { self.set.spec?.podManagementPolicy != "Parallel" }

    init(controller: StatefulSetController, set: StatefulSet, pods: [Pod], currentRevision: String, updateRevision: String, now: Date) {
        self.controller = controller
        self.set = set
        self.pods = pods
        self.currentRevision = currentRevision
        self.updateRevision = updateRevision
        self.now = now
    }

    /// Acts on the set and returns the status to report.
    mutating func run() async throws -> StatefulSetStatus {
        let start = StatefulSetIdentity.startOrdinal(set)
        let count = max(0, StatefulSetIdentity.replicas(set))
        var found: [Int: Pod] = [:]
        var condemned: [Pod] = []
        for pod in pods {
            let ordinal = StatefulSetIdentity.ordinal(pod)
            if StatefulSetIdentity.inRange(ordinal, set) {
                found[ordinal] = pod
            } else if ordinal >= 0 {
                condemned.append(pod)
            }
        }
        let slots = (0..<count).map { index -> Slot in
            let ordinal = start + index
            if let pod = found[ordinal] { return Slot(pod: pod, created: true) }
            return Slot(pod: newVersionedPod(ordinal: ordinal), created: false)
        }
        condemned.sort { StatefulSetIdentity.ordinal($0) > StatefulSetIdentity.ordinal($1) }
        for slot in slots where slot.created { noteAvailability(slot.pod) }
        let firstUnavailable = slots.first { !isAvailable($0) }?.pod ?? condemned.reversed().first { !isAvailable(Slot(pod: $0, created: true)) }

        var status = computeStatus(slots, condemned)
        if set.metadata.isDeleting { return status }

        for index in slots.indices {
            if try await processReplica(slots[index]), monotonic { return status }
        }
        for pod in condemned where !claimsFollowPolicy(pod) {
            try await updateClaimOwners(pod)
        }
        for pod in condemned {
            if try await processCondemned(pod, firstUnavailable: firstUnavailable), monotonic { return status }
        }
        status = computeStatus(slots, condemned)
        guard set.spec?.updateStrategy?.type != "OnDelete" else { return status }
        let partition = Int(set.spec?.updateStrategy?.rollingUpdate?.partition ?? 0)
        for index in stride(from: slots.count - 1, through: max(partition, 0), by: -1) {
            let slot = slots[index]
            if StatefulSetIdentity.revision(of: slot.pod) != updateRevision && !slot.pod.metadata.isDeleting {
                if slot.created { try await deletePod(slot.pod) }
                status.currentReplicas = (status.currentReplicas ?? 0) - 1
                return status
            }
            if !isAvailable(slot) { return status }
        }
        return status
    }

    /// A Pod for `ordinal` at the revision it should have (newVersionedStatefulSetPod):
    /// below the partition the current revision, above it the update revision.
    private func newVersionedPod(ordinal: Int) -> Pod {
        let strategy = set.spec?.updateStrategy
        let start = StatefulSetIdentity.startOrdinal(set)
        let rolling = (strategy?.type ?? "RollingUpdate") == "RollingUpdate"
        let keepCurrent = (rolling && strategy?.rollingUpdate == nil && ordinal < start + Int(set.status?.currentReplicas ?? 0))
            || (strategy?.rollingUpdate != nil && ordinal < start + Int(strategy?.rollingUpdate?.partition ?? 0))
        if keepCurrent, currentRevision != updateRevision,
            let model = pods.first(where: { StatefulSetIdentity.revision(of: $0) == currentRevision }) {
            return StatefulSetIdentity.newPod(set, template: StatefulSetIdentity.template(from: model, set), revision: currentRevision,
                                              ordinal: ordinal)
        }
        return StatefulSetIdentity.newPod(set, template: set.spec?.template, revision: updateRevision, ordinal: ordinal)
    }

    private func isAvailable(_ slot: Slot) -> Bool {
        slot.created && StatefulSetIdentity.isAvailable(slot.pod, minReadySeconds: minReady, now: now)
    }

    private mutating func noteAvailability(_ pod: Pod) {
        guard StatefulSetIdentity.isRunningAndReady(pod), !pod.isAvailable(minReadySeconds: minReady, now: now),
            let at = pod.availableAt(minReadySeconds: minReady)
        else { return }
        nextAvailability = min(nextAvailability ?? at, at)
    }

    /// processReplica: returns whether an OrderedReady pass must stop here.
    private func processReplica(_ slot: Slot) async throws -> Bool {
        let pod = slot.pod
        if slot.created, pod.isTerminal {
            // A finished Pod of a set is replaced, whatever its exit code.
            if !pod.metadata.isDeleting { try await deletePod(pod) }
            return true
        }
        if !slot.created {
            if try await claimIsStale(pod) { return true }
            try await createClaims(for: pod)
            do {
                _ = try await client.create(pod)
            } catch {
                guard error.isAlreadyExists else { throw error }
                // The cache has not shown it yet.
            }
            return true
        }
        if pod.status?.phase == Pod.Phase.pending { try await createClaims(for: pod) }
        if pod.metadata.isDeleting { return true }
        if !StatefulSetIdentity.isRunningAndReady(pod) { return true }
        if !pod.isAvailable(minReadySeconds: minReady, now: now) { return true }
        if !StatefulSetIdentity.identityMatches(pod, set) {
            let patch: JSONValue = ["metadata": ["labels": .object([
                StatefulSetIdentity.podNameLabel: .string(pod.name),
                StatefulSetIdentity.podIndexLabel: .string(String(StatefulSetIdentity.ordinal(pod))),
            ])]]
            do {
                _ = try await client.patch(Pod.self, namespace: pod.namespace, name: pod.name, patch: patch, as: .merge)
            } catch {
                guard error.isNotFound else { throw error }
            }
        }
        if !claimsFollowPolicy(pod) { try await updateClaimOwners(pod) }
        return false
    }

    /// processCondemned: returns whether an OrderedReady pass must stop here.
    private func processCondemned(_ pod: Pod, firstUnavailable: Pod?) async throws -> Bool {
        if pod.metadata.isDeleting { return true }
        if monotonic, pod.uid != firstUnavailable?.uid, !StatefulSetIdentity.isAvailable(pod, minReadySeconds: minReady, now: now) {
            return true
        }
        try await deletePod(pod)
        return true
    }

    private func deletePod(_ pod: Pod) async throws {
        do {
            try await client.delete(Pod.self, namespace: pod.namespace, name: pod.name, options: DeleteOptions(preconditions: .init(uid: pod.uid)))
        } catch {
            guard error.isGoneOrChanged else { throw error }
            // Already gone, or a newer Pod took the name.
        }
    }

    // MARK: Claims

    private func claim(named name: String) -> PersistentVolumeClaim? {
        controller.claims.get(namespace: set.namespace, name: name)
    }

    /// A claim left from an earlier Pod of this name that the collector has yet to delete.
    private func claimIsStale(_ pod: Pod) async throws -> Bool {
        let ordinal = StatefulSetIdentity.ordinal(pod)
        for template in set.spec?.volumeClaimTemplates ?? [] {
            if let existing = claim(named: StatefulSetIdentity.claimName(template, set, ordinal)),
                StatefulSetClaims.isStale(existing, set: set, podName: pod.name, podUID: pod.uid) {
                return true
            }
        }
        return false
    }

    /// Creates the Pod's missing claims; a claim being deleted is an error to retry on.
    private func createClaims(for pod: Pod) async throws {
        let ordinal = StatefulSetIdentity.ordinal(pod)
        for template in set.spec?.volumeClaimTemplates ?? [] {
            let name = StatefulSetIdentity.claimName(template, set, ordinal)
            var existing = claim(named: name)
            if existing == nil { existing = try await client.getIfPresent(PersistentVolumeClaim.self, namespace: set.namespace, name: name) }
            if let existing {
                if existing.metadata.isDeleting {
                    throw ClientError.status(Status(status: "Failure", message: "pvc \(name) is being deleted", reason: "Conflict", code: 409))
                }
                continue
            }
            var claim = StatefulSetClaims.newClaim(template, set, ordinal: ordinal)
            StatefulSetClaims.updateOwners(&claim, set: set, pod: pod)
            do {
                _ = try await client.create(claim)
            } catch {
                guard error.isAlreadyExists else { throw error }
            }
        }
    }

    /// Whether every existing claim of the Pod has the owners the policy asks for.
    private func claimsFollowPolicy(_ pod: Pod) -> Bool {
        let ordinal = StatefulSetIdentity.ordinal(pod)
        return (set.spec?.volumeClaimTemplates ?? []).allSatisfy { template in
            guard let existing = claim(named: StatefulSetIdentity.claimName(template, set, ordinal)) else { return true }
            return StatefulSetClaims.ownerIsUpToDate(existing, set: set, pod: pod)
        }
    }

    private func updateClaimOwners(_ pod: Pod) async throws {
        let ordinal = StatefulSetIdentity.ordinal(pod)
        for template in set.spec?.volumeClaimTemplates ?? [] {
            guard var existing = claim(named: StatefulSetIdentity.claimName(template, set, ordinal)),
                !StatefulSetClaims.ownerIsUpToDate(existing, set: set, pod: pod)
            else { continue }
            StatefulSetClaims.updateOwners(&existing, set: set, pod: pod)
            let patch: JSONValue = ["metadata": .object([
                "ownerReferences": existing.metadata.ownerReferences.map { APICodec.encodeValue($0) } ?? .null,
                "uid": .string(existing.uid),
                "resourceVersion": .string(existing.metadata.resourceVersion ?? ""),
            ])]
            do {
                _ = try await client.patch(PersistentVolumeClaim.self, namespace: existing.namespace, name: existing.name, patch: patch, as: .merge)
            } catch {
                guard error.isNotFound else { throw error }
            }
        }
    }

    // MARK: Status

    private func computeStatus(_ slots: [Slot], _ condemned: [Pod]) -> StatefulSetStatus {
        var status = StatefulSetStatus(observedGeneration: set.metadata.generation, replicas: 0, readyReplicas: 0, currentReplicas: 0,
                                       updatedReplicas: 0, currentRevision: currentRevision, updateRevision: updateRevision,
                                       collisionCount: set.status?.collisionCount ?? 0, availableReplicas: 0)
        for pod in slots.filter(\.created).map(\.pod) + condemned {
            status.replicas = (status.replicas ?? 0) + 1
            if StatefulSetIdentity.isRunningAndReady(pod) {
                status.readyReplicas = (status.readyReplicas ?? 0) + 1
                if pod.isAvailable(minReadySeconds: minReady, now: now) { status.availableReplicas = (status.availableReplicas ?? 0) + 1 }
            }
            if !pod.metadata.isDeleting {
                let revision = StatefulSetIdentity.revision(of: pod)
                if revision == currentRevision { status.currentReplicas = (status.currentReplicas ?? 0) + 1 }
                if revision == updateRevision { status.updatedReplicas = (status.updatedReplicas ?? 0) + 1 }
            }
        }
        return status
    }
}
