import BallastAPI
import Glibc

/// gitRepo volumes (deprecated upstream, still used): an emptyDir-like directory filled by
/// `git clone` (the git binary, run without a shell), checked out at `revision`.
///
/// Idempotent through a ready marker kept outside the volume: once a clone has finished it
/// is never redone (containers may have changed the files); a clone that a crash
/// interrupted is removed and made again.
public struct GitRepoMounter: VolumeMounter {
    /// Unmounts and inspects the mount table before removal.
    public var mounter: any Mounter
    /// How long one git command may run.
    public var timeout: Duration

    /// A mounter running git with `timeout` per command.
    public init(mounter: any Mounter = LinuxMounter(), timeout: Duration = .seconds(300)) {
        self.mounter = mounter
        self.timeout = timeout
    }

    /// The gitRepo kind.
    public var kind: VolumeKind { .gitRepo }

    /// The transports git may use: never `file` (a pod could copy node-local repositories)
    /// nor `ext` (it runs commands).
    static let allowedProtocols = "http:https:git:ssh"

    /// Clones and checks out; see `VolumeMounter.setUp`.
    public func setUp(_ request: VolumeSetUpRequest) async throws(VolumeError) -> MountedVolume {
        guard let source = request.volume.source.gitRepo else {
            throw VolumeError(.invalid, "volume \(request.volume.name) is not a gitRepo volume")
        }
        let name = request.volume.name
        let directory = kind.directory(for: name, podDirectory: request.podDirectory)
        let state = kind.stateDirectory(for: name, podDirectory: request.podDirectory)
        let marker = state + "/ready"
        let mounted = MountedVolume(name: name, kind: kind, hostPath: directory, readOnly: false)
        if access(marker, F_OK) == 0 { return mounted }

        try Self.validate(source)
        // A clone without a marker was interrupted: start again from an empty directory.
        try VolumeDirectory.remove(directory, mounter: mounter)
        try VolumeDirectory.make(directory, mode: EmptyDirMounter.mode)

        var clone = ["clone", "--", source.repository]
        if let target = source.directory, !target.isEmpty { clone.append(target) }
        try await git(clone, in: directory)

        if let revision = source.revision, !revision.isEmpty {
            let checkout: String
            let entries = (try? FileHandleAt.open(directory).entries()) ?? []
            if let target = source.directory, !target.isEmpty, Self.isCurrentDirectory(target) {
                checkout = directory
            } else if entries.count == 1, let only = entries.first {
                checkout = directory + "/" + only
            } else {
                throw VolumeError(.failed, "unexpected directory contents: \(entries.sorted())")
            }
            try await git(["checkout", revision], in: checkout)
            try await git(["reset", "--hard"], in: checkout)
        }
        if let group = request.fsGroup {
            try VolumeOwnership.apply(group: group, to: directory, readOnly: false, policy: request.fsGroupChangePolicy)
        }
        try VolumeDirectory.make(state, mode: 0o700)
        let fd = open(marker, O_CREAT | O_WRONLY | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw VolumeError(.failed, SystemCallError("open", path: marker, errno: errno).description) }
        close(fd)
        return mounted
    }

    /// Removes the clone and the marker; see `VolumeMounter.tearDown`.
    public func tearDown(volumeName name: String, podDirectory: String) async throws(VolumeError) {
        try EmptyDirMounter.unmountAndRemove(kind.directory(for: name, podDirectory: podDirectory), mounter: mounter)
        try VolumeDirectory.remove(kind.stateDirectory(for: name, podDirectory: podDirectory), mounter: mounter)
    }

    /// Refuses what git would read as an option, and target directories outside the volume.
    static func validate(_ source: GitRepoVolumeSource) throws(VolumeError) {
        if source.repository.isEmpty { throw VolumeError(.invalid, "gitRepo repository must not be empty") }
        if let revision = source.revision, revision.hasPrefix("-") {
            throw VolumeError(.invalid, "gitRepo revision \"\(revision)\" must not start with '-'")
        }
        if let target = source.directory {
            if target.hasPrefix("/") { throw VolumeError(.invalid, "gitRepo directory \"\(target)\" must be a relative path") }
            if target.split(separator: "/").contains("..") { throw VolumeError(.invalid, "gitRepo directory \"\(target)\" must not contain '..'") }
            if target.hasPrefix("-") { throw VolumeError(.invalid, "gitRepo directory \"\(target)\" must not start with '-'") }
        }
    }

    private static func isCurrentDirectory(_ target: String) -> Bool {
        target.split(separator: "/").allSatisfy { $0 == "." }
    }

    private func git(_ arguments: [String], in directory: String) async throws(VolumeError) {
        let command = Subprocess("git", ["-C", directory] + arguments,
                                 environment: ["GIT_TERMINAL_PROMPT": "0", "GIT_ALLOW_PROTOCOL": Self.allowedProtocols, "GIT_ASKPASS": "/bin/false"],
                                 timeout: timeout)
        do {
            try await command.check()
        } catch {
            let kind: VolumeError.Kind = error.kind == .notFound ? .failed : .unavailable
            throw VolumeError(kind, "failed to exec 'git \(arguments.joined(separator: " "))': \(error.output.isEmpty ? error.description : error.output)")
        }
    }
}
