import Foundation
import Yams

/// The parts of a kubeconfig file a client needs: server URL, CA and token of the current
/// context.
public struct KubeconfigFile: Sendable {
    public var server: String
    public var caPEM: String?
    public var token: String?
    public var insecure: Bool

    public struct LoadError: Error, CustomStringConvertible {
        public var description: String
    }

    private struct Document: Decodable {
        struct NamedCluster: Decodable {
            var name: String
            var cluster: Cluster
        }
        struct Cluster: Decodable {
            var server: String
            var certificateAuthorityData: String?
            var certificateAuthority: String?
            var insecureSkipTLSVerify: Bool?
            enum CodingKeys: String, CodingKey {
                case server
                case certificateAuthorityData = "certificate-authority-data"
                case certificateAuthority = "certificate-authority"
                case insecureSkipTLSVerify = "insecure-skip-tls-verify"
            }
        }
        struct NamedUser: Decodable {
            var name: String
            var user: User
        }
        struct User: Decodable {
            var token: String?
            var tokenFile: String?
        }
        struct NamedContext: Decodable {
            var name: String
            var context: Context
        }
        struct Context: Decodable {
            var cluster: String
            var user: String
        }
        var clusters: [NamedCluster]
        var users: [NamedUser]?
        var contexts: [NamedContext]?
        var currentContext: String?
        enum CodingKeys: String, CodingKey {
            case clusters, users, contexts
            case currentContext = "current-context"
        }
    }

    public init(server: String, caPEM: String?, token: String?, insecure: Bool = false) {
        self.server = server
        self.caPEM = caPEM
        self.token = token
        self.insecure = insecure
    }

    /// Reads a kubeconfig file.
    public static func load(path: String) throws -> KubeconfigFile {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw LoadError(description: "cannot read kubeconfig \(path): \(error.localizedDescription)")
        }
        let document: Document
        do {
            document = try YAMLDecoder().decode(Document.self, from: text)
        } catch {
            throw LoadError(description: "kubeconfig \(path) is not valid: \(error)")
        }
        let context = document.contexts?.first { $0.name == document.currentContext } ?? document.contexts?.first
        guard let cluster = document.clusters.first(where: { $0.name == context?.context.cluster }) ?? document.clusters.first else {
            throw LoadError(description: "kubeconfig \(path) names no cluster")
        }
        let user = document.users?.first { $0.name == context?.context.user }
        var caPEM: String?
        if let data = cluster.cluster.certificateAuthorityData, let decoded = Data(base64Encoded: data) {
            caPEM = String(decoding: decoded, as: UTF8.self)
        } else if let file = cluster.cluster.certificateAuthority {
            caPEM = try? String(contentsOfFile: file, encoding: .utf8)
        }
        var token = user?.user.token
        if token == nil, let file = user?.user.tokenFile {
            token = (try? String(contentsOfFile: file, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        return KubeconfigFile(server: cluster.cluster.server, caPEM: caPEM, token: token,
                              insecure: cluster.cluster.insecureSkipTLSVerify ?? false)
    }

    /// An HTTPS transport for this configuration.
    public func transport() throws -> HTTPSTransport {
        try HTTPSTransport(server: server, caPEM: caPEM, token: token, insecure: insecure)
    }
}
