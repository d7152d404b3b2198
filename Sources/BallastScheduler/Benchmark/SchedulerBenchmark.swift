public import BallastAPI

/// A scheduler_perf-style workload: simulated nodes and pods, scheduled by the real
/// `SchedulingAlgorithm` over a real `SchedulerCache`, each decision assumed before the next
/// pod as the live scheduler does. Measures the scheduling cycle alone (no API writes); the
/// live benchmark in `ballast bench scheduler --live` adds the API server.
public enum SchedulerBenchmark {
    /// What to schedule.
    public struct Workload: Sendable {
        public var name: String
        public var nodes: Int
        public var pods: Int
        /// Each pod has its own WaitForFirstConsumer claim of `claimSize`, provisioned on a
        /// node whose free capacity (CSIStorageCapacity) is `nodeCapacity`.
        public var withClaims: Bool
        public var claimSize: String
        public var nodeCapacity: String

        public init(name: String, nodes: Int, pods: Int, withClaims: Bool = false, claimSize: String = "1Gi", nodeCapacity: String = "100Gi") {
            self.name = name
            self.nodes = nodes
            self.pods = pods
            self.withClaims = withClaims
            self.claimSize = claimSize
            self.nodeCapacity = nodeCapacity
        }

        /// kube-scheduler's SchedulingBasic at 5,000 nodes.
        public static let plain = Workload(name: "plain pods", nodes: 5000, pods: 10000)
        /// One WaitForFirstConsumer claim per pod, on simulated per-node capacity.
        public static let claims = Workload(name: "pods with a WaitForFirstConsumer claim", nodes: 5000, pods: 5000, withClaims: true)
    }

    /// What a run measured.
    public struct Measurement: Sendable {
        public var workload: Workload
        public var scheduled: Int
        public var unschedulable: Int
        public var seconds: Double
        public var podsPerSecond: Double { seconds > 0 ? Double(scheduled + unschedulable) / seconds : 0 }
    }

    /// The class the claim workload provisions with.
    public static let storageClassName = "bench-local"

    /// A simulated node: 4 cpu, 32 GiB, 110 pods, a zone label (as scheduler_perf's node-default).
    public static func node(_ index: Int) -> Node {
        let name = "node-\(index)"
        let allocatable = ["cpu": quantity("4"), "memory": quantity("32Gi"), "pods": quantity("110")]
        return Node(metadata: ObjectMeta(name: name, labels: ["kubernetes.io/hostname": name, "topology.kubernetes.io/zone": "zone-\(index % 3)"]),
                    spec: NodeSpec(),
                    status: NodeStatus(capacity: allocatable, allocatable: allocatable, conditions: [NodeCondition(type: "Ready", status: "True")]))
    }

    /// A simulated pod requesting 100m cpu and 500Mi (scheduler_perf's pod-default), with
    /// its claim when asked.
    public static func pod(_ index: Int, namespace: String = "bench", claim: String? = nil) -> Pod {
        var container = Container(name: "pause", image: "registry.k8s.io/pause:3.10")
        container.resources = ResourceRequirements(requests: ["cpu": quantity("100m"), "memory": quantity("500Mi")])
        let volumes = claim.map { [Volume(name: "data", source: VolumeSource(persistentVolumeClaim: PersistentVolumeClaimVolumeSource(claimName: $0)))] }
        return Pod(metadata: ObjectMeta(name: "pod-\(index)", namespace: namespace, uid: "bench-pod-\(index)"),
                   spec: PodSpec(volumes: volumes, containers: [container]))
    }

    /// A claim of the benchmark class.
    public static func claim(_ name: String, namespace: String = "bench", size: String) -> PersistentVolumeClaim {
        PersistentVolumeClaim(
            metadata: ObjectMeta(name: name, namespace: namespace, uid: "bench-\(name)", resourceVersion: "1"),
            spec: PersistentVolumeClaimSpec(accessModes: [.readWriteOnce], resources: VolumeResourceRequirements(requests: ["storage": quantity(size)]),
                                            storageClassName: storageClassName),
            status: PersistentVolumeClaimStatus(phase: PersistentVolumeClaimPhase.pending))
    }

    /// The benchmark class: WaitForFirstConsumer, a node-local provisioner.
    public static var storageClass: StorageClass {
        StorageClass(metadata: ObjectMeta(name: storageClassName), provisioner: "ballast.io/lvm",
                     volumeBindingMode: VolumeBindingMode.waitForFirstConsumer)
    }

    /// A node's published free capacity for the benchmark class.
    public static func capacity(node index: Int, namespace: String = "bench", size: String) -> CSIStorageCapacity {
        CSIStorageCapacity(metadata: ObjectMeta(name: "node-\(index)-\(storageClassName)", namespace: namespace, resourceVersion: "1"),
                           nodeTopology: LabelSelector(matchLabels: ["kubernetes.io/hostname": "node-\(index)"]),
                           storageClassName: storageClassName, capacity: quantity(size))
    }

    static func quantity(_ text: String) -> Quantity {
        // The texts above are constants that parse.
        (try? Quantity(parsing: text)) ?? Quantity(0)
    }

    /// Builds the cluster, then schedules every pod, timing only the scheduling.
    /// - Parameter clock: returns seconds from any fixed origin (injected so the module
    ///   needs no Foundation).
    public static func run(_ workload: Workload, seed: UInt64 = 1, clock: () -> Double) -> Measurement {
        var cache = SchedulerCache()
        for index in 0..<workload.nodes { cache.upsertNode(node(index)) }
        var pods: [PodInfo] = []
        pods.reserveCapacity(workload.pods)
        if workload.withClaims {
            cache.upsertStorageClass(storageClass)
            for index in 0..<workload.nodes { cache.upsertCapacity(capacity(node: index, size: workload.nodeCapacity)) }
        }
        for index in 0..<workload.pods {
            if workload.withClaims {
                let name = "claim-\(index)"
                cache.upsertClaim(claim(name, size: workload.claimSize))
                pods.append(PodInfo(pod(index, claim: name)))
            } else {
                pods.append(PodInfo(pod(index)))
            }
        }
        var algorithm = SchedulingAlgorithm(seed: seed)
        var scheduled = 0
        var unschedulable = 0
        let start = clock()
        for info in pods {
            switch algorithm.schedule(info, in: cache) {
            case .success(let decision):
                cache.assume(info, on: decision.node, volumes: decision.volumes)
                scheduled += 1
            case .failure:
                unschedulable += 1
            }
        }
        let seconds = clock() - start
        return Measurement(workload: workload, scheduled: scheduled, unschedulable: unschedulable, seconds: seconds)
    }
}
