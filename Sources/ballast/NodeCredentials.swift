import BallastAPI
import BallastClient
import BallastServer
import Foundation

/// A node agent's own credentials: a token for user system:node:NAME (group
/// system:nodes), made once and kept in the cluster's tokens file, in a kubeconfig of its
/// own. With it an agent may write only its Node, its Lease, its proxy token and the pods
/// bound to it (Authorizer, NodeRestriction).
enum NodeCredentials {
    /// Writes the kubeconfig of node `name` (its token made on first use) beside the
    /// cluster's admin kubeconfig, and returns its path.
    static func kubeconfig(node name: String, dataDir: String) throws -> String {
        if let problem = NameRules.dns1123Subdomain(name).first { throw CommandFailure("invalid node name \"\(name)\": \(problem)") }
        let configuration = ServerConfiguration(dataDir: dataDir)
        let admin = try KubeconfigFile.load(path: configuration.kubeconfigPath)
        let user = "system:node:" + name
        var token = TokenAuthenticator.read(configuration.tokensPath).first { $0.user.name == user }?.token
        if token == nil {
            let fresh = TokenAuthenticator.newToken()
            let identity = UserInfo(name: user, uid: UUID().uuidString.lowercased(), groups: ["system:nodes"])
            try TokenAuthenticator.append(.init(token: fresh, user: identity), to: configuration.tokensPath)
            token = fresh
        }
        let directory = dataDir + "/node-credentials"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let path = "\(directory)/\(name).kubeconfig"
        let text = Kubeconfig.render(server: admin.server, caPEM: admin.caPEM ?? "", token: token ?? "", user: user)
        guard FileManager.default.createFile(atPath: path + ".tmp", contents: Data(text.utf8), attributes: [.posixPermissions: 0o600]) else {
            throw CommandFailure("cannot write \(path)")
        }
        guard rename(path + ".tmp", path) == 0 else { throw CommandFailure("cannot write \(path): errno \(errno)") }
        return path
    }
}
