/// What happens to a volume's directory when its PersistentVolume is deleted.
public enum NFSOnDelete: String, Sendable, Equatable, CaseIterable {
    /// Remove the directory and everything in it.
    case delete
    /// Leave the directory as it is.
    case retain
    /// Rename the directory to "archived-<name>" beside it.
    case archive
}

/// The StorageClass parameters of the NFS driver, parsed and checked.
public struct NFSClassParameters: Sendable, Equatable {
    /// The NFS server's host name or address (`server`).
    public var server: String
    /// The export path on the server (`share`), without a trailing slash.
    public var share: String
    /// Where each volume's directory goes under the share (`pathPattern`).
    public var pathPattern: NFSPathPattern
    /// What deletion does (`onDelete`; upstream's `archiveOnDelete` is understood too).
    public var onDelete: NFSOnDelete
    /// The directory's permission bits (`mode`, octal; 0777 as upstream).
    public var mode: UInt32
    /// The directory's owner (`uid`, `gid`); nil leaves the server's choice (root).
    public var uid: UInt32?
    /// The directory's group (`gid`); nil leaves the server's choice.
    public var gid: UInt32?

    /// The parameter names the driver knows.
    public static let known: Set<String> = ["server", "share", "pathPattern", "onDelete", "archiveOnDelete", "mode", "uid", "gid"]

    /// Makes parameters from values already checked.
    public init(server: String, share: String, pathPattern: NFSPathPattern, onDelete: NFSOnDelete = .delete, mode: UInt32 = 0o777,
                uid: UInt32? = nil, gid: UInt32? = nil) {
        self.server = server
        self.share = share
        self.pathPattern = pathPattern
        self.onDelete = onDelete
        self.mode = mode
        self.uid = uid
        self.gid = gid
    }

    /// Parses `parameters`.
    /// - Returns: the parameters, or one message per bad parameter, each naming it.
    public static func parse(_ parameters: [String: String]) -> Result<NFSClassParameters, NFSParameterError> {
        var problems: [String] = []
        for key in parameters.keys.sorted() where !known.contains(key) {
            problems.append("parameter \(key.nfsQuoted) is not known (known: \(known.sorted().joined(separator: ", ")))")
        }

        let server = parameters["server"] ?? ""
        if server.isEmpty {
            problems.append("parameter \"server\" is required")
        } else if let problem = serverProblem(server) {
            problems.append("parameter \"server\": \(problem)")
        }

        var share = parameters["share"] ?? ""
        if share.isEmpty {
            problems.append("parameter \"share\" is required")
        } else if let problem = shareProblem(share) {
            problems.append("parameter \"share\": \(problem)")
        } else {
            while share.count > 1 && share.hasSuffix("/") { share.removeLast() }
        }

        var pattern: NFSPathPattern?
        do {
            pattern = try NFSPathPattern(parameters["pathPattern"] ?? NFSPathPattern.defaultPattern)
        } catch {
            problems.append("parameter \"pathPattern\": \(error.message)")
        }

        var onDelete = NFSOnDelete.delete
        if let value = parameters["onDelete"] {
            if let parsed = NFSOnDelete(rawValue: value) {
                onDelete = parsed
            } else {
                problems.append("parameter \"onDelete\": must be delete, retain or archive, not \(value.nfsQuoted)")
            }
        } else if let value = parameters["archiveOnDelete"] {
            // Upstream's older switch; onDelete wins when both are given, as upstream.
            switch value.lowercased() {
            case "true", "1", "t": onDelete = .archive
            case "false", "0", "f": onDelete = .delete
            default: problems.append("parameter \"archiveOnDelete\": must be true or false, not \(value.nfsQuoted)")
            }
        }

        var mode: UInt32 = 0o777
        if let value = parameters["mode"] {
            if let parsed = UInt32(value, radix: 8), parsed <= 0o7777, !value.isEmpty {
                mode = parsed
            } else {
                problems.append("parameter \"mode\": must be an octal mode from 0 to 7777 (like 0775), not \(value.nfsQuoted)")
            }
        }

        var ids: [String: UInt32] = [:]
        for key in ["uid", "gid"] {
            guard let value = parameters[key] else { continue }
            // 4294967295 is (uid_t)-1, which chown reads as "leave unchanged".
            if let parsed = UInt32(value), parsed < UInt32.max {
                ids[key] = parsed
            } else {
                problems.append("parameter \(key.nfsQuoted): must be a number from 0 to 4294967294, not \(value.nfsQuoted)")
            }
        }

        guard problems.isEmpty, let pattern else { return .failure(NFSParameterError(problems: problems)) }
        return .success(NFSClassParameters(server: server, share: share, pathPattern: pattern, onDelete: onDelete, mode: mode,
                                           uid: ids["uid"], gid: ids["gid"]))
    }

    private static func serverProblem(_ server: String) -> String? {
        if server.utf8.count > 253 { return "longer than 253 characters" }
        if server.contains(where: { $0 == "/" || $0 == "?" || $0 == "&" || $0 == "#" || $0.isWhitespace }) {
            return "must be a host name or an IP address, not \(server.nfsQuoted)"
        }
        return nil
    }

    private static func shareProblem(_ share: String) -> String? {
        guard share.hasPrefix("/") else { return "must be an absolute path, not \(share.nfsQuoted)" }
        var path = String(share.dropFirst())
        while path.hasSuffix("/") { path.removeLast() }
        if path.isEmpty { return nil }
        if let problem = NFSPathPattern.problem(inRelativePath: path) { return "\(share.nfsQuoted): \(problem)" }
        return nil
    }
}

/// The problems found in a class's parameters, one message per bad parameter.
public struct NFSParameterError: Error, Sendable, Equatable, CustomStringConvertible {
    /// One message per bad parameter, each naming it.
    public var problems: [String]

    /// Wraps `problems`.
    public init(problems: [String]) { self.problems = problems }

    /// The messages joined with "; ".
    public var description: String { problems.joined(separator: "; ") }
}
