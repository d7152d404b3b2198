import BallastAPI
import BallastClient
import BallastControllers
import BallastScheduler
import BallastTesting
import Foundation

/// A real API server with the scheduler (and, where a test asks, the real PV controller)
/// running against it; Node objects are created through the API as node agents would.
struct LiveCluster {
    let server: InProcessServer
    var client: KubeClient { server.client }

    /// Runs `body` with a scheduler running; the PV controller runs too when `binder` is set.
    static func with(binder: Bool = false, _ body: (LiveCluster) async throws -> Void) async throws {
        try await InProcessServer.with { server in
            let client = server.client
            let scheduler = Task {
                await Scheduler(client: client, configuration: .init(bindPollInterval: .milliseconds(20))).run()
            }
            let controller = binder
                ? Task { await PersistentVolumeController(client: client, plugins: VolumePlugins(provisioners: [], nodeProvisioners: [LiveCluster.provisioner]),
                                                          resyncInterval: 2).run() }
                : nil
            defer {
                scheduler.cancel()
                controller?.cancel()
            }
            try await body(LiveCluster(server: server))
            scheduler.cancel()
            controller?.cancel()
            _ = await scheduler.value
            _ = await controller?.value
        }
    }

    static let provisioner = "ballast.io/lvm"

    static func q(_ text: String) -> Quantity {
        guard let value = try? Quantity(parsing: text) else { fatalError("bad quantity \(text) in a test") }
        return value
    }

    // MARK: Objects

    @discardableResult
    func node(_ name: String, cpu: String = "4", memory: String = "8Gi", labels: [String: String] = [:], unschedulable: Bool? = nil) async throws -> Node {
        var allLabels = ["kubernetes.io/hostname": name]
        for (key, value) in labels { allLabels[key] = value }
        let created = try await client.create(Node(metadata: ObjectMeta(name: name, labels: allLabels), spec: NodeSpec(unschedulable: unschedulable)))
        var withStatus = created
        let allocatable = ["cpu": Self.q(cpu), "memory": Self.q(memory), "pods": Self.q("110")]
        withStatus.status = NodeStatus(capacity: allocatable, allocatable: allocatable, conditions: [NodeCondition(type: "Ready", status: "True")])
        return try await client.updateStatus(withStatus)
    }

    @discardableResult
    func pod(_ name: String, cpu: String? = nil, claims: [String] = [], nodeName: String? = nil) async throws -> Pod {
        var container = Container(name: "c", image: "busybox")
        if let cpu { container.resources = ResourceRequirements(requests: ["cpu": Self.q(cpu)]) }
        let volumes = claims.map { Volume(name: "v-\($0)", source: VolumeSource(persistentVolumeClaim: PersistentVolumeClaimVolumeSource(claimName: $0))) }
        let spec = PodSpec(volumes: volumes.isEmpty ? nil : volumes, containers: [container], nodeName: nodeName)
        return try await client.create(Pod(metadata: ObjectMeta(name: name, namespace: "default"), spec: spec))
    }

    func storageClass(_ name: String = "local", mode: String = VolumeBindingMode.waitForFirstConsumer, provisioner: String = LiveCluster.provisioner,
                      parameters: [String: String]? = nil) async throws {
        _ = try await client.create(StorageClass(metadata: ObjectMeta(name: name), provisioner: provisioner, parameters: parameters,
                                                 volumeBindingMode: mode))
    }

    @discardableResult
    func claim(_ name: String, size: String = "1Gi", storageClass: String = "local") async throws -> PersistentVolumeClaim {
        try await client.create(PersistentVolumeClaim(
            metadata: ObjectMeta(name: name, namespace: "default"),
            spec: PersistentVolumeClaimSpec(accessModes: [.readWriteOnce], resources: VolumeResourceRequirements(requests: ["storage": Self.q(size)]),
                                            storageClassName: storageClass)))
    }

    /// What a node agent publishes: the free space of its VG for a class.
    func capacity(node: String, _ size: String, storageClass: String = "local") async throws {
        let name = "\(node)-\(storageClass)"
        let object = CSIStorageCapacity(metadata: ObjectMeta(name: name, namespace: "default"),
                                        nodeTopology: LabelSelector(matchLabels: ["kubernetes.io/hostname": node]),
                                        storageClassName: storageClass, capacity: Self.q(size))
        if var existing = try await client.getIfPresent(CSIStorageCapacity.self, namespace: "default", name: name) {
            existing.capacity = Self.q(size)
            _ = try await client.update(existing)
        } else {
            _ = try await client.create(object)
        }
    }

    /// A local PV on a node, as an administrator or a node agent makes it.
    func localVolume(_ name: String, node: String, size: String = "1Gi", storageClass: String = "local",
                     claim: PersistentVolumeClaim? = nil) async throws {
        var spec = PersistentVolumeSpec()
        spec.capacity = ["storage": Self.q(size)]
        spec.accessModes = [.readWriteOnce]
        spec.storageClassName = storageClass
        spec.persistentVolumeReclaimPolicy = PersistentVolumeReclaimPolicy.retain
        spec.local = LocalVolumeSource(path: "/var/lib/ballast/volumes/\(name)")
        spec.nodeAffinity = VolumeNodeAffinity(required: NodeSelector(nodeSelectorTerms: [
            NodeSelectorTerm(matchExpressions: [NodeSelectorRequirement(key: "kubernetes.io/hostname", operator: "In", values: [node])])
        ]))
        if let claim {
            spec.claimRef = ObjectReference(kind: "PersistentVolumeClaim", namespace: claim.namespace, name: claim.name, uid: claim.uid, apiVersion: "v1")
        }
        var metadata = ObjectMeta(name: name)
        if claim != nil { metadata.setAnnotation(VolumeBindingRules.provisionedBy, Self.provisioner) }
        _ = try await client.create(PersistentVolume(metadata: metadata, spec: spec))
    }

    /// Plays the node agent of the selected node: makes the claim's volume there.
    func provision(_ claimName: String) async throws -> String {
        let claim = try await client.get(PersistentVolumeClaim.self, namespace: "default", name: claimName)
        let node = claim.metadata.annotation(VolumeBindingRules.selectedNode) ?? ""
        try await localVolume("pvc-\(claim.uid)", node: node, size: claim.spec?.storageRequest?.description ?? "1Gi", claim: claim)
        return node
    }

    // MARK: Reading

    func get(_ pod: String) async throws -> Pod { try await client.get(Pod.self, namespace: "default", name: pod) }

    func nodeName(of pod: String) async throws -> String? {
        let node = try await get(pod).spec?.nodeName ?? ""
        return node.isEmpty ? nil : node
    }

    func selectedNode(of claim: String) async throws -> String? {
        try await client.get(PersistentVolumeClaim.self, namespace: "default", name: claim).metadata.annotation(VolumeBindingRules.selectedNode)
    }

    /// The messages of the events about a pod with this reason, newest last.
    func events(about pod: String, reason: String) async throws -> [String] {
        try await client.list(Event.self, namespace: "default").items
            .filter { $0.involvedObject?.name == pod && $0.reason == reason }
            .sorted { ($0.lastTimestamp?.description ?? "") < ($1.lastTimestamp?.description ?? "") }
            .compactMap(\.message)
    }

    func eventually(timeout: TimeInterval = 20, _ condition: () async throws -> Bool) async rethrows -> Bool {
        try await InProcessServer.eventually(timeout: timeout, condition)
    }
}
