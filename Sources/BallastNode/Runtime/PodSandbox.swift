import BallastStorage
import Foundation
import Glibc

/// The files a pod's containers share: namespace files they join, the pod's /dev/shm and
/// its /etc/hosts, /etc/hostname and /etc/resolv.conf.
public struct PodSandboxPaths: Sendable, Equatable, Codable {
    /// The pod's network namespace (a bind-mounted nsfs file), or nil for hostNetwork.
    public var network: String?
    /// The pod's IPC namespace.
    public var ipc: String
    /// The pod's UTS namespace.
    public var uts: String
    /// The pod's /dev/shm: a tmpfs on the host.
    public var shm: String
    /// /etc/hosts.
    public var hosts: String
    /// /etc/hostname.
    public var hostname: String
    /// /etc/resolv.conf.
    public var resolvConf: String

    /// The paths for the pod whose directory is `podDirectory`.
    public init(podDirectory: String, hostNetwork: Bool) {
        let base = podDirectory + "/sandbox"
        network = hostNetwork ? nil : base + "/net"
        ipc = base + "/ipc"
        uts = base + "/uts"
        shm = base + "/shm"
        hosts = base + "/hosts"
        hostname = base + "/hostname"
        resolvConf = base + "/resolv.conf"
    }
}

/// Makes and removes a pod's sandbox without a pause process (runtime-recipe §7.3): the
/// network, IPC and UTS namespaces are held by bind-mounting their nsfs files (what
/// `unshare --net=FILE` does), so containers join them by path and they outlive any one
/// container. The loopback interface is brought up in the new network namespace.
struct PodSandbox {
    var mounter: any Mounter = LinuxMounter()
    /// Size of the pod's /dev/shm tmpfs (Docker's and the kubelet's default).
    var shmSize = "64m"

    /// Sets up the sandbox for `pod` at `paths`; idempotent (after a crash it keeps the
    /// namespaces that exist, so running containers stay in the same ones).
    func setUp(_ paths: PodSandboxPaths, hostname: String, hostAliases: [String]) async throws(RuntimeError) {
        let directory = (paths.ipc as NSString).deletingLastPathComponent
        do {
            try FileIO.makeDirectories(directory, mode: 0o755)
            var flags: [String] = []
            for (flag, file) in [("--net", paths.network), ("--ipc", paths.ipc), ("--uts", paths.uts)] {
                guard let file else { continue }
                if !FileIO.exists(file) { close(try FileIO.open(file, O_WRONLY | O_CREAT, mode: 0o444)) }
                if try mounter.isMountPoint(file) { continue }
                flags.append("\(flag)=\(file)")
            }
            if !flags.isEmpty {
                try await Self.run("unshare", flags + ["true"])
                if let network = paths.network, flags.contains("--net=\(network)") {
                    try await Self.run("nsenter", ["--net=\(network)", "ip", "link", "set", "lo", "up"])
                }
            }
            try FileIO.makeDirectories(paths.shm, mode: 0o1777)
            try mounter.mount("shm", at: paths.shm, type: "tmpfs", flags: [.noSetUID, .noDevices, .noExecute], options: "mode=1777,size=\(shmSize)")
            try FileIO.writeAtomically(paths.hostname, Array((hostname + "\n").utf8))
            var hosts = "# Kubernetes-managed hosts file (ballast).\n127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n"
            hosts += "127.0.1.1\t\(hostname)\n"
            for alias in hostAliases { hosts += alias + "\n" }
            try FileIO.writeAtomically(paths.hosts, Array(hosts.utf8))
            let resolv = (try? FileIO.readText("/etc/resolv.conf")) ?? nil
            try FileIO.writeAtomically(paths.resolvConf, Array((resolv ?? "nameserver 127.0.0.1\n").utf8))
        } catch let error as RuntimeError {
            throw error
        } catch {
            throw RuntimeError("set up pod sandbox", "\(error)")
        }
    }

    /// Unmounts and removes the sandbox; idempotent.
    func tearDown(_ paths: PodSandboxPaths) throws(RuntimeError) {
        do {
            for file in [paths.network, paths.ipc, paths.uts, paths.shm].compactMap({ $0 }) where FileIO.exists(file) {
                while try mounter.isMountPoint(file) { try mounter.unmount(file, lazy: true) }
            }
            let directory = (paths.ipc as NSString).deletingLastPathComponent
            if FileIO.exists(directory) { try TreeRemoval.remove(directory, mounter: mounter) }
        } catch {
            throw RuntimeError("tear down pod sandbox", "\(error)")
        }
    }

    private static func run(_ tool: String, _ arguments: [String]) async throws(RuntimeError) {
        do {
            try await Subprocess(tool, arguments, timeout: .seconds(30)).check()
        } catch {
            throw RuntimeError(tool, "\(error)")
        }
    }
}
