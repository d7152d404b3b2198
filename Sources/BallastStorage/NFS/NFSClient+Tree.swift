extension NFSClient {
    /// The attributes of `path` itself, or nil when it does not exist.
    public func lstatIfExists(_ path: String) async throws(NFSError) -> NFSFileStatus? {
        do {
            return try await lstat(path)
        } catch where error.isNotFound {
            return nil
        }
    }

    /// Removes `path` and everything below it, never following a symlink: a symlink is
    /// unlinked itself, and only real directories are entered. A path that is already
    /// gone is success, so a removal interrupted half-way is finished by calling again.
    public func removeTree(_ path: String) async throws(NFSError) {
        guard let status = try await lstatIfExists(path) else { return }
        if status.type == .directory {
            try await removeContents(of: path)
            try await ignoringNotFound { () async throws(NFSError) in try await rmdir(path) }
        } else {
            try await ignoringNotFound { () async throws(NFSError) in try await unlink(path) }
        }
    }

    /// Removes every entry of directory `path`, dotfiles included, and keeps the
    /// directory. Never follows a symlink out of it (each entry is lstat'ed; symlinks are
    /// unlinked, only real directories are entered).
    public func removeContents(of path: String) async throws(NFSError) {
        let base = path == "/" ? "" : path
        for name in try await readDirectory(path) {
            try await removeTree(base + "/" + name)
        }
    }

    private func ignoringNotFound(_ body: () async throws(NFSError) -> Void) async throws(NFSError) {
        do {
            try await body()
        } catch where error.isNotFound {
            // Someone (or an earlier, interrupted attempt) removed it first.
        }
    }
}
