import Foundation

/// A container process's identity, resolved against its image.
public struct ResolvedUser: Sendable, Hashable {
    /// The user ID.
    public var uid: UInt32
    /// The primary group ID.
    public var gid: UInt32
    /// Supplementary groups (from /etc/group membership when no group was named).
    public var additionalGids: [UInt32]
    /// The user's home directory from /etc/passwd ("/" when unknown), for $HOME.
    public var home: String

    /// Makes an identity.
    public init(uid: UInt32, gid: UInt32, additionalGids: [UInt32] = [], home: String = "/") {
        self.uid = uid
        self.gid = gid
        self.additionalGids = additionalGids
        self.home = home
    }

    /// root, with no supplementary groups.
    public static let root = ResolvedUser(uid: 0, gid: 0, home: "/root")
}

/// Resolves an image's or a pod's user ("redis", "postgres:postgres", "1000:1000", "1000")
/// against the image rootfs's /etc/passwd and /etc/group, with the rules of runc's
/// libcontainer/user.GetExecUser (which Docker, containerd and CRI-O share):
/// - empty means root;
/// - a name must be in /etc/passwd; a number need not be (its gid is then 0, or the
///   passwd entry's if there is one);
/// - "user:group" takes the group (name or number; a name must be in /etc/group);
/// - with no group named, every /etc/group entry that lists the user's name adds a
///   supplementary group.
///
/// The files are read inside the rootfs (symlinks resolved there), so an image cannot make
/// the agent read the host's files.
public enum ImageUser {
    /// Resolves `user` in the image whose root filesystem is at `rootfs`.
    /// - Throws: `ImageError.userNotFound` for a name the image does not know.
    public static func resolve(_ user: String, rootfs: String) throws(ImageError) -> ResolvedUser {
        let parts = user.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        let userPart = parts.first ?? ""
        let groupPart = parts.count > 1 ? parts[1] : ""
        let passwd = readEntries(rootfs: rootfs, file: "passwd")
        let groups = readEntries(rootfs: rootfs, file: "group")

        var resolved = ResolvedUser(uid: 0, gid: 0, home: "/")
        var matchedName: String?
        if userPart.isEmpty {
            if let entry = passwd?.first(where: { $0.count > 3 && $0[2] == "0" }) {
                resolved.gid = UInt32(entry[3]) ?? 0
                resolved.home = entry.count > 5 ? entry[5] : "/root"
                matchedName = entry[0]
            } else {
                resolved.home = "/root"
            }
        } else if let uid = UInt32(userPart) {
            resolved.uid = uid
            if let entry = passwd?.first(where: { $0.count > 3 && $0[2] == userPart }) {
                resolved.gid = UInt32(entry[3]) ?? 0
                resolved.home = entry.count > 5 && !entry[5].isEmpty ? entry[5] : "/"
                matchedName = entry[0]
            }
        } else {
            guard let passwd else {
                throw ImageError.userNotFound("unable to find user \(userPart): no /etc/passwd in the image")
            }
            guard let entry = passwd.first(where: { $0.count > 3 && $0[0] == userPart }), let uid = UInt32(entry[2]) else {
                throw ImageError.userNotFound("unable to find user \(userPart): no matching entries in passwd file")
            }
            resolved.uid = uid
            resolved.gid = UInt32(entry[3]) ?? 0
            resolved.home = entry.count > 5 && !entry[5].isEmpty ? entry[5] : "/"
            matchedName = entry[0]
        }

        if !groupPart.isEmpty {
            if let entry = groups?.first(where: { $0.count > 2 && ($0[0] == groupPart || $0[2] == groupPart) }), let gid = UInt32(entry[2]) {
                resolved.gid = gid
            } else if let gid = UInt32(groupPart) {
                resolved.gid = gid
            } else {
                throw ImageError.userNotFound("unable to find group \(groupPart): no matching entries in group file")
            }
        } else if let matchedName, let groups {
            var seen = Set<UInt32>()
            for entry in groups where entry.count > 3 {
                let members = entry[3].split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
                if members.contains(matchedName), let gid = UInt32(entry[2]), seen.insert(gid).inserted {
                    resolved.additionalGids.append(gid)
                }
            }
        }
        return resolved
    }

    /// The colon-separated lines of /etc/<file> in the image, or nil if it has none.
    private static func readEntries(rootfs: String, file: String) -> [[String]]? {
        guard let tree = try? RootedDirectory(path: rootfs), let bytes = try? tree.readFile(["etc", file], limit: 4 << 20) else { return nil }
        return String(decoding: bytes, as: UTF8.self).split(separator: "\n").compactMap { line in
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || trimmed.hasPrefix("#") { return nil }
            return trimmed.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        }
    }
}
