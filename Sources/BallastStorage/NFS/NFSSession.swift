import Glibc

/// One connected provisioner operation on a share: the directory steps of provision,
/// delete, archive and recycle, with NFS errors turned into `VolumeError`s that name
/// the server and the export. Paths given here are relative to the share.
struct NFSSession {
    let client: NFSClient
    let attributes: NFSVolumeAttributes
    let action: String

    /// Runs one NFS step, mapping its error.
    func call<T>(_ step: String, _ body: (NFSClient) async throws(NFSError) -> T) async throws(VolumeError) -> T {
        do {
            return try await body(client)
        } catch {
            throw Self.volumeError(error, attributes: attributes, action: "\(action) (\(step))")
        }
    }

    /// Makes every directory of `path` that is missing, then gives the last one (and any
    /// parent made now) `mode` and the owner. An existing directory is the volume made
    /// before; setting its mode and owner again finishes an attempt that stopped between
    /// mkdir and chmod or chown. A parent that already existed is left alone: other
    /// volumes may share it. (A parent made by an attempt that stopped before its chown
    /// keeps root as owner; the volume itself is always finished.)
    func makeDirectory(_ path: String, mode: UInt32, uid: UInt32?, gid: UInt32?) async throws(VolumeError) {
        let segments = path.split(separator: "/").map(String.init)
        var current = ""
        for (index, segment) in segments.enumerated() {
            current += "/" + segment
            let directory = current
            var status = try await call("lstat \(directory)") { client throws(NFSError) in try await client.lstatIfExists(directory) }
            var created = false
            if status == nil {
                do {
                    try await client.mkdir(directory, mode: mode)
                    created = true
                } catch where error.isExists {
                    // Made meanwhile by a concurrent attempt: use it.
                } catch {
                    throw Self.volumeError(error, attributes: attributes, action: "\(action) (mkdir \(directory))")
                }
                status = try await call("lstat \(directory)") { client throws(NFSError) in try await client.lstatIfExists(directory) }
            }
            guard let status, status.type == .directory else {
                throw notADirectory(directory, status?.type)
            }
            if created || index == segments.count - 1 {
                try await settle(directory, status: status, mode: mode, uid: uid, gid: gid)
            }
        }
    }

    private func settle(_ directory: String, status: NFSFileStatus, mode: UInt32, uid: UInt32?, gid: UInt32?) async throws(VolumeError) {
        if status.permissions != mode {
            try await call("chmod \(directory)") { client throws(NFSError) in try await client.chmod(directory, mode: mode) }
        }
        let owner = (uid: uid ?? status.uid, gid: gid ?? status.gid)
        if owner.uid != status.uid || owner.gid != status.gid {
            try await call("chown \(directory)") { client throws(NFSError) in try await client.chown(directory, uid: owner.uid, gid: owner.gid) }
        }
    }

    /// Whether the volume directory `path` exists. Every component is lstat'ed: a
    /// symlink or a file where a directory should be is refused, so no step ever
    /// follows a link out of the volume or out of the share.
    /// - Returns: false when a component is missing (the volume is gone).
    func existingDirectory(_ path: String) async throws(VolumeError) -> Bool {
        var current = ""
        for segment in path.split(separator: "/") {
            current += "/" + segment
            let directory = current
            guard let status = try await call("lstat \(directory)", { client throws(NFSError) in try await client.lstatIfExists(directory) }) else {
                return false
            }
            guard status.type == .directory else { throw notADirectory(directory, status.type) }
        }
        return true
    }

    /// Renames the volume directory to "archived-<name>" beside it, or, when that name is
    /// taken, to "archived-<name>-<volume name>".
    func archive(_ path: String, volumeName: String) async throws(VolumeError) {
        let source = "/" + path
        let name = String(path.split(separator: "/").last ?? Substring(path))
        let parent = String(source.dropLast(name.count + 1))
        let candidates = ["archived-\(name)", "archived-\(name)-\(volumeName)"].map { parent + "/" + $0 }
        for target in candidates {
            let taken = try await call("lstat \(target)") { client throws(NFSError) in try await client.lstatIfExists(target) }
            guard taken == nil else { continue }
            // RENAME onto an existing empty directory would replace it: checked above.
            try await call("rename to \(target)") { client throws(NFSError) in try await client.rename(source, to: target) }
            return
        }
        throw VolumeError(.failed, "cannot archive \(attributes.serverPath): \(candidates.map { attributes.share + $0 }.joined(separator: " and ")) both exist")
    }

    private func notADirectory(_ directory: String, _ type: NFSFileType?) -> VolumeError {
        let what: String
        switch type {
        case .symlink?: what = "a symlink"
        case .regular?: what = "a file"
        case .other?: what = "a special file"
        case .directory?, nil: what = "gone"
        }
        return VolumeError(.unsafe, "\(action): \(NFSVolumeAttributes.join(attributes.share, String(directory.dropFirst()))) is \(what), not a directory; refusing to go through it")
    }

    /// The one mapping from NFS failures to volume errors.
    static func volumeError(_ error: NFSError, attributes: NFSVolumeAttributes, action: String) -> VolumeError {
        let place = "NFS server \(attributes.server) export \(attributes.share)"
        if error.isUnavailable {
            return VolumeError(.unavailable, "\(place) did not answer while \(action): \(error)")
        }
        if error.operation == "mount" {
            return VolumeError(.failed, "\(place) refused the mount while \(action): \(error)")
        }
        if error.code == EISDIR && attributes.mountOptions.version == .v4 && (error.operation == "chmod" || error.operation == "chown") {
            return VolumeError(.failed, "\(action) on \(place): libnfs 4.0 cannot change a directory's mode or owner over NFSv4 (\(error)); use nfsvers=3, or mode/uid/gid the server gives by itself")
        }
        return VolumeError(.failed, "\(action) on \(place): \(error)")
    }
}
