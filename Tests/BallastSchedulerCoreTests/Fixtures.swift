import BallastAPI

#if canImport(SchedulerCore)
@testable import SchedulerCore
#else
@testable import BallastScheduler
#endif

/// Builders for the API objects the scheduler's core reads. The core is pure logic over
/// these types, so fixtures stand in for what informers would deliver.
enum Fixture {
    static func q(_ text: String) -> Quantity {
        guard let value = try? Quantity(parsing: text) else { fatalError("bad quantity \(text) in a test fixture") }
        return value
    }

    static func node(_ name: String, cpu: String = "4", memory: String = "8Gi", pods: String = "110",
                     labels: [String: String] = [:], taints: [Taint]? = nil, unschedulable: Bool? = nil,
                     ready: String? = "True", extra: [String: String] = [:]) -> Node {
        var allLabels = ["kubernetes.io/hostname": name]
        for (key, value) in labels { allLabels[key] = value }
        var allocatable = ["cpu": q(cpu), "memory": q(memory), "pods": q(pods)]
        for (key, value) in extra { allocatable[key] = q(value) }
        let conditions = ready.map { [NodeCondition(type: "Ready", status: $0)] }
        return Node(metadata: ObjectMeta(name: name, labels: allLabels),
                    spec: NodeSpec(unschedulable: unschedulable, taints: taints),
                    status: NodeStatus(capacity: allocatable, allocatable: allocatable, conditions: conditions))
    }

    static func container(_ name: String = "c", cpu: String? = nil, memory: String? = nil, restartPolicy: String? = nil,
                          hostPort: Int32? = nil) -> Container {
        var requests: [String: Quantity] = [:]
        if let cpu { requests["cpu"] = q(cpu) }
        if let memory { requests["memory"] = q(memory) }
        var container = Container(name: name, image: "busybox")
        if !requests.isEmpty { container.resources = ResourceRequirements(requests: requests) }
        container.restartPolicy = restartPolicy
        if let hostPort { container.ports = [ContainerPort(hostPort: hostPort, containerPort: hostPort)] }
        return container
    }

    static func pod(_ name: String, namespace: String = "default", uid: String? = nil, cpu: String? = nil, memory: String? = nil,
                    claims: [String] = [], ephemeral: [String] = [], nodeName: String? = nil, nodeSelector: [String: String]? = nil,
                    affinity: Affinity? = nil, tolerations: [Toleration]? = nil, containers: [Container]? = nil,
                    initContainers: [Container]? = nil, hostPort: Int32? = nil, phase: String? = nil) -> Pod {
        var volumes = claims.map { Volume(name: "vol-\($0)", source: VolumeSource(persistentVolumeClaim: PersistentVolumeClaimVolumeSource(claimName: $0))) }
        volumes += ephemeral.map { Volume(name: $0, source: VolumeSource(ephemeral: EphemeralVolumeSource())) }
        let spec = PodSpec(
            volumes: volumes.isEmpty ? nil : volumes, initContainers: initContainers,
            containers: containers ?? [container(cpu: cpu, memory: memory, hostPort: hostPort)], nodeSelector: nodeSelector,
            nodeName: nodeName, affinity: affinity, tolerations: tolerations)
        return Pod(metadata: ObjectMeta(name: name, namespace: namespace, uid: uid ?? "uid-\(name)"), spec: spec,
                   status: phase.map { PodStatus(phase: $0) })
    }

    static func storageClass(_ name: String, provisioner: String = "ballast.io/local-lvm", mode: String = VolumeBindingMode.waitForFirstConsumer,
                             parameters: [String: String]? = nil, allowedTopologies: [TopologySelectorTerm]? = nil) -> StorageClass {
        StorageClass(metadata: ObjectMeta(name: name), provisioner: provisioner, parameters: parameters, volumeBindingMode: mode,
                     allowedTopologies: allowedTopologies)
    }

    static func claim(_ name: String, namespace: String = "default", size: String = "1Gi", storageClass: String? = "local",
                      modes: [PersistentVolumeAccessMode] = [.readWriteOnce], volumeName: String? = nil, bound: Bool = false,
                      selectedNode: String? = nil, phase: String? = nil, resourceVersion: String = "1",
                      owner: OwnerReference? = nil) -> PersistentVolumeClaim {
        var meta = ObjectMeta(name: name, namespace: namespace, uid: "uid-\(name)", resourceVersion: resourceVersion)
        if bound { meta.setAnnotation(VolumeBindingRules.bindCompleted, "yes") }
        if let selectedNode { meta.setAnnotation(VolumeBindingRules.selectedNode, selectedNode) }
        if let owner { meta.ownerReferences = [owner] }
        return PersistentVolumeClaim(
            metadata: meta,
            spec: PersistentVolumeClaimSpec(accessModes: modes, resources: VolumeResourceRequirements(requests: ["storage": q(size)]),
                                            volumeName: volumeName, storageClassName: storageClass, volumeMode: PersistentVolumeMode.filesystem),
            status: PersistentVolumeClaimStatus(phase: phase ?? (bound ? PersistentVolumeClaimPhase.bound : PersistentVolumeClaimPhase.pending)))
    }

    /// A node-affinity term pinning to nodes by a label.
    static func affinity(_ key: String, _ values: [String]) -> VolumeNodeAffinity {
        VolumeNodeAffinity(required: NodeSelector(nodeSelectorTerms: [
            NodeSelectorTerm(matchExpressions: [NodeSelectorRequirement(key: key, operator: "In", values: values)])
        ]))
    }

    static func volume(_ name: String, size: String = "1Gi", storageClass: String = "local", node: String? = nil,
                       affinity: VolumeNodeAffinity? = nil, modes: [PersistentVolumeAccessMode] = [.readWriteOnce],
                       claimRef: ObjectReference? = nil, phase: String = PersistentVolumePhase.available,
                       labels: [String: String]? = nil, resourceVersion: String = "1") -> PersistentVolume {
        var spec = PersistentVolumeSpec()
        spec.capacity = ["storage": q(size)]
        spec.accessModes = modes
        spec.storageClassName = storageClass
        spec.volumeMode = PersistentVolumeMode.filesystem
        spec.persistentVolumeReclaimPolicy = PersistentVolumeReclaimPolicy.retain
        spec.nodeAffinity = affinity ?? node.map { Self.affinity("kubernetes.io/hostname", [$0]) }
        spec.claimRef = claimRef
        spec.local = LocalVolumeSource(path: "/mnt/\(name)")
        return PersistentVolume(metadata: ObjectMeta(name: name, resourceVersion: resourceVersion, labels: labels), spec: spec,
                                status: PersistentVolumeStatus(phase: phase))
    }

    static func capacity(_ name: String, namespace: String = "kube-system", storageClass: String = "local", node: String? = nil,
                         topology: LabelSelector? = nil, capacity: String? = nil, maximumVolumeSize: String? = nil,
                         resourceVersion: String = "1") -> CSIStorageCapacity {
        CSIStorageCapacity(
            metadata: ObjectMeta(name: name, namespace: namespace, resourceVersion: resourceVersion),
            nodeTopology: topology ?? node.map { LabelSelector(matchLabels: ["kubernetes.io/hostname": $0]) },
            storageClassName: storageClass, capacity: capacity.map(q), maximumVolumeSize: maximumVolumeSize.map(q))
    }

    static func toleration(_ key: String? = nil, operator op: String? = nil, value: String? = nil, effect: String? = nil) -> Toleration {
        Toleration(key: key, operator: op, value: value, effect: effect)
    }

    /// A cache holding these objects.
    static func cache(nodes: [Node] = [], pods: [Pod] = [], classes: [StorageClass] = [], claims: [PersistentVolumeClaim] = [],
                      volumes: [PersistentVolume] = [], capacities: [CSIStorageCapacity] = [],
                      drivers: [String: Bool] = [:]) -> SchedulerCache {
        var cache = SchedulerCache()
        for node in nodes { cache.upsertNode(node) }
        for storageClass in classes { cache.upsertStorageClass(storageClass) }
        for claim in claims { cache.upsertClaim(claim) }
        for volume in volumes { cache.upsertVolume(volume) }
        for capacity in capacities { cache.upsertCapacity(capacity) }
        for (driver, enabled) in drivers { cache.setStorageCapacityTracking(driver: driver, enabled: enabled) }
        for pod in pods { cache.upsertPod(pod) }
        return cache
    }

    /// Schedules with a fixed seed; nodes are few, so every node is looked at.
    static func schedule(_ pod: Pod, in cache: SchedulerCache) -> Result<SchedulingDecision, SchedulingFailure> {
        var algorithm = SchedulingAlgorithm(seed: 42)
        return algorithm.schedule(pod, in: cache)
    }
}

extension Result {
    var success: Success? {
        if case .success(let value) = self { return value }
        return nil
    }

    var failure: Failure? {
        if case .failure(let error) = self { return error }
        return nil
    }
}
