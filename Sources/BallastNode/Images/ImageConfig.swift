/// What an image says about running it: the `config` section of its config blob, the
/// defaults a container spec overrides.
public struct ImageConfig: Codable, Sendable, Hashable {
    /// "USER": a name, "uid", "name:group" or "uid:gid"; empty for root.
    public var user: String
    /// "ENV", as "KEY=value".
    public var environment: [String]
    /// "ENTRYPOINT".
    public var entrypoint: [String]
    /// "CMD".
    public var command: [String]
    /// "WORKDIR"; empty for "/".
    public var workingDirectory: String
    /// "EXPOSE", as "6379/tcp".
    public var exposedPorts: [String]
    /// "VOLUME" paths.
    public var volumes: [String]
    /// "STOPSIGNAL" ("SIGQUIT", "15"), if set.
    public var stopSignal: String?
    /// "LABEL"s.
    public var labels: [String: String]

    /// An empty config (root, no command).
    public init(user: String = "", environment: [String] = [], entrypoint: [String] = [], command: [String] = [],
                workingDirectory: String = "", exposedPorts: [String] = [], volumes: [String] = [], stopSignal: String? = nil,
                labels: [String: String] = [:]) {
        self.user = user
        self.environment = environment
        self.entrypoint = entrypoint
        self.command = command
        self.workingDirectory = workingDirectory
        self.exposedPorts = exposedPorts
        self.volumes = volumes
        self.stopSignal = stopSignal
        self.labels = labels
    }
}

/// The image config blob (OCI image-spec config.md), the fields Ballast reads.
struct ImageConfigurationDocument: Decodable {
    struct Runtime: Decodable {
        var User: String?
        var Env: [String]?
        var Entrypoint: [String]?
        var Cmd: [String]?
        var WorkingDir: String?
        var ExposedPorts: [String: Empty]?
        var Volumes: [String: Empty]?
        var StopSignal: String?
        var Labels: [String: String]?
    }

    struct Empty: Decodable {}

    struct RootFS: Decodable {
        var type: String?
        var diff_ids: [Digest]?
    }

    var architecture: String?
    var os: String?
    var config: Runtime?
    var rootfs: RootFS?

    /// The run defaults, with absent fields empty.
    var imageConfig: ImageConfig {
        ImageConfig(
            user: config?.User ?? "", environment: config?.Env ?? [], entrypoint: config?.Entrypoint ?? [],
            command: config?.Cmd ?? [], workingDirectory: config?.WorkingDir ?? "",
            exposedPorts: (config?.ExposedPorts ?? [:]).keys.sorted(), volumes: (config?.Volumes ?? [:]).keys.sorted(),
            stopSignal: config?.StopSignal.flatMap { $0.isEmpty ? nil : $0 }, labels: config?.Labels ?? [:])
    }
}
