import ArgumentParser
import BallastAPI
import BallastClient
import Foundation

/// Binding and provisioning speed against a running cluster: static PV/PVC pairs bound
/// (from the last create to the last Bound), or claims of a provisioning class
/// (claims Bound per second).
struct BenchBinding: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "binding", abstract: "Measure PV/PVC binding or provisioning speed.")

    @Option(help: "The cluster's kubeconfig.") var kubeconfig: String
    @Option(help: "Static PV/PVC pairs to bind, or claims to provision with --class.") var count = 1000
    @Option(name: .customLong("class"), help: "Provision claims of this StorageClass instead of binding static pairs.") var className: String?
    @Option(help: "Concurrent clients creating objects.") var clients = 8

    func run() async throws {
        let client = KubeClient(transport: try KubeconfigFile.load(path: kubeconfig).transport(), fieldManager: "ballast-bench")
        let tag = "bench-\(UInt32.random(in: 0...UInt32.max))"
        _ = try await client.create(Namespace(metadata: ObjectMeta(name: tag)))
        let storageClass = className ?? tag
        let listed = try await client.list(PersistentVolumeClaim.self, namespace: tag)
        let events = try await client.watch(PersistentVolumeClaim.self, namespace: tag, resourceVersion: String(listed.resourceVersion))
        let started = Date()
        if className == nil {
            try await createAll { index in
                var volume = PersistentVolume(metadata: ObjectMeta(name: "\(tag)-\(index)"))
                volume.spec = PersistentVolumeSpec(capacity: [ResourceName.storage: Quantity(1 << 30)], accessModes: [.readWriteOnce],
                                                   persistentVolumeReclaimPolicy: PersistentVolumeReclaimPolicy.retain, storageClassName: storageClass)
                volume.spec?.hostPath = HostPathVolumeSource(path: "/tmp/\(tag)/\(index)")
                _ = try await client.create(volume)
            }
        }
        try await createAll { index in
            var claim = PersistentVolumeClaim(metadata: ObjectMeta(name: "claim-\(index)", namespace: tag))
            claim.spec = PersistentVolumeClaimSpec(accessModes: [.readWriteOnce], resources: VolumeResourceRequirements(requests: [ResourceName.storage: Quantity(1 << 30)]),
                                                   storageClassName: storageClass)
            _ = try await client.create(claim)
        }
        let lastCreate = Date()
        var bound = Set<String>()
        for try await event in events {
            guard let claim = event.object, claim.phase == PersistentVolumeClaimPhase.bound else { continue }
            bound.insert(claim.name)
            if bound.count == count { break }
        }
        let done = Date()
        if className == nil {
            print(String(format: "%d static pairs: last create to last Bound %.2f s (creates took %.2f s)", count,
                         done.timeIntervalSince(lastCreate), lastCreate.timeIntervalSince(started)))
        } else {
            print(String(format: "%d claims of class %@: all Bound after %.2f s = %.0f claims/s", count, storageClass,
                         done.timeIntervalSince(started), Double(count) / done.timeIntervalSince(started)))
        }
    }

    /// Runs `make(0..<count)` from `clients` concurrent workers.
    private func createAll(_ make: @escaping @Sendable (Int) async throws -> Void) async throws {
        let count = self.count, clients = self.clients
        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in 0..<clients {
                group.addTask {
                    for index in stride(from: worker, to: count, by: clients) { try await make(index) }
                }
            }
            try await group.waitForAll()
        }
    }
}
