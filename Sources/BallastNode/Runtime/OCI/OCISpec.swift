/// The part of the OCI runtime spec (config.json) the agent writes. Field names follow the
/// spec exactly; optional fields are left out when nil.
struct OCISpec: Codable, Sendable, Equatable {
    var ociVersion = "1.0.2"
    var process: Process
    var root: Root
    var hostname: String?
    var mounts: [Mount]
    var linux: Linux

    struct Process: Codable, Sendable, Equatable {
        var terminal = false
        var user: User
        var args: [String]
        var env: [String]
        var cwd: String
        var capabilities: Capabilities?
        var rlimits: [Rlimit]?
        var noNewPrivileges: Bool?
        var oomScoreAdj: Int?
    }

    struct User: Codable, Sendable, Equatable {
        var uid: UInt32
        var gid: UInt32
        var additionalGids: [UInt32]?
    }

    struct Capabilities: Codable, Sendable, Equatable {
        var bounding: [String]
        var effective: [String]
        var permitted: [String]
    }

    struct Rlimit: Codable, Sendable, Equatable {
        var type: String
        var hard: UInt64
        var soft: UInt64
    }

    struct Root: Codable, Sendable, Equatable {
        var path: String
        var readonly: Bool
    }

    struct Mount: Codable, Sendable, Equatable {
        var destination: String
        var type: String
        var source: String
        var options: [String]?
    }

    struct Linux: Codable, Sendable, Equatable {
        var namespaces: [Namespace]
        var cgroupsPath: String
        var resources: Resources?
        var rootfsPropagation: String?
        var maskedPaths: [String]?
        var readonlyPaths: [String]?
    }

    struct Namespace: Codable, Sendable, Equatable {
        var type: String
        var path: String?
    }

    struct Resources: Codable, Sendable, Equatable {
        var devices: [DeviceRule]?
        var memory: Memory?
        var cpu: CPU?
        var pids: Pids?
    }

    struct DeviceRule: Codable, Sendable, Equatable {
        var allow: Bool
        var access: String
    }

    struct Memory: Codable, Sendable, Equatable {
        var limit: Int64?
    }

    struct CPU: Codable, Sendable, Equatable {
        var shares: UInt64?
        var quota: Int64?
        var period: UInt64?
    }

    struct Pids: Codable, Sendable, Equatable {
        var limit: Int64
    }
}
