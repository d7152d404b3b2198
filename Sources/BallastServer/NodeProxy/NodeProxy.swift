/// The subresources the API server serves by asking the node a pod runs on (upstream's
/// kubelet proxy): pods/log and pods/exec, and nodes/proxy (the agent's /metrics).
enum NodeProxy {
    /// Handlers by "resource/subresource", for `ServerContext.subresources`.
    static let handlers: [String: any SubresourceHandler] = ["pods/log": PodLogProxy(), "pods/exec": PodExecProxy(),
                                                             "nodes/proxy": NodeHTTPProxy()]
}
