import ArgumentParser
import BallastAPI
import BallastCLI
import BallastClient
import Foundation

extension Ballast {
    /// `ballast pv …`: PersistentVolumes and where their data is.
    struct PV: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "pv", abstract: "Inspect PersistentVolumes: where each one's data lives and what happened to it.", subcommands: [List.self, History.self])

        struct List: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Every PV with its claim, phase, class, reclaim policy, node, backing object (LV, directory or NFS path), filesystem and capacity.")

            @OptionGroup var options: ClientOptions

            func run() async throws {
                let inventory = VolumeInventory(volumes: try await options.client().list(PersistentVolume.self).items)
                print(try options.format.render(inventory) { inventory.table.text }, terminator: "")
            }
        }
    }

    /// `ballast pvc …`: claims, and what deleting one does to its data.
    struct PVC: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "pvc", abstract: "Claims: why one is Pending or what it is bound to, and what deleting one does to its data.",
            subcommands: [Explain.self, Delete.self])

        struct Explain: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Why a claim is Pending (each PV considered and why it was rejected, each node's room), or what it is bound to.",
                discussion: "Reads the claim, PVs, StorageClasses, published storage capacity, nodes, the pods that use the claim and their Warning events; changes nothing.")

            @OptionGroup var options: ClientOptions
            @Option(name: .shortAndLong, help: "The claim's namespace.") var namespace: String = "default"
            @Argument(help: "The claim's name.") var name: String

            func run() async throws {
                let client = try options.client()
                let claim = try await client.existingClaim(namespace: namespace, name: name)
                let explanation = ClaimExplanation(
                    claim: claim, volumes: try await client.list(PersistentVolume.self).items,
                    classes: try await client.list(StorageClass.self).items, capacities: try await client.list(CSIStorageCapacity.self).items,
                    nodes: try await client.list(Node.self).items, claims: try await client.list(PersistentVolumeClaim.self).items,
                    pods: try await client.list(Pod.self, namespace: namespace).items,
                    events: try await client.list(Event.self, namespace: namespace).items)
                print(try options.format.render(explanation) { explanation.text }, terminator: "")
            }
        }

        struct Delete: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Delete a claim, saying first what happens to its data (kept, scrubbed, archived or destroyed, and where).",
                discussion: "With --dry-run nothing is changed: only the forecast is printed.")

            @OptionGroup var options: ClientOptions
            @Option(name: .shortAndLong, help: "The claim's namespace.") var namespace: String = "default"
            @Flag(help: "Only say what would happen.") var dryRun = false
            @Argument(help: "The claim's name.") var name: String

            func run() async throws {
                let client = try options.client()
                let claim = try await client.existingClaim(namespace: namespace, name: name)
                var volume: PersistentVolume?
                if let bound = claim.spec?.volumeName, !bound.isEmpty { volume = try await client.getIfPresent(PersistentVolume.self, name: bound) }
                let pods = try await client.list(Pod.self, namespace: namespace).items
                let forecast = DeletionForecast(claim: claim, volume: volume, pods: pods)
                print(try options.format.render(forecast) { forecast.text }, terminator: "")
                guard !dryRun else { return }
                var delete = DeleteOptions()
                delete.preconditions = DeleteOptions.Preconditions(uid: claim.uid)
                try await client.delete(PersistentVolumeClaim.self, namespace: namespace, name: name, options: delete)
                if options.format == .table { print("persistentvolumeclaim \"\(name)\" deleted") }
            }
        }
    }

    /// `ballast storage …`: the cluster's storage as a whole.
    struct Storage: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Storage across the cluster: capacity per node and class, and storage no volume accounts for.", subcommands: [Capacity.self, Orphans.self])

        struct Capacity: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Per node and class: used by volumes, reserved by claims being provisioned, free, and the largest volume that still fits.")

            @OptionGroup var options: ClientOptions

            func run() async throws {
                let client = try options.client()
                let report = CapacityReport(capacities: try await client.list(CSIStorageCapacity.self).items,
                                            volumes: try await client.list(PersistentVolume.self).items,
                                            claims: try await client.list(PersistentVolumeClaim.self).items)
                print(try options.format.render(report) { report.table.text }, terminator: "")
            }
        }
    }
}

extension KubeClient {
    /// The claim, or an error naming it when there is none.
    func existingClaim(namespace: String, name: String) async throws -> PersistentVolumeClaim {
        guard let claim = try await getIfPresent(PersistentVolumeClaim.self, namespace: namespace, name: name) else {
            throw ValidationError("persistentvolumeclaim \"\(name)\" not found in namespace \"\(namespace)\"")
        }
        return claim
    }
}
