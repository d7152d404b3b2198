extension Pod {
    /// The priority classes every cluster has, which the Priority admission plugin resolves.
    public static let systemPriorityClasses: [String: Int32] = [
        "system-node-critical": 2_000_001_000,
        "system-cluster-critical": 2_000_000_000,
    ]

    /// SetDefaults_PodSpec, SetDefaults_Pod and the priority the Priority admission plugin
    /// fills in. Idempotent.
    public mutating func applyDefaults() {
        var spec = self.spec ?? PodSpec()
        spec.applyDefaults()
        // Only a Pod, not a template, gets requests copied from limits.
        spec.containers = spec.containers?.map(Pod.requestsFromLimits)
        spec.initContainers = spec.initContainers?.map(Pod.requestsFromLimits)
        if spec.enableServiceLinks == nil { spec.enableServiceLinks = true }
        if spec.hostNetwork == true {
            spec.containers = spec.containers?.map(Pod.hostPortsFromContainerPorts)
            spec.initContainers = spec.initContainers?.map(Pod.hostPortsFromContainerPorts)
        }
        // Priority admission: without a class the Pod gets priority 0; a named class other
        // than the built-in ones is resolved by the server, which knows the PriorityClasses.
        let className = spec.priorityClassName ?? ""
        if spec.priority == nil {
            if className.isEmpty {
                spec.priority = 0
            } else if let value = Pod.systemPriorityClasses[className] {
                spec.priority = value
            }
        }
        if spec.preemptionPolicy == nil, className.isEmpty || Pod.systemPriorityClasses[className] != nil {
            spec.preemptionPolicy = "PreemptLowerPriority"
        }
        self.spec = spec
    }

    private static func requestsFromLimits(_ container: Container) -> Container {
        guard let limits = container.resources?.limits else { return container }
        var container = container
        var requests = container.resources?.requests ?? [:]
        for (name, quantity) in limits where requests[name] == nil { requests[name] = quantity }
        container.resources?.requests = requests
        return container
    }

    private static func hostPortsFromContainerPorts(_ container: Container) -> Container {
        var container = container
        container.ports = container.ports?.map { port in
            var port = port
            if (port.hostPort ?? 0) == 0 { port.hostPort = port.containerPort }
            return port
        }
        return container
    }
}
