import BallastAPI
import Glibc

/// A host path bound into a container (a volume, or a subPath of one).
public struct BindMount: Sendable, Equatable, Codable {
    /// The path on the host.
    public var hostPath: String
    /// Where it appears in the container.
    public var containerPath: String
    /// Read-only in the container.
    public var readOnly: Bool
    /// The volumeMount's mountPropagation: "None", "HostToContainer" or "Bidirectional".
    public var propagation: String

    /// Makes a bind mount.
    public init(hostPath: String, containerPath: String, readOnly: Bool, propagation: String = "None") {
        self.hostPath = hostPath
        self.containerPath = containerPath
        self.readOnly = readOnly
        self.propagation = propagation
    }
}

/// Everything about one container run that the OCI config is made from, already resolved
/// (image defaults merged, user looked up, volumes mounted on the host).
struct ContainerLaunchPlan: Sendable {
    var rootfs: String
    var arguments: [String]
    var environment: [String]
    var workingDirectory: String
    var uid: UInt32
    var gid: UInt32
    var additionalGids: [UInt32]
    var hostname: String
    var sandbox: PodSandboxPaths
    var binds: [BindMount]
    var terminationLogPath: String?
    var terminationMessagePath: String
    var cgroupsPath: String
    var resources: ResourceRequirements?
    var securityContext: SecurityContext?
    var readOnlyRootFilesystem: Bool
}

/// Turns a launch plan into an OCI config, with the defaults `crun spec` and the kubelet
/// use: Docker's default capability set, masked /proc paths, a new pid and mount
/// namespace per container, and the pod's network, IPC and UTS namespaces joined by path.
enum OCISpecBuilder {
    /// Docker's (and containerd's) default capabilities.
    static let defaultCapabilities = [
        "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD", "CAP_NET_RAW", "CAP_SETGID", "CAP_SETUID",
        "CAP_SETFCAP", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE",
    ]

    static func spec(for plan: ContainerLaunchPlan) -> OCISpec {
        var mounts: [OCISpec.Mount] = [
            .init(destination: "/proc", type: "proc", source: "proc", options: ["nosuid", "noexec", "nodev"]),
            .init(destination: "/dev", type: "tmpfs", source: "tmpfs", options: ["nosuid", "strictatime", "mode=755", "size=65536k"]),
            .init(destination: "/dev/pts", type: "devpts", source: "devpts",
                  options: ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"]),
            .init(destination: "/dev/mqueue", type: "mqueue", source: "mqueue", options: ["nosuid", "noexec", "nodev"]),
            .init(destination: "/sys", type: "sysfs", source: "sysfs", options: ["nosuid", "noexec", "nodev", "ro"]),
            .init(destination: "/sys/fs/cgroup", type: "cgroup", source: "cgroup", options: ["nosuid", "noexec", "nodev", "relatime", "ro"]),
            .init(destination: "/dev/shm", type: "bind", source: plan.sandbox.shm, options: ["rbind", "rw", "nosuid", "nodev", "noexec"]),
            .init(destination: "/etc/hosts", type: "bind", source: plan.sandbox.hosts, options: ["bind", "rw"]),
            .init(destination: "/etc/hostname", type: "bind", source: plan.sandbox.hostname, options: ["bind", "rw"]),
            .init(destination: "/etc/resolv.conf", type: "bind", source: plan.sandbox.resolvConf, options: ["bind", "rw"]),
        ]
        if let log = plan.terminationLogPath {
            mounts.append(.init(destination: plan.terminationMessagePath, type: "bind", source: log, options: ["bind", "rw"]))
        }
        for bind in plan.binds {
            var options = ["rbind", bind.readOnly ? "ro" : "rw", "nosuid", "nodev"]
            switch bind.propagation {
            case "Bidirectional": options.append("rshared")
            default: options.append("rslave")
            }
            mounts.append(.init(destination: bind.containerPath, type: "bind", source: bind.hostPath, options: options))
        }

        let context = plan.securityContext
        var capabilities = defaultCapabilities
        if context?.privileged == true {
            capabilities = allCapabilities
        } else {
            let drop = Set((context?.capabilities?.drop ?? []).map(capabilityName))
            if drop.contains("CAP_ALL") { capabilities = [] } else { capabilities.removeAll { drop.contains($0) } }
            let add = (context?.capabilities?.add ?? []).map(capabilityName)
            if add.contains("CAP_ALL") { capabilities = allCapabilities }
            for name in add where name != "CAP_ALL" && !capabilities.contains(name) { capabilities.append(name) }
        }
        let limit = hardFileLimit()
        let process = OCISpec.Process(
            user: .init(uid: plan.uid, gid: plan.gid, additionalGids: plan.additionalGids.isEmpty ? nil : plan.additionalGids),
            args: plan.arguments, env: plan.environment, cwd: plan.workingDirectory,
            capabilities: .init(bounding: capabilities, effective: capabilities, permitted: capabilities),
            rlimits: [.init(type: "RLIMIT_NOFILE", hard: limit, soft: limit)],
            noNewPrivileges: context?.allowPrivilegeEscalation == false ? true : nil)

        var namespaces: [OCISpec.Namespace] = [.init(type: "pid"), .init(type: "mount")]
        if let net = plan.sandbox.network { namespaces.append(.init(type: "network", path: net)) }
        namespaces.append(.init(type: "ipc", path: plan.sandbox.ipc))
        namespaces.append(.init(type: "uts", path: plan.sandbox.uts))

        let privileged = context?.privileged == true
        return OCISpec(
            process: process,
            root: .init(path: plan.rootfs, readonly: plan.readOnlyRootFilesystem),
            hostname: plan.hostname,
            mounts: mounts,
            linux: .init(
                namespaces: namespaces, cgroupsPath: plan.cgroupsPath, resources: resources(plan.resources),
                rootfsPropagation: "rslave",
                maskedPaths: privileged ? nil : [
                    "/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys", "/proc/latency_stats", "/proc/timer_list",
                    "/proc/timer_stats", "/proc/sched_debug", "/sys/firmware", "/proc/scsi",
                ],
                readonlyPaths: privileged ? nil : ["/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"]))
    }

    /// cgroup limits from the container's resources, as the kubelet sets them: memory
    /// limit, CPU shares from the request (1024 per core, at least 2) and a CFS quota
    /// from the limit over a 100 ms period.
    static func resources(_ requirements: ResourceRequirements?) -> OCISpec.Resources {
        var resources = OCISpec.Resources(devices: [.init(allow: false, access: "rwm")])
        if let memory = requirements?.limits?["memory"] { resources.memory = .init(limit: memory.value) }
        let request = requirements?.requests?["cpu"] ?? requirements?.limits?["cpu"]
        var cpu = OCISpec.CPU(shares: UInt64(max(2, (request?.milliValue ?? 2) * 1024 / 1000)))
        if let limit = requirements?.limits?["cpu"] {
            cpu.quota = max(1000, limit.milliValue * 100)
            cpu.period = 100_000
        }
        resources.cpu = cpu
        return resources
    }

    static let allCapabilities = [
        "CAP_AUDIT_CONTROL", "CAP_AUDIT_READ", "CAP_AUDIT_WRITE", "CAP_BLOCK_SUSPEND", "CAP_BPF", "CAP_CHECKPOINT_RESTORE",
        "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID", "CAP_IPC_LOCK", "CAP_IPC_OWNER",
        "CAP_KILL", "CAP_LEASE", "CAP_LINUX_IMMUTABLE", "CAP_MAC_ADMIN", "CAP_MAC_OVERRIDE", "CAP_MKNOD", "CAP_NET_ADMIN",
        "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST", "CAP_NET_RAW", "CAP_PERFMON", "CAP_SETFCAP", "CAP_SETGID", "CAP_SETPCAP",
        "CAP_SETUID", "CAP_SYSLOG", "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_CHROOT", "CAP_SYS_MODULE", "CAP_SYS_NICE",
        "CAP_SYS_PACCT", "CAP_SYS_PTRACE", "CAP_SYS_RAWIO", "CAP_SYS_RESOURCE", "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG",
        "CAP_WAKE_ALARM",
    ]

    /// "NET_ADMIN" or "CAP_NET_ADMIN" → "CAP_NET_ADMIN".
    static func capabilityName(_ name: String) -> String {
        let upper = name.uppercased()
        return upper.hasPrefix("CAP_") ? upper : "CAP_" + upper
    }

    /// The agent's own hard RLIMIT_NOFILE: a container may not ask for more (the host lacks
    /// CAP_SYS_RESOURCE; runtime-recipe §1).
    static func hardFileLimit() -> UInt64 {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return 1024 }
        return UInt64(min(limit.rlim_max, 1 << 20))
    }
}
