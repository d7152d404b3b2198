import BallastAPI
import BallastClient
import Foundation
import Logging
import Synchronization

/// Why a binding cycle stopped.
struct BindingFailure: Error, CustomStringConvertible {
    enum Stage {
        /// Writing the volume decisions or waiting for the claims (upstream's PreBind).
        case volumes
        /// The pod's own binding.
        case bind
    }

    var stage: Stage
    var message: String
    /// The pod was deleted, replaced or bound by someone else: nothing to retry.
    var podGone = false

    var description: String { message }

    /// The FailedScheduling message, worded as kube-scheduler's.
    var eventMessage: String {
        switch stage {
        case .volumes: "running PreBind plugin \"VolumeBinding\": binding volumes: \(message)"
        case .bind: "binding rejected: \(message)"
        }
    }

    static func gone(_ message: String) -> BindingFailure { BindingFailure(stage: .bind, message: message, podGone: true) }
}

/// The binding cycle: write the volume decisions (claimRef on chosen volumes,
/// selected-node on claims to provision), wait until every claim of the pod is bound, then
/// bind the pod. A failure forgets the assumed pod and sends it back to the queue.
extension Scheduler {
    func bindingCycle(_ pod: Pod, decision: SchedulingDecision, attempts: Int, events: EventRecorder) async {
        let key = SchedulerCache.key(namespace: pod.namespace, name: pod.name)
        do {
            if !pod.claimKeys.isEmpty {
                let written = try await writeVolumeDecisions(decision.volumes, node: decision.node)
                try await waitForClaims(of: pod, decisions: decision.volumes, node: decision.node, written: written)
            }
            try await bind(pod, to: decision.node)
            events.record(pod, type: EventRecorder.normal, reason: EventReason.scheduled,
                          message: "Successfully assigned \(pod.namespace)/\(pod.name) to \(decision.node)")
        } catch let failure as BindingFailure {
            bindingFailed(pod, key: key, failure: failure, attempts: attempts, events: events)
        } catch {
            bindingFailed(pod, key: key, failure: BindingFailure(stage: .bind, message: "\(error)"), attempts: attempts, events: events)
        }
    }

    private func bindingFailed(_ pod: Pod, key: String, failure: BindingFailure, attempts: Int, events: EventRecorder) {
        let now = self.now
        state.withLock { state in state.cache.forget(podKey: key) }
        if failure.podGone { return }
        logger.info("binding failed", metadata: ["pod": "\(key)", "error": "\(failure.message)"])
        events.record(pod, type: EventRecorder.warning, reason: EventReason.failedScheduling, message: failure.eventMessage)
        if let latest = informers.pods.get(key: key), latest.uid == pod.uid, needsScheduling(latest) {
            state.withLock { $0.queue.readd(latest, attempts: attempts, now: now) }
        }
        clusterChanged()
    }

    // MARK: Volumes

    /// Writes the API side of volume decisions (bindAPIUpdate): claimRef on each chosen
    /// volume, selected-node on each claim to provision. Idempotent.
    /// - Returns: the resourceVersion each claim got from this write (claims that needed no
    ///   write are left out), so that a claim informer that lags is not taken for a reset.
    @discardableResult
    func writeVolumeDecisions(_ decisions: PodVolumeDecisions, node: String) async throws -> [String: UInt64] {
        for binding in decisions.staticBindings {
            try await updateRetrying(PersistentVolume.self, name: binding.volume, cached: informers.volumes.get(key: binding.volume)) { volume in
                guard let claim = self.informers.claims.get(key: binding.claim) else {
                    throw BindingFailure(stage: .volumes, message: "persistentvolumeclaim \"\(binding.claim)\" not found")
                }
                if VolumeBindingRules.isVolumeBound(volume, to: claim) { return false }
                if volume.spec?.claimRef != nil {
                    throw BindingFailure(stage: .volumes, message: "persistentvolume \"\(volume.name)\" is bound to another claim")
                }
                var spec = volume.spec ?? PersistentVolumeSpec()
                spec.claimRef = ObjectReference(kind: "PersistentVolumeClaim", namespace: claim.namespace, name: claim.name, uid: claim.uid,
                                                apiVersion: "v1", resourceVersion: claim.metadata.resourceVersion)
                volume.spec = spec
                volume.metadata.setAnnotation(VolumeBindingRules.boundByController, "yes")
                return true
            }
        }
        var written: [String: UInt64] = [:]
        for claimKey in decisions.dynamicProvisions {
            let (namespace, name) = Self.split(claimKey)
            let claim = try await updateRetrying(PersistentVolumeClaim.self, namespace: namespace, name: name, cached: informers.claims.get(key: claimKey)) { claim in
                let selected = claim.metadata.annotation(VolumeBindingRules.selectedNode)
                if selected == node { return false }
                if let selected, !selected.isEmpty {
                    throw BindingFailure(stage: .volumes, message: "persistentvolumeclaim \"\(claimKey)\" is already being provisioned on node \"\(selected)\"")
                }
                if !(claim.spec?.volumeName ?? "").isEmpty { return false }
                claim.metadata.setAnnotation(VolumeBindingRules.selectedNode, node)
                return true
            }
            if let version = UInt64(claim?.metadata.resourceVersion ?? "") { written[claimKey] = version }
        }
        return written
    }

    /// Updates an object with `change`, re-reading it on a conflict (three tries), and
    /// returns what was written. `change` returns false when nothing needs writing.
    @discardableResult
    private func updateRetrying<T: APIResource>(_ type: T.Type, namespace: String = "", name: String, cached: T?,
                                                _ change: (inout T) throws -> Bool) async throws -> T? {
        var current = cached
        for _ in 0..<3 {
            if current == nil {
                do {
                    current = try await client.getIfPresent(T.self, namespace: namespace, name: name)
                } catch {
                    throw BindingFailure(stage: .volumes, message: error.description)
                }
            }
            guard var object = current else {
                throw BindingFailure(stage: .volumes, message: "\(T.resource.singular) \"\(name)\" not found")
            }
            guard try change(&object) else { return nil }
            let result: Result<T, ClientError>
            do {
                result = .success(try await client.update(object))
            } catch {
                result = .failure(error)
            }
            switch result {
            case .success(let stored): return stored
            case .failure(let error) where error.isConflict: current = nil
            case .failure(let error): throw BindingFailure(stage: .volumes, message: error.description)
            }
        }
        throw BindingFailure(stage: .volumes, message: "\(T.resource.singular) \"\(name)\" kept changing while it was being updated")
    }

    /// Waits until every claim of the pod is bound (upstream's BindPodVolumes wait).
    func waitForClaims(of pod: Pod, decisions: PodVolumeDecisions, node: String, written: [String: UInt64]) async throws {
        let deadline = clock.now.advanced(by: configuration.bindTimeout)
        while true {
            if try claimsBound(of: pod, decisions: decisions, node: node, written: written) { return }
            if clock.now >= deadline { throw BindingFailure(stage: .volumes, message: "timed out waiting for the condition") }
            do { try await Task.sleep(for: configuration.bindPollInterval) } catch { throw BindingFailure.gone("the scheduler is stopping") }
        }
    }

    /// checkBindings: true when all the pod's claims are bound; throws when a decision can
    /// no longer come true (provisioning failed and cleared selected-node, the chosen volume
    /// went to another claim) or the pod is gone. A claim the informer shows older than
    /// `written` is not judged yet (upstream reads its assume cache for the same reason).
    private func claimsBound(of pod: Pod, decisions: PodVolumeDecisions, node: String, written: [String: UInt64]) throws -> Bool {
        let podKey = SchedulerCache.key(namespace: pod.namespace, name: pod.name)
        guard let current = informers.pods.get(key: podKey), current.uid == pod.uid, !current.metadata.isDeleting else {
            throw BindingFailure.gone("pod \(podKey) is gone")
        }
        var allBound = true
        for claimKey in Set(pod.claimKeys) {
            guard let claim = informers.claims.get(key: claimKey) else {
                throw BindingFailure(stage: .volumes, message: "persistentvolumeclaim \"\(claimKey)\" not found")
            }
            if VolumeBindingPlugin.isFullyBound(claim) {
                if informers.volumes.get(key: claim.spec?.volumeName ?? "") == nil { allBound = false }
                continue
            }
            allBound = false
            if decisions.dynamicProvisions.contains(claimKey) {
                if let version = written[claimKey], UInt64(claim.metadata.resourceVersion ?? "") ?? 0 < version { continue }
                if claim.metadata.annotation(VolumeBindingRules.selectedNode) != node {
                    throw BindingFailure(stage: .volumes, message: "selectedNode annotation reset for PVC \(claim.name)")
                }
            } else if let binding = decisions.staticBindings.first(where: { $0.claim == claimKey }) {
                guard let volume = informers.volumes.get(key: binding.volume) else {
                    throw BindingFailure(stage: .volumes, message: "persistentvolume \"\(binding.volume)\" not found")
                }
                if volume.spec?.claimRef != nil, !VolumeBindingRules.isVolumeBound(volume, to: claim) {
                    throw BindingFailure(stage: .volumes, message: "persistentvolume \"\(binding.volume)\" was bound to another claim")
                }
            } else if (claim.spec?.volumeName ?? "").isEmpty {
                // A claim that was bound when the pod was scheduled has lost its volume.
                throw BindingFailure(stage: .volumes, message: "persistentvolumeclaim \"\(claimKey)\" is not bound")
            }
        }
        return allBound
    }

    // MARK: The pod

    /// Binds the pod with POST pods/{name}/binding (the server sets spec.nodeName and
    /// PodScheduled=True). A 409 means the pod is bound already: by this scheduler (a
    /// retried request) or by someone else.
    func bind(_ pod: Pod, to node: String) async throws {
        let body: JSONValue = [
            "apiVersion": "v1", "kind": "Binding",
            "metadata": ["name": .string(pod.name), "namespace": .string(pod.namespace), "uid": .string(pod.uid)],
            "target": ["apiVersion": "v1", "kind": "Node", "name": .string(node)],
        ]
        let request = ClientRequest(method: "POST", path: KubeClient.path(Pod.self, namespace: pod.namespace, name: pod.name, subresource: "binding"),
                                    headers: [("Content-Type", "application/json")], body: body.serialized())
        let outcome: ClientError?
        do {
            _ = try await client.raw(request)
            outcome = nil
        } catch {
            outcome = error
        }
        guard let error = outcome else { return }
        if error.isNotFound { throw BindingFailure.gone("pod \(pod.namespace)/\(pod.name) is gone") }
        if error.isConflict {
            let current = try? await client.getIfPresent(Pod.self, namespace: pod.namespace, name: pod.name)
            guard let current, current.uid == pod.uid else { throw BindingFailure.gone("pod \(pod.namespace)/\(pod.name) is gone") }
            if current.spec?.nodeName == node { return }
            if let bound = current.spec?.nodeName, !bound.isEmpty {
                throw BindingFailure.gone("pod \(pod.namespace)/\(pod.name) is already assigned to node \"\(bound)\"")
            }
        }
        throw BindingFailure(stage: .bind, message: error.description)
    }

    static func split(_ key: String) -> (namespace: String, name: String) {
        guard let slash = key.firstIndex(of: "/") else { return ("", key) }
        return (String(key[..<slash]), String(key[key.index(after: slash)...]))
    }
}

extension Pod {
    /// "namespace/name" of the claims the pod's volumes use.
    var claimKeys: [String] { PodInfo(self).claimKeys }
}
