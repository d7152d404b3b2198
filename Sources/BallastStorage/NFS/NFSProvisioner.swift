/// The provisioning half of the NFS driver ("ballast.io/nfs"): each volume is a directory
/// under an exported share, made and removed over NFS (libnfs), like
/// kubernetes-sigs/nfs-subdir-external-provisioner.
///
/// StorageClass parameters (see `NFSClassParameters`): `server`, `share`, `pathPattern`,
/// `onDelete` (delete | retain | archive), `mode`, `uid`, `gid`. Mount options are
/// checked (`NFSMountOptions`) and used for the provisioner's own connection too.
///
/// NFS has no quotas: the capacity of a volume is what was requested, recorded but not
/// enforced (storage-rules.md pain 1), and expansion only records a new size.
///
/// Every call connects, works and disconnects; each RPC is bounded by `timeout`, so a
/// server that does not answer gives `.unavailable` in about that time, never a hang.
/// Every step is idempotent, so a retry after any failure finishes the job.
public struct NFSProvisioner: VolumeProvisioner {
    /// "ballast.io/nfs".
    public static let name = "ballast.io/nfs"
    public var provisionerName: String { Self.name }
    /// How long one NFS call may wait for the server.
    public var timeout: Duration

    /// A provisioner whose NFS calls give up after `timeout` (whole seconds).
    public init(timeout: Duration = .seconds(10)) {
        self.timeout = timeout
    }

    /// NFS mount options pass through (they say how to reach the server).
    public var supportsMountOptions: Bool { true }

    /// Delete, Retain and Recycle.
    public func supports(reclaimPolicy: String) -> Bool {
        ["Delete", "Retain", "Recycle"].contains(reclaimPolicy)
    }

    /// One message per bad StorageClass parameter, naming it (see `NFSClassParameters`).
    public func validate(parameters: [String: String]) -> [String] {
        switch NFSClassParameters.parse(parameters) {
        case .success: return []
        case .failure(let error): return error.problems
        }
    }

    /// Problems with a class's mount options, one message per bad option; empty when
    /// they are fine.
    public func validate(mountOptions: [String]) -> [String] {
        switch NFSMountOptions.parse(mountOptions) {
        case .success: return []
        case .failure(let error): return error.problems
        }
    }

    /// Makes `<share>/<expanded pathPattern>` (parents included) with the class's mode
    /// and owner, or finishes and returns the one made before under that path. The
    /// capacity is the request's: NFS has no quotas.
    /// - Throws: `.invalid` for bad parameters, mount options or an expansion that is not
    ///   a clean relative path; `.unavailable` when the server does not answer; `.unsafe`
    ///   when a symlink or file stands where a directory of the path should be.
    public func provision(_ request: ProvisionRequest) async throws(VolumeError) -> VolumeRecord {
        let parameters = try Self.parameters(request.parameters)
        let options = try Self.mountOptions(request.mountOptions)
        guard request.volumeMode.isEmpty || request.volumeMode == "Filesystem" else {
            throw VolumeError(.invalid, "ballast.io/nfs makes filesystem volumes only, not volumeMode \(request.volumeMode)")
        }
        let path: String
        do {
            path = try parameters.pathPattern.expand(claim: request.claim, volumeName: request.volumeName)
        } catch {
            throw VolumeError(.invalid, "parameter \"pathPattern\": \(error.message)")
        }
        let attributes = NFSVolumeAttributes(server: parameters.server, share: parameters.share, path: path,
                                             onDelete: parameters.onDelete, mountOptions: options)
        try await withSession(attributes, action: "provisioning volume \(request.volumeName)") { session throws(VolumeError) in
            try await session.makeDirectory(path, mode: parameters.mode, uid: parameters.uid, gid: parameters.gid)
        }
        return VolumeRecord(name: request.volumeName, source: .nfs(server: parameters.server, path: attributes.serverPath),
                            capacity: request.capacity, attributes: attributes.dictionary)
    }

    /// Deletes (the whole tree, never following a symlink), archives (renames to
    /// "archived-<name>") or keeps the directory, as the volume's own attributes say.
    /// A directory already gone, or already archived, is success.
    public func delete(_ volume: VolumeRecord) async throws(VolumeError) {
        let attributes = try NFSVolumeAttributes(volume: volume)
        switch attributes.onDelete {
        case .retain:
            return
        case .delete:
            try await withSession(attributes, action: "deleting volume \(volume.name)") { session throws(VolumeError) in
                guard try await session.existingDirectory(attributes.path) else { return }
                try await session.call("removing \(attributes.serverPath)") { client throws(NFSError) in
                    try await client.removeTree("/" + attributes.path)
                }
            }
        case .archive:
            try await withSession(attributes, action: "archiving volume \(volume.name)") { session throws(VolumeError) in
                guard try await session.existingDirectory(attributes.path) else { return }
                try await session.archive(attributes.path, volumeName: volume.name)
            }
        }
    }

    /// Empties the directory (dotfiles included, never following a symlink out of it),
    /// keeps it, and checks that it is empty.
    public func recycle(_ volume: VolumeRecord) async throws(VolumeError) {
        let attributes = try NFSVolumeAttributes(volume: volume)
        try await withSession(attributes, action: "recycling volume \(volume.name)") { session throws(VolumeError) in
            guard try await session.existingDirectory(attributes.path) else {
                throw VolumeError(.failed, "the directory \(attributes.serverPath) of volume \(volume.name) does not exist")
            }
            let directory = "/" + attributes.path
            try await session.call("emptying \(attributes.serverPath)") { client throws(NFSError) in
                try await client.removeContents(of: directory)
            }
            // As the recycler's `test -z "$(ls -A /scrub)"`: a scrub is only done when seen done.
            let left = try await session.call("listing \(attributes.serverPath)") { client throws(NFSError) in
                try await client.readDirectory(directory)
            }
            guard left.isEmpty else {
                let names = left.prefix(5).map(\.nfsQuoted).joined(separator: ", ")
                throw VolumeError(.failed, "\(attributes.serverPath) still holds \(left.count) entries after the scrub (\(names))")
            }
        }
    }

    /// Returns `bytes`: there is nothing to grow on NFS.
    public func expand(_ volume: VolumeRecord, to bytes: Int64) async throws(VolumeError) -> Int64 {
        // No quotas on NFS: the new size is only recorded.
        bytes
    }

    /// Space on the share (its statvfs), reaching the server as `mountOptions` say (a server
    /// on non-standard ports needs port= and mountport=).
    public func capacity(parameters: [String: String], mountOptions: [String]) async throws(VolumeError) -> StorageCapacity {
        let parsed = try Self.parameters(parameters)
        let options = try Self.mountOptions(mountOptions)
        let attributes = NFSVolumeAttributes(server: parsed.server, share: parsed.share, path: "", onDelete: parsed.onDelete, mountOptions: options)
        let space = try await withSession(attributes, action: "reading capacity") { session throws(VolumeError) in
            try await session.call("statvfs") { client throws(NFSError) in try await client.statvfs("/") }
        }
        let total = Int64(clamping: space.totalBytes)
        let available = Int64(clamping: space.availableBytes)
        return StorageCapacity(total: total, available: available, maximumVolumeSize: available)
    }

    // MARK: - Plumbing

    private static func parameters(_ parameters: [String: String]) throws(VolumeError) -> NFSClassParameters {
        switch NFSClassParameters.parse(parameters) {
        case .success(let parsed): return parsed
        case .failure(let error): throw VolumeError(.invalid, error.description)
        }
    }

    private static func mountOptions(_ options: [String]) throws(VolumeError) -> NFSMountOptions {
        switch NFSMountOptions.parse(options) {
        case .success(let parsed): return parsed
        case .failure(let error): throw VolumeError(.invalid, "mountOptions: \(error)")
        }
    }

    /// Empties a whole export (a statically provisioned NFS volume is the export itself),
    /// never following a symlink out of it, and checks that it is empty: Recycle for an
    /// administrator's NFS PV.
    public func recycleExport(server: String, exportPath: String, mountOptions: [String]) async throws(VolumeError) {
        let options = try Self.mountOptions(mountOptions)
        let attributes = NFSVolumeAttributes(server: server, share: exportPath, path: "", onDelete: .retain, mountOptions: options)
        try await withSession(attributes, action: "recycling export \(server):\(exportPath)") { session throws(VolumeError) in
            try await session.call("emptying \(server):\(exportPath)") { client throws(NFSError) in
                try await client.removeContents(of: "/")
            }
            let left = try await session.call("listing \(server):\(exportPath)") { client throws(NFSError) in
                try await client.readDirectory("/")
            }
            guard left.isEmpty else {
                throw VolumeError(.failed, "\(server):\(exportPath) still holds \(left.count) entries after the scrub")
            }
        }
    }

    /// Connects to the share, runs `body`, and always disconnects.
    private func withSession<T>(_ attributes: NFSVolumeAttributes, action: String,
                                _ body: (NFSSession) async throws(VolumeError) -> T) async throws(VolumeError) -> T {
        let configuration = NFSClient.Configuration(server: attributes.server, export: attributes.share, version: attributes.mountOptions.version,
                                                    port: attributes.mountOptions.port, mountPort: attributes.mountOptions.mountPort, timeout: timeout)
        let client: NFSClient
        do {
            client = try await NFSClient.connect(configuration)
        } catch {
            throw NFSSession.volumeError(error, attributes: attributes, action: action)
        }
        let session = NFSSession(client: client, attributes: attributes, action: action)
        do {
            let result = try await body(session)
            await client.close()
            return result
        } catch {
            await client.close()
            throw error
        }
    }
}
