import ArgumentParser
import BallastAPI
import BallastCLI
import BallastClient
import BallastStorage
import Foundation

extension Ballast.Storage {
    /// `ballast storage orphans [--adopt OBJECT | --purge OBJECT]`.
    struct Orphans: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Logical volumes, local-path directories and NFS directories that no PersistentVolume accounts for; adopt one as a Retain volume, or purge one.",
            discussion: """
                Asks each node's agent (through the API server's node proxy, as an admin) for its logical volumes and local-path \
                directories, lists the top level of each NFS class's share, and compares them with the PersistentVolumes and claims. \
                Anything a volume names, or that lies inside or around what a volume names, and any directory a pod's hostPath \
                volume uses, is left out. Storage named after an \
                existing claim (pvc-<uid>) is listed as provisioning, not as an orphan; NFS directories archived-* as archives.

                --adopt OBJECT makes a PersistentVolume for one orphan: reclaim policy Retain, the source its driver would write \
                (a logical volume keeps the filesystem blkid finds on it; nothing is formatted), the logical volume's size (or \
                --size), node affinity to its node, and the annotations ballast.io/adopted-at and ballast.io/adopted-from. A claim \
                then binds it with spec.volumeName.

                --purge OBJECT removes one orphan after checking again that it is one, here and then on its node at that moment \
                (a volume names it, a claim is being provisioned under it, it is mounted or open: refused). One object per \
                command, always named: there is no "purge all".
                """)

        @OptionGroup var options: ClientOptions
        @Option(help: ArgumentHelp("Make a Retain PersistentVolume for this orphan: vg/lv, a directory's path, or server:/path.", valueName: "object"))
        var adopt: String?
        @Option(help: ArgumentHelp("Remove this one orphan, after checking again that it is one.", valueName: "object"))
        var purge: String?
        @Option(help: "The node that holds the object, when several hold one of that name.") var node: String?
        @Option(help: "With --adopt: the volume's StorageClass (default: the class whose provisioner and volume group match).")
        var storageClass: String?
        @Option(help: "With --adopt: the PersistentVolume's name (default: adopted-<name of the object>).") var name: String?
        @Option(help: "With --adopt: the capacity, as a quantity (default: the logical volume's size; directories need it).") var size: String?
        @Flag(help: "With --adopt: use the logical volume as a raw block device (volumeMode Block).") var block = false
        @Flag(help: "With --adopt or --purge: only say what would be done.") var dryRun = false

        func validate() throws {
            if adopt != nil, purge != nil { throw ValidationError("--adopt and --purge each take one object: use one at a time") }
            if adopt == nil, storageClass != nil || name != nil || size != nil || block {
                throw ValidationError("--storage-class, --name, --size and --block go with --adopt")
            }
            if adopt == nil, purge == nil, dryRun || node != nil { throw ValidationError("--dry-run and --node go with --adopt or --purge") }
            if let size {
                guard let quantity = try? Quantity(parsing: size), quantity.value > 0 else { throw ValidationError("--size \"\(size)\" is not a positive quantity") }
            }
        }

        func run() async throws {
            let client = try options.client()
            let report = try await Self.report(client)
            if let adopt { return try await adoptOrphan(adopt, report: report, client: client) }
            if let purge { return try await purgeOrphan(purge, report: report, client: client) }
            print(try options.format.render(report) { report.text }, terminator: "")
        }

        /// What the nodes and shares hold, compared with the volumes and claims read after
        /// them (so that a volume written meanwhile still accounts for its storage).
        static func report(_ client: KubeClient) async throws -> OrphanReport {
            var problems: [String] = []
            var inventories: [StorageInventory] = []
            for node in try await client.list(Node.self).items.sorted(by: { $0.name < $1.name }) {
                do {
                    let bytes = try await client.raw(ClientRequest(method: "GET", path: "/api/v1/nodes/\(node.name)/proxy" + StorageInventory.path))
                    inventories.append(try JSONDecoder().decode(StorageInventory.self, from: Data(bytes)))
                } catch {
                    problems.append("node \(node.name) did not list its storage: \(error)")
                }
            }
            let classes = try await client.list(StorageClass.self).items
            var listings: [OrphanReport.NFSListing] = []
            var seen: Set<String> = []
            for storageClass in classes.sorted(by: { $0.name < $1.name }) where storageClass.provisioner == NFSProvisioner.name {
                guard case .success(let parameters) = NFSClassParameters.parse(storageClass.parameters ?? [:]),
                      seen.insert("\(parameters.server):\(parameters.share)").inserted else { continue }
                do {
                    let directories = try await Self.nfsDirectories(server: parameters.server, share: parameters.share, mountOptions: storageClass.mountOptions ?? [])
                    listings.append(OrphanReport.NFSListing(storageClass: storageClass.name, server: parameters.server, share: parameters.share,
                                                            directories: directories))
                } catch {
                    problems.append("class \(storageClass.name): cannot list \(parameters.server):\(parameters.share): \(error)")
                }
            }
            let volumes = try await client.list(PersistentVolume.self).items
            let claims = try await client.list(PersistentVolumeClaim.self).items
            let pods = try await client.list(Pod.self).items
            return OrphanReport(inventories: inventories, nfs: listings, volumes: volumes, claims: claims, pods: pods, problems: problems)
        }

        private func adoptOrphan(_ object: String, report: OrphanReport, client: KubeClient) async throws {
            let entry = try report.entry(object, node: node)
            let classes = try await client.list(StorageClass.self).items
            var storageClass: StorageClass?
            if let asked = self.storageClass {
                guard let found = classes.first(where: { $0.name == asked }) else { throw ValidationError("storageclass \"\(asked)\" not found") }
                storageClass = found
            } else {
                storageClass = OrphanReport.defaultClass(for: entry, classes: classes)
            }
            let adoption = OrphanReport.Adoption(name: name, storageClass: storageClass?.name,
                                                 capacityBytes: try size.map { try Quantity(parsing: $0).value }, block: block)
            let volume = try OrphanReport.adoptingVolume(entry, storageClass: storageClass, options: adoption, now: .now())
            if try await client.getIfPresent(PersistentVolume.self, name: volume.name) != nil {
                throw ValidationError("persistentvolume \"\(volume.name)\" already exists: choose another name with --name")
            }
            let summary = "persistentvolume \"\(volume.name)\" for \(entry.kind.rawValue) \(entry.object)\(entry.node.map { " on node \($0)" } ?? "")"
                + " (class \"\(storageClass?.name ?? "")\", reclaim policy Retain)"
            guard !dryRun else {
                if options.format == .table { print("would create \(summary)") } else { print(try options.format.render(volume) { "" }, terminator: "") }
                return
            }
            let created = try await client.create(volume)
            if options.format == .table { print("created \(summary)") } else { print(try options.format.render(created) { "" }, terminator: "") }
        }

        private func purgeOrphan(_ object: String, report: OrphanReport, client: KubeClient) async throws {
            let entry = try report.entry(object, node: node)
            guard entry.state != .provisioning else { throw ValidationError("\(object) is not an orphan: \(entry.reason)") }
            guard !entry.mounted else { throw ValidationError("\(object) is mounted on its node: unmount it first") }
            let location = entry.node.map { " on node \($0)" } ?? ""
            guard !dryRun else {
                print("would remove \(entry.kind.rawValue) \(entry.object)\(location) and all its data (\(entry.reason))")
                return
            }
            switch entry.kind {
            case .lvm, .localPath:
                guard let node = entry.node else { throw ValidationError("\(object) names no node") }
                let agentPath: String
                if entry.kind == .lvm {
                    let parts = entry.object.split(separator: "/").map(String.init)
                    guard parts.count == 2 else { throw ValidationError("\(object) is not vg/lv") }
                    agentPath = StorageInventory.purgePath(volumeGroup: parts[0], logicalVolume: parts[1])
                } else {
                    agentPath = StorageInventory.purgePath(directory: (entry.object as NSString).lastPathComponent)
                }
                let path = "/api/v1/nodes/\(node)/proxy" + (agentPath.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? agentPath)
                let answer = try await client.raw(ClientRequest(method: "DELETE", path: path))
                print(String(decoding: answer, as: UTF8.self), terminator: "")
            case .nfs:
                try await purgeNFS(entry, client: client)
                print("directory \(entry.object) removed\n", terminator: "")
            }
        }

        /// Removes an NFS directory from the CLI, after a last look at the volumes: no agent
        /// holds it.
        private func purgeNFS(_ entry: OrphanReport.Entry, client: KubeClient) async throws {
            let classes = try await client.list(StorageClass.self).items
            guard let storageClass = classes.first(where: { $0.name == entry.storageClass }),
                  case .success(let parameters) = NFSClassParameters.parse(storageClass.parameters ?? [:]) else {
                throw ValidationError("the class of \(entry.object) is gone")
            }
            let parts = entry.object.split(separator: ":", maxSplits: 1).map(String.init)
            let share = StorageReferences.normalized(parameters.share)
            guard parts.count == 2, parts[1].hasPrefix(share == "/" ? "/" : share + "/") else { throw ValidationError("\(entry.object) is not in \(share)") }
            let relative = String(parts[1].dropFirst(share == "/" ? 1 : share.count + 1))
            guard !relative.isEmpty, !relative.contains("/") else { throw ValidationError("\(entry.object) is not directly in the share") }
            let volumes = try await client.list(PersistentVolume.self).items
            if let volume = StorageReferences.volumes(namingNFSPath: parts[1], in: volumes).first {
                throw ValidationError("persistentvolume \(volume.name) names \(entry.object) now: it is not an orphan")
            }
            let mountOptions: NFSMountOptions
            switch NFSMountOptions.parse(storageClass.mountOptions ?? []) {
            case .success(let parsed): mountOptions = parsed
            case .failure(let error): throw ValidationError("class \(storageClass.name): \(error)")
            }
            let nfs = try await NFSClient.connect(NFSClient.Configuration(server: parameters.server, export: parameters.share, version: mountOptions.version,
                                                                          port: mountOptions.port, mountPort: mountOptions.mountPort))
            do {
                guard try await nfs.lstat("/" + relative).type == .directory else { throw ValidationError("\(entry.object) is not a directory") }
                try await nfs.removeTree("/" + relative)
            } catch {
                await nfs.close()
                throw error
            }
            await nfs.close()
        }

        /// The directories directly in an NFS share.
        static func nfsDirectories(server: String, share: String, mountOptions: [String]) async throws -> [String] {
            let options: NFSMountOptions
            switch NFSMountOptions.parse(mountOptions) {
            case .success(let parsed): options = parsed
            case .failure(let error): throw error
            }
            let client = try await NFSClient.connect(NFSClient.Configuration(server: server, export: share, version: options.version,
                                                                             port: options.port, mountPort: options.mountPort))
            var directories: [String] = []
            do {
                for name in try await client.readDirectory("/").sorted() {
                    if try await client.lstat("/" + name).type == .directory { directories.append(name) }
                }
            } catch {
                await client.close()
                throw error
            }
            await client.close()
            return directories
        }
    }
}
