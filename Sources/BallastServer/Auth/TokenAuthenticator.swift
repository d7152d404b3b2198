import Crypto
import Foundation
import Synchronization

/// Bearer-token authentication against the tokens file in the data directory. Tokens are
/// kept hashed in memory, and the file is re-read when it changes (new node tokens).
public final class TokenAuthenticator: Sendable {
    /// One line of the tokens file: `token,user,uid,group1|group2`.
    public struct Entry: Sendable, Equatable {
        public var token: String
        public var user: UserInfo

        public init(token: String, user: UserInfo) {
            self.token = token
            self.user = user
        }
    }

    private let path: String
    private let state = Mutex<(modified: Date?, users: [String: UserInfo])>((nil, [:]))

    public init(path: String) {
        self.path = path
        reloadIfChanged()
    }

    /// The user for an `Authorization: Bearer …` header, or nil.
    public func authenticate(_ header: String?) -> UserInfo? {
        guard let header, header.hasPrefix("Bearer ") else { return nil }
        let token = String(header.dropFirst("Bearer ".count)).trimmingCharacters(in: " ")
        guard !token.isEmpty else { return nil }
        reloadIfChanged()
        let digest = TokenAuthenticator.digest(token)
        return state.withLock { $0.users[digest] }
    }

    private func reloadIfChanged() {
        let modified = (try? FileManager.default.attributesOfItem(atPath: path)[.modificationDate]) as? Date
        let current = state.withLock { $0.modified }
        guard modified != current || modified == nil else { return }
        let entries = TokenAuthenticator.read(path)
        var users: [String: UserInfo] = [:]
        for entry in entries { users[TokenAuthenticator.digest(entry.token)] = entry.user }
        state.withLock { $0 = (modified, users) }
    }

    static func digest(_ token: String) -> String {
        SHA256.hash(data: Data(token.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// The entries of a tokens file (missing file: none).
    public static func read(_ path: String) -> [Entry] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap { line in
            let fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            guard fields.count >= 2, !fields[0].hasPrefix("#"), !fields[0].isEmpty else { return nil }
            let groups = fields.count > 3 ? fields[3].split(separator: "|").map(String.init) : []
            return Entry(token: fields[0], user: UserInfo(name: fields[1], uid: fields.count > 2 ? fields[2] : "", groups: groups))
        }
    }

    /// Appends an entry, creating the file with mode 0600.
    public static func append(_ entry: Entry, to path: String) throws {
        let line = "\(entry.token),\(entry.user.name),\(entry.user.uid),\(entry.user.groups.joined(separator: "|"))\n"
        if !FileManager.default.fileExists(atPath: path) {
            guard FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600]) else {
                throw CocoaError(.fileWriteNoPermission)
            }
        }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(line.utf8))
    }

    /// A fresh random token (256 bits, hex).
    public static func newToken() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
    }
}
