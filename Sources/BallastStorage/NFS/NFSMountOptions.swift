/// A StorageClass's NFS mount options, checked against what Ballast can honour.
///
/// Pods reach NFS through a FUSE mount backed by libnfs (DESIGN.md), so the options are
/// those of nfs(5) that make sense there: the protocol version (3 or 4.0: libnfs has no
/// 4.1/4.2), explicit ports, TCP only, AUTH_SYS only, and the generic mount flags. Others
/// are refused (storage-rules.md rule 7) rather than silently dropped. The provisioner
/// itself talks to the server the way the options say (version and ports).
public struct NFSMountOptions: Sendable, Equatable {
    /// The protocol version (nfsvers= or vers=); NFSv3 when not given.
    public var version: NFSVersion
    /// The NFS port (port=); nil for the default.
    public var port: Int?
    /// The MOUNT port (mountport=); nil to ask the portmapper.
    public var mountPort: Int?
    /// Whether the volume is mounted read-only (ro).
    public var readOnly: Bool
    /// The options one by one, as given (comma-joined entries split).
    public var options: [String]

    /// Makes options from values already checked.
    public init(version: NFSVersion = .v3, port: Int? = nil, mountPort: Int? = nil, readOnly: Bool = false, options: [String] = []) {
        self.version = version
        self.port = port
        self.mountPort = mountPort
        self.readOnly = readOnly
        self.options = options
    }

    /// Options that take no value and need no check.
    private static let flags: Set<String> = [
        "hard", "soft", "softerr", "intr", "nointr", "tcp", "ac", "noac", "cto", "nocto", "lock", "nolock", "acl", "noacl",
        "rdirplus", "nordirplus", "sharecache", "nosharecache", "resvport", "noresvport", "nofsc", "bg", "fg", "sync", "async", "atime", "noatime", "diratime", "nodiratime", "relatime", "norelatime", "strictatime",
        "exec", "noexec", "suid", "nosuid", "dev", "nodev", "_netdev", "nofail", "auto", "noauto", "defaults",
    ]

    /// Options whose value is a non-negative number.
    private static let numeric: Set<String> = [
        "timeo", "retrans", "retry", "acregmin", "acregmax", "acdirmin", "acdirmax", "actimeo", "rsize", "wsize",
        "bsize", "namlen", "nconnect", "max_connect",
    ]

    /// Options with a fixed set of values.
    private static let enumerated: [String: Set<String>] = [
        "lookupcache": ["all", "none", "pos", "positive"],
        "local_lock": ["all", "flock", "posix", "none"],
        "xprtsec": ["none"],
    ]

    /// Parses and checks `mountOptions`.
    /// - Returns: the options, or one message per bad option naming it.
    public static func parse(_ mountOptions: [String]) -> Result<NFSMountOptions, NFSMountOptionsError> {
        var result = NFSMountOptions()
        var problems: [String] = []
        var seen: [String: String] = [:]
        let items = mountOptions.flatMap { $0.split(separator: ",", omittingEmptySubsequences: true) }
            .map { $0.trimmingSpaces() }.filter { !$0.isEmpty }
        for item in items {
            result.options.append(item)
            let (key, value) = split(item)
            let slot = key == "vers" ? "nfsvers" : key
            if let previous = seen[slot], previous != item {
                problems.append("mount option \(item.nfsQuoted) contradicts \(previous.nfsQuoted)")
                continue
            }
            seen[slot] = item
            if let problem = check(key, value, into: &result) {
                problems.append(problem)
            }
        }
        for (a, b) in [("ro", "rw"), ("hard", "soft"), ("lock", "nolock"), ("ac", "noac")] where seen[a] != nil && seen[b] != nil {
            problems.append("mount options \(a.nfsQuoted) and \(b.nfsQuoted) contradict each other")
        }
        if result.version == .v4, seen["mountport"] != nil {
            problems.append("mount option \"mountport\" has no meaning for NFSv4 (there is no MOUNT protocol)")
        }
        return problems.isEmpty ? .success(result) : .failure(NFSMountOptionsError(problems: problems))
    }

    private static func split(_ item: String) -> (key: String, value: String?) {
        guard let equals = item.firstIndex(of: "=") else { return (item, nil) }
        return (String(item[..<equals]), String(item[item.index(after: equals)...]))
    }

    private static func check(_ key: String, _ value: String?, into result: inout NFSMountOptions) -> String? {
        let item = value.map { "\(key)=\($0)" } ?? key
        switch key {
        case "nfsvers", "vers":
            switch value {
            case "3": result.version = .v3
            case "4", "4.0": result.version = .v4
            case "2": return "mount option \(item.nfsQuoted): NFSv2 is not supported (use 3 or 4)"
            case "4.1", "4.2": return "mount option \(item.nfsQuoted): Ballast's NFS client (libnfs) speaks NFS 3 and 4.0 only"
            default: return "mount option \(item.nfsQuoted): the version must be 3 or 4"
            }
        case "minorversion":
            guard value == "0" else { return "mount option \(item.nfsQuoted): only NFSv4.0 is supported" }
        case "port", "mountport":
            guard let value, let number = Int(value), (0...65535).contains(number) else {
                return "mount option \(item.nfsQuoted): the port must be a number from 0 to 65535"
            }
            // 0 means "the default", as for the kernel client.
            let port = number == 0 ? nil : number
            if key == "port" { result.port = port } else { result.mountPort = port }
        case "proto", "mountproto":
            guard value == "tcp" || value == "tcp6" else {
                return "mount option \(item.nfsQuoted): only TCP is supported"
            }
        case "udp", "rdma":
            return "mount option \(item.nfsQuoted): only TCP is supported"
        case "sec":
            guard value == "sys" || value == "none" else {
                return "mount option \(item.nfsQuoted): only sec=sys is supported (no Kerberos)"
            }
        case "ro", "rw":
            guard value == nil else { return "mount option \(item.nfsQuoted) takes no value" }
            result.readOnly = key == "ro"
        case "clientaddr", "mounthost", "mountaddr", "addr", "fsc":
            guard value != nil || key == "fsc" else { return "mount option \(item.nfsQuoted) needs a value" }
        case "mountvers":
            guard value == "3" else { return "mount option \(item.nfsQuoted): the MOUNT version must be 3" }
        default:
            if flags.contains(key) {
                guard value == nil else { return "mount option \(item.nfsQuoted) takes no value" }
            } else if numeric.contains(key) {
                guard let value, UInt64(value) != nil else { return "mount option \(item.nfsQuoted): the value must be a non-negative number" }
            } else if let allowed = enumerated[key] {
                guard let value, allowed.contains(value) else {
                    return "mount option \(item.nfsQuoted): the value must be one of \(allowed.sorted().joined(separator: ", "))"
                }
            } else {
                return "unknown NFS mount option \(item.nfsQuoted)"
            }
        }
        return nil
    }
}

/// The problems found in a class's mount options, one message per bad option.
public struct NFSMountOptionsError: Error, Sendable, Equatable, CustomStringConvertible {
    /// One message per bad option, each naming it.
    public var problems: [String]

    /// Wraps `problems`.
    public init(problems: [String]) { self.problems = problems }

    /// The messages joined with "; ".
    public var description: String { problems.joined(separator: "; ") }
}

extension Substring {
    fileprivate func trimmingSpaces() -> String {
        String(drop(while: { $0 == " " }).reversed().drop(while: { $0 == " " }).reversed())
    }
}
