import BallastAPI
import BallastClient
import Synchronization

/// How informer events reach the cache and the queue. Any change that can let a waiting
/// pod fit (a node added or changed, a pod gone, a storage object added or changed) moves
/// the unschedulable pods back to the active queue (or to back-off), as kube-scheduler's
/// cluster events do.
extension Scheduler {
    func registerHandlers() {
        informers.pods.addHandler { event in self.handle(event) }
        informers.nodes.addHandler { event in
            let changed = self.state.withLock { state -> Bool in
                switch event {
                case .added(let node), .updated(_, let node): return state.cache.upsertNode(node)
                case .deleted(let node):
                    state.cache.removeNode(named: node.name)
                    return false
                }
            }
            if changed { self.clusterChanged() }
            // Pods that name a node that has just appeared can now get their claims.
            if case .added(let node) = event { self.enqueuePresetPods(onNode: node.name) }
        }
        informers.volumes.addHandler { event in
            self.state.withLock { state in
                switch event {
                case .added(let volume), .updated(_, let volume): state.cache.upsertVolume(volume)
                case .deleted(let volume): state.cache.removeVolume(named: volume.name)
                }
            }
            if case .deleted = event { return }
            self.clusterChanged()
        }
        informers.claims.addHandler { event in
            let users = self.state.withLock { state -> [String] in
                switch event {
                case .added(let claim), .updated(_, let claim):
                    state.cache.upsertClaim(claim)
                    let key = SchedulerCache.key(namespace: claim.namespace, name: claim.name)
                    return (state.cache.claimUsers[key] ?? [:]).keys.filter { state.cache.pods[$0]?.assumed == false }
                case .deleted(let claim):
                    state.cache.removeClaim(namespace: claim.namespace, name: claim.name)
                    return []
                }
            }
            for user in users { self.presetQueue.add(user) }
            self.clusterChanged()
        }
        informers.classes.addHandler { event in
            self.state.withLock { state in
                switch event {
                case .added(let storageClass), .updated(_, let storageClass): state.cache.upsertStorageClass(storageClass)
                case .deleted(let storageClass): state.cache.removeStorageClass(named: storageClass.name)
                }
            }
            self.clusterChanged()
        }
        informers.capacities.addHandler { event in
            self.state.withLock { state in
                switch event {
                case .added(let capacity), .updated(_, let capacity): state.cache.upsertCapacity(capacity)
                case .deleted(let capacity): state.cache.removeCapacity(namespace: capacity.namespace, name: capacity.name)
                }
            }
            self.clusterChanged()
        }
    }

    /// Retries unschedulable pods.
    func clusterChanged() {
        let now = self.now
        state.withLock { $0.queue.moveAllToActiveOrBackoff(now: now) }
        wake()
    }

    private func handle(_ event: InformerEvent<Pod>) {
        let now = self.now
        switch event {
        case .added(let pod), .updated(_, let pod):
            let key = SchedulerCache.key(namespace: pod.namespace, name: pod.name)
            let bound = !(pod.spec?.nodeName ?? "").isEmpty
            let (freed, queued) = state.withLock { state -> (Bool, Bool) in
                let wasPlaced = state.cache.isPlaced(key)
                if bound || pod.isTerminal {
                    state.cache.upsertPod(pod)
                    state.queue.remove(key)
                    return (pod.isTerminal && wasPlaced, false)
                }
                if needsScheduling(pod) {
                    // A pod assumed and being bound is the binding cycle's until it ends.
                    if state.cache.pods[key]?.assumed == true { return (false, false) }
                    state.queue.add(pod, now: now)
                    return (false, true)
                }
                state.queue.remove(key)
                return (false, false)
            }
            if freed { clusterChanged() } else if queued { wake() }
            if bound, !pod.isTerminal, pod.spec?.volumes?.isEmpty == false { presetQueue.add(key) }
        case .deleted(let pod):
            let key = SchedulerCache.key(namespace: pod.namespace, name: pod.name)
            let freed = state.withLock { state -> Bool in
                let wasPlaced = state.cache.isPlaced(key)
                state.cache.removePod(namespace: pod.namespace, name: pod.name)
                state.queue.remove(key)
                return wasPlaced
            }
            if freed { clusterChanged() }
        }
    }

    /// Queues the bound pods of a node for the preset-node check.
    func enqueuePresetPods(onNode node: String) {
        let keys = state.withLock { state in
            state.cache.pods.compactMap { $0.value.node == node && !$0.value.assumed && !$0.value.info.claims.isEmpty ? $0.key : nil }
        }
        for key in keys { presetQueue.add(key) }
    }
}
