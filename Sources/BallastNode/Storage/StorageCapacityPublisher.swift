import BallastAPI
import BallastClient
import BallastStorage
import Foundation
import Logging

/// Publishes this node's free space for every StorageClass of its local drivers as one
/// CSIStorageCapacity per class (what external-provisioner's capacity controller does with
/// per-node topology), which the scheduler reads to place pods with claims not yet made.
///
/// Refreshed every `interval`, at once when a class changes, and when `refresh()` is called
/// (after a volume is made or removed). Objects of classes that went away are removed.
final class StorageCapacityPublisher: Sendable {
    static let namespace = "kube-system"
    static let managedByLabel = "csi.storage.k8s.io/managed-by"
    static let driverLabel = "csi.storage.k8s.io/drivername"

    private let client: KubeClient
    private let nodeName: String
    private let drivers: [String: any VolumeProvisioner]
    private let classes: Informer<StorageClass>
    private let interval: Duration
    private let logger: Logger
    private let wakeups: AsyncStream<Void>
    private let wake: AsyncStream<Void>.Continuation

    init(client: KubeClient, nodeName: String, drivers: [String: any VolumeProvisioner], classes: Informer<StorageClass>,
         interval: Duration = .seconds(10), logger: Logger) {
        self.client = client
        self.nodeName = nodeName
        self.drivers = drivers
        self.classes = classes
        self.interval = interval
        self.logger = logger
        (wakeups, wake) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
    }

    /// Asks for a refresh soon.
    func refresh() { wake.yield() }

    /// The label value that marks this node's objects.
    var managedBy: String { "ballast-node-" + nodeName }

    /// The object's name for `storageClass` on this node.
    func objectName(_ storageClass: String) -> String {
        "ballast-\(nodeName)-\(storageClass)".prefix(253).lowercased()
    }

    /// Runs until cancelled.
    func run() async {
        classes.addHandler { [wake] _ in wake.yield() }
        await classes.waitForSync()
        await withTaskGroup(of: Void.self) { group in
            group.addTask { [wake, interval] in
                while !Task.isCancelled {
                    wake.yield()
                    try? await Task.sleep(for: interval)
                }
                wake.finish()
            }
            group.addTask {
                for await _ in self.wakeups {
                    if Task.isCancelled { break }
                    do {
                        try await self.publish()
                    } catch {
                        self.logger.warning("publishing storage capacity failed", metadata: ["error": "\(error)"])
                    }
                }
            }
            await group.next()
            group.cancelAll()
        }
    }

    /// One pass: every class of a local driver gets its object, current; stale ones go.
    func publish() async throws {
        var wanted: Set<String> = []
        for storageClass in classes.list() {
            guard let driver = drivers[storageClass.provisioner] else { continue }
            let space: StorageCapacity
            do {
                space = try await driver.capacity(parameters: storageClass.parameters ?? [:], mountOptions: storageClass.mountOptions ?? [])
            } catch {
                logger.warning("capacity unknown", metadata: ["class": "\(storageClass.name)", "error": "\(error)"])
                continue
            }
            let name = objectName(storageClass.name)
            wanted.insert(name)
            var metadata = ObjectMeta(name: name, namespace: Self.namespace)
            // A label value holds no '/', which provisioner names have.
            metadata.labels = [Self.managedByLabel: managedBy, Self.driverLabel: storageClass.provisioner.replacingOccurrences(of: "/", with: ".")]
            let desired = CSIStorageCapacity(
                metadata: metadata, nodeTopology: LabelSelector(matchLabels: ["kubernetes.io/hostname": nodeName]),
                storageClassName: storageClass.name, capacity: Quantity(max(0, space.available)),
                maximumVolumeSize: Quantity(max(0, space.maximumVolumeSize)))
            if var existing = try await client.getIfPresent(CSIStorageCapacity.self, namespace: Self.namespace, name: name) {
                guard existing.capacity != desired.capacity || existing.maximumVolumeSize != desired.maximumVolumeSize
                    || existing.nodeTopology != desired.nodeTopology || existing.storageClassName != desired.storageClassName
                else { continue }
                existing.capacity = desired.capacity
                existing.maximumVolumeSize = desired.maximumVolumeSize
                existing.nodeTopology = desired.nodeTopology
                existing.storageClassName = desired.storageClassName
                _ = try await client.update(existing)
            } else {
                do {
                    _ = try await client.create(desired)
                } catch {
                    guard error.isAlreadyExists else { throw error }
                }
            }
        }
        let mine = try await client.list(CSIStorageCapacity.self, namespace: Self.namespace, labelSelector: "\(Self.managedByLabel)=\(managedBy)")
        for stale in mine.items where !wanted.contains(stale.name) {
            try await client.delete(CSIStorageCapacity.self, namespace: Self.namespace, name: stale.name, ignoreNotFound: true)
        }
    }
}
