import BallastAPI
import BallastClient
import Foundation
import Glibc

/// Registers the agent's Node and keeps it alive: Node status (capacity, allocatable,
/// addresses, Ready condition, system info) and a Lease in kube-node-lease renewed every
/// quarter of its duration, as the kubelet does.
struct NodeRegistration: Sendable {
    var client: KubeClient
    var nodeName: String
    var hostIP: String
    var runtime: RuntimeKind
    var root: String
    var leaseDurationSeconds: Int32
    /// The port of the agent's log endpoint (the Node's kubeletEndpoint).
    var logPort: Int

    static let leaseNamespace = "kube-node-lease"

    /// Creates the Node (or takes over the existing one) and writes its status.
    func register() async throws(ClientError) {
        var node: Node
        if let existing = try await client.getIfPresent(Node.self, name: nodeName) {
            node = existing
        } else {
            let labels = [
                "kubernetes.io/hostname": nodeName, "kubernetes.io/os": "linux", "kubernetes.io/arch": Self.architecture,
                "topology.kubernetes.io/zone": "local", "topology.kubernetes.io/region": "local",
            ]
            do {
                node = try await client.create(Node(metadata: ObjectMeta(name: nodeName, labels: labels)))
            } catch where error.isAlreadyExists {
                node = try await client.get(Node.self, name: nodeName)
            }
        }
        node.status = status(previous: node.status)
        _ = try await client.updateStatus(node)
    }

    /// Refreshes the Ready condition's heartbeat (and the rest of the status).
    func heartbeat() async throws(ClientError) {
        var node = try await client.get(Node.self, name: nodeName)
        node.status = status(previous: node.status)
        _ = try await client.updateStatus(node)
    }

    /// Creates or renews the node's Lease.
    func renewLease() async throws(ClientError) {
        if try await client.getIfPresent(Namespace.self, name: Self.leaseNamespace) == nil {
            do {
                _ = try await client.create(Namespace(metadata: ObjectMeta(name: Self.leaseNamespace)))
            } catch where error.isAlreadyExists {}
        }
        let now = MicroTime.now()
        if var lease = try await client.getIfPresent(Lease.self, namespace: Self.leaseNamespace, name: nodeName) {
            var spec = lease.spec ?? LeaseSpec()
            spec.holderIdentity = nodeName
            spec.leaseDurationSeconds = leaseDurationSeconds
            spec.renewTime = now
            lease.spec = spec
            _ = try await client.update(lease)
        } else {
            let lease = Lease(metadata: ObjectMeta(name: nodeName, namespace: Self.leaseNamespace),
                              spec: LeaseSpec(holderIdentity: nodeName, leaseDurationSeconds: leaseDurationSeconds, acquireTime: now, renewTime: now))
            do {
                _ = try await client.create(lease)
            } catch where error.isAlreadyExists {}
        }
    }

    /// The Secret that holds the token the API server presents to this node's log endpoint.
    static func proxySecretName(_ node: String) -> String { "ballast-node-proxy-" + node }

    /// Publishes the log endpoint's token where the API server (and only admins) read it.
    func publishProxyToken(_ token: String) async throws(ClientError) {
        let name = Self.proxySecretName(nodeName)
        let data = ["token": Data(token.utf8).base64EncodedString()]
        if var secret = try await client.getIfPresent(Secret.self, namespace: "kube-system", name: name) {
            guard secret.data != data else { return }
            secret.data = data
            _ = try await client.update(secret)
        } else {
            do {
                _ = try await client.create(Secret(metadata: ObjectMeta(name: name, namespace: "kube-system"), data: data))
            } catch where error.isAlreadyExists {}
        }
    }

    private func status(previous: NodeStatus?) -> NodeStatus {
        let now = Time.now()
        var capacity: [String: Quantity] = [
            "cpu": Quantity(Int64(sysconf(Int32(_SC_NPROCESSORS_ONLN))), format: .decimalSI),
            "memory": Quantity(HostFacts.memoryBytes),
            "pods": Quantity(110, format: .decimalSI),
        ]
        if let disk = HostFacts.diskBytes(root) { capacity["ephemeral-storage"] = Quantity(disk) }
        let previousReady = previous?.conditions?.first { $0.type == NodeCondition.ready }
        let ready = NodeCondition(type: NodeCondition.ready, status: "True", lastHeartbeatTime: now,
                                  lastTransitionTime: previousReady?.status == "True" ? previousReady?.lastTransitionTime : now,
                                  reason: "KubeletReady", message: "ballast node agent is posting ready status")
        var conditions = (previous?.conditions ?? []).filter { $0.type != NodeCondition.ready }
        conditions.append(ready)
        return NodeStatus(
            capacity: capacity, allocatable: capacity, conditions: conditions,
            addresses: [NodeAddress(type: "InternalIP", address: hostIP), NodeAddress(type: "Hostname", address: nodeName)],
            daemonEndpoints: NodeDaemonEndpoints(kubeletEndpoint: DaemonEndpoint(port: Int32(logPort))),
            nodeInfo: NodeSystemInfo(machineID: HostFacts.machineID, bootID: HostFacts.bootID, kernelVersion: HostFacts.kernelVersion,
                                     osImage: HostFacts.osImage, containerRuntimeVersion: "\(runtime.rawValue)://conmon",
                                     kubeletVersion: "v1.32.0-ballast", kubeProxyVersion: "", operatingSystem: "linux",
                                     architecture: Self.architecture))
    }

    static var architecture: String {
        #if arch(arm64)
        "arm64"
        #else
        "amd64"
        #endif
    }
}

/// Facts about the host a Node reports.
enum HostFacts {
    static var memoryBytes: Int64 {
        let text = ((try? FileIO.readText("/proc/meminfo")) ?? nil) ?? ""
        for line in text.split(separator: "\n") where line.hasPrefix("MemTotal:") {
            let parts = line.split(separator: " ")
            if parts.count >= 2, let kibibytes = Int64(parts[1]) { return kibibytes * 1024 }
        }
        return 0
    }

    static func diskBytes(_ path: String) -> Int64? {
        var status = statvfs()
        guard statvfs(path, &status) == 0 else { return nil }
        return Int64(status.f_blocks) * Int64(status.f_frsize)
    }

    static var machineID: String { read("/etc/machine-id") }
    static var bootID: String { read("/proc/sys/kernel/random/boot_id") }
    static var kernelVersion: String { read("/proc/sys/kernel/osrelease") }
    static var osImage: String {
        let text = read("/etc/os-release")
        for line in text.split(separator: "\n") where line.hasPrefix("PRETTY_NAME=") {
            return String(line.dropFirst("PRETTY_NAME=".count)).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
        }
        return "Linux"
    }

    private static func read(_ path: String) -> String {
        (((try? FileIO.readText(path)) ?? nil) ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The first non-loopback IPv4 address, else 127.0.0.1.
    static var primaryIPv4: String {
        var list: UnsafeMutablePointer<ifaddrs>?
        guard getifaddrs(&list) == 0, let first = list else { return "127.0.0.1" }
        defer { freeifaddrs(list) }
        var cursor: UnsafeMutablePointer<ifaddrs>? = first
        while let entry = cursor {
            defer { cursor = entry.pointee.ifa_next }
            guard let address = entry.pointee.ifa_addr, address.pointee.sa_family == sa_family_t(AF_INET) else { continue }
            let flags = Int32(entry.pointee.ifa_flags)
            guard flags & Int32(IFF_LOOPBACK) == 0, flags & Int32(IFF_UP) != 0 else { continue }
            var host = [CChar](repeating: 0, count: Int(NI_MAXHOST))
            if getnameinfo(address, socklen_t(MemoryLayout<sockaddr_in>.size), &host, socklen_t(host.count), nil, 0, NI_NUMERICHOST) == 0 {
                return String(decoding: host.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            }
        }
        return "127.0.0.1"
    }
}
