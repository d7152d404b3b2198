import BallastAPI
import BallastClient
import Logging
import Synchronization

/// Pods that name spec.nodeName themselves skip scheduling, and in Kubernetes their
/// WaitForFirstConsumer claims then wait forever, because only the scheduler writes
/// selected-node (storage-rules pain 8). Ballast's scheduler writes it for them: each such
/// claim is provisioned on (or matched to a free volume of) the named node.
extension Scheduler {
    func syncPresetPod(_ key: String) async throws -> Workers.Outcome {
        guard let pod = informers.pods.get(key: key), let node = pod.spec?.nodeName, !node.isEmpty, !pod.isTerminal,
            !pod.metadata.isDeleting
        else { return .done }
        let info = PodInfo(pod)
        if info.claims.isEmpty { return .done }
        let result = state.withLock { state -> Result<PodVolumeDecisions, PluginStatus>? in
            guard let nodeInfo = state.cache.nodeInfo(named: node) else { return nil }
            return VolumeBindingPlugin.decisions(for: info, on: nodeInfo, in: state.cache)
        }
        // An unknown node: the node handler queues the pod again when the node appears.
        guard let result else { return .done }
        switch result {
        case .success(let decisions):
            if decisions.isEmpty { return .done }
            do {
                try await writeVolumeDecisions(decisions, node: node)
            } catch let failure as BindingFailure {
                logger.info("volumes of a pod with spec.nodeName", metadata: ["pod": "\(key)", "error": "\(failure.message)"])
                return .requeue(after: 5)
            }
            return .done
        case .failure(let status):
            // A missing claim comes back through the claim handler; storage that does not
            // fit yet is checked again a little later.
            logger.debug("pod with spec.nodeName cannot use its volumes there", metadata: ["pod": "\(key)", "reason": "\(status.message)"])
            return .requeue(after: 5)
        }
    }
}
