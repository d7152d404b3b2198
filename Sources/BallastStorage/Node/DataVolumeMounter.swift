import BallastAPI
import Glibc

/// configMap, secret, downwardAPI and projected volumes: files the agent writes from API
/// data with `AtomicWriter`, so that updates reach running containers atomically. Secret
/// (and projected) volumes live on a tmpfs, so their content never touches the node's disk.
public struct DataVolumeMounter: VolumeMounter {
    /// configMap, secret, downwardAPI or projected.
    public let kind: VolumeKind
    /// Mounts the tmpfs under secret data.
    public var mounter: any Mounter

    /// A mounter for `kind`, which must be one of the API data kinds.
    public init(kind: VolumeKind, mounter: any Mounter = LinuxMounter()) {
        precondition(kind.isAlwaysReadOnly, "\(kind) is not an API data volume kind")
        self.kind = kind
        self.mounter = mounter
    }

    /// Whether this kind's files are kept off the disk (secrets may be projected too).
    private var usesMemory: Bool { kind == .secret || kind == .projected }

    /// Makes the directory (tmpfs for secrets) and writes the current data; a repeat with
    /// the same data writes nothing. See `VolumeMounter.setUp`.
    public func setUp(_ request: VolumeSetUpRequest) async throws(VolumeError) -> MountedVolume {
        let payload = try payload(for: request)
        let directory = kind.directory(for: request.volume.name, podDirectory: request.podDirectory)
        try VolumeDirectory.make(directory, mode: 0o755)
        if usesMemory {
            // Small: the data is at most a few MiB, and the pod's memory bounds it anyway.
            let size = EmptyDirMounter.memorySize(sizeLimit: nil, inputs: request.inputs)
            try EmptyDirMounter.mountTmpfs(at: directory, size: size, mounter: mounter)
            try VolumeDirectory.make(directory, mode: 0o755)
        }
        try AtomicWriter(directory: directory).write(payload, group: request.fsGroup)
        return MountedVolume(name: request.volume.name, kind: kind, hostPath: directory, readOnly: true)
    }

    /// Rewrites the files when the data changed (the agent calls it when a ConfigMap or
    /// Secret it watches changes); a volume not set up yet is set up.
    /// - Returns: whether the files changed.
    @discardableResult
    public func update(_ request: VolumeSetUpRequest) async throws(VolumeError) -> Bool {
        let directory = kind.directory(for: request.volume.name, podDirectory: request.podDirectory)
        guard AtomicWriter(directory: directory).currentVersion() != nil else {
            _ = try await setUp(request)
            return true
        }
        return try AtomicWriter(directory: directory).write(try payload(for: request), group: request.fsGroup)
    }

    /// Unmounts the tmpfs and removes the directory; see `VolumeMounter.tearDown`.
    public func tearDown(volumeName name: String, podDirectory: String) async throws(VolumeError) {
        try EmptyDirMounter.unmountAndRemove(kind.directory(for: name, podDirectory: podDirectory), mounter: mounter)
    }

    private func payload(for request: VolumeSetUpRequest) throws(VolumeError) -> [String: FileProjection] {
        let source = request.volume.source
        switch kind {
        case .configMap:
            guard let configMap = source.configMap else { break }
            return try VolumePayload.configMap(configMap, request.inputs.configMaps[configMap.name ?? ""])
        case .secret:
            guard let secret = source.secret else { break }
            return try VolumePayload.secret(secret, request.inputs.secrets[secret.secretName ?? ""])
        case .downwardAPI:
            guard let downward = source.downwardAPI else { break }
            return try VolumePayload.downwardAPI(downward, pod: request.pod, inputs: request.inputs)
        case .projected:
            guard let projected = source.projected else { break }
            return try VolumePayload.projected(projected, pod: request.pod, inputs: request.inputs)
        case .emptyDir, .hostPath, .gitRepo, .nfs, .localVolume, .blockDevice:
            break
        }
        throw VolumeError(.invalid, "volume \(request.volume.name) is not a \(kind.rawValue) volume")
    }
}
