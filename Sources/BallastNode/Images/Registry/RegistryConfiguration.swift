import BallastStorage
import Foundation
import Yams

/// Per-node registry settings in k3s's `registries.yaml` format
/// (https://docs.k3s.io/installation/private-registry):
/// ```yaml
/// mirrors:
///   docker.io:
///     endpoint: ["http://127.0.0.1:15000"]
///     rewrite: {"^rancher/(.*)": "mirror/rancher/$1"}
///   "*":
///     endpoint: ["https://mirror.example"]
/// configs:
///   "127.0.0.1:15000":
///     auth: {username: u, password: p}      # or auth: <base64 u:p>, identity_token: …
///     tls: {insecure_skip_verify: true, ca_file: …, cert_file: …, key_file: …}
/// ```
/// A registry's mirrors are tried first, in order, then the registry itself. "*" is the
/// mirror of every registry without an entry of its own. `configs` are keyed by the host
/// (with port) of a mirror endpoint or of the registry.
public struct RegistryConfiguration: Sendable, Equatable {
    /// Mirrors of one registry.
    public struct Mirror: Sendable, Equatable {
        /// Endpoint URLs ("http://127.0.0.1:15000", "mirror.example:5000"; https if no scheme).
        public var endpoints: [String]
        /// Regular expression → replacement ("$1") applied to the repository at the mirrors.
        public var rewrites: [String: String]

        /// Makes a mirror entry.
        public init(endpoints: [String], rewrites: [String: String] = [:]) {
            self.endpoints = endpoints
            self.rewrites = rewrites
        }
    }

    /// Credentials for a host.
    public struct Authentication: Sendable, Equatable {
        public var username: String?
        public var password: String?
        /// base64("username:password"), as in a Docker config.json.
        public var auth: String?
        /// An OAuth2 refresh token (Docker's identitytoken).
        public var identityToken: String?

        /// Makes credentials.
        public init(username: String? = nil, password: String? = nil, auth: String? = nil, identityToken: String? = nil) {
            self.username = username
            self.password = password
            self.auth = auth
            self.identityToken = identityToken
        }

        /// The username and password, from the fields or decoded from `auth`.
        public var basicCredentials: (username: String, password: String)? {
            if let username, let password { return (username, password) }
            if let auth, let data = Data(base64Encoded: auth), let text = String(data: data, encoding: .utf8),
               let colon = text.firstIndex(of: ":") {
                return (String(text[..<colon]), String(text[text.index(after: colon)...]))
            }
            return nil
        }
    }

    /// TLS settings for a host.
    public struct TLS: Sendable, Equatable {
        public var certificateFile: String?
        public var keyFile: String?
        public var caFile: String?
        public var insecureSkipVerify: Bool

        /// Makes TLS settings.
        public init(certificateFile: String? = nil, keyFile: String? = nil, caFile: String? = nil, insecureSkipVerify: Bool = false) {
            self.certificateFile = certificateFile
            self.keyFile = keyFile
            self.caFile = caFile
            self.insecureSkipVerify = insecureSkipVerify
        }
    }

    /// Settings for one host.
    public struct HostConfiguration: Sendable, Equatable {
        public var authentication: Authentication?
        public var tls: TLS?

        /// Makes host settings.
        public init(authentication: Authentication? = nil, tls: TLS? = nil) {
            self.authentication = authentication
            self.tls = tls
        }
    }

    /// Registry name ("docker.io", "*") → its mirrors.
    public var mirrors: [String: Mirror]
    /// Host ("127.0.0.1:15000", "registry-1.docker.io") → its settings.
    public var configs: [String: HostConfiguration]

    /// Makes a configuration; empty means every registry is reached directly.
    public init(mirrors: [String: Mirror] = [:], configs: [String: HostConfiguration] = [:]) {
        self.mirrors = mirrors
        self.configs = configs
    }

    /// Reads a registries.yaml; a missing file is an empty configuration.
    /// - Throws: `ImageError.storage` when the file cannot be read or parsed.
    public static func load(path: String) throws(ImageError) -> RegistryConfiguration {
        let text: String?
        do {
            text = try FileIO.readText(path)
        } catch {
            throw ImageError.storage(error.description)
        }
        guard let text else { return RegistryConfiguration() }
        return try parse(yaml: text, source: path)
    }

    /// Parses the text of a registries.yaml.
    public static func parse(yaml: String, source: String = "registries.yaml") throws(ImageError) -> RegistryConfiguration {
        let document: File
        do {
            document = try YAMLDecoder().decode(File.self, from: yaml.isEmpty ? "{}" : yaml)
        } catch {
            throw ImageError.storage("\(source): \(error)")
        }
        var configuration = RegistryConfiguration()
        for (name, mirror) in document.mirrors ?? [:] {
            configuration.mirrors[name] = Mirror(endpoints: mirror.endpoint ?? [], rewrites: mirror.rewrite ?? [:])
        }
        for (host, entry) in document.configs ?? [:] {
            configuration.configs[host] = HostConfiguration(
                authentication: entry.auth.map {
                    Authentication(username: $0.username, password: $0.password, auth: $0.auth, identityToken: $0.identity_token)
                },
                tls: entry.tls.map {
                    TLS(certificateFile: $0.cert_file, keyFile: $0.key_file, caFile: $0.ca_file, insecureSkipVerify: $0.insecure_skip_verify ?? false)
                })
        }
        return configuration
    }

    /// The endpoints to try for `reference`, in order: its mirrors (or those of "*"), then
    /// the registry itself (Docker Hub is registry-1.docker.io; a loopback registry is
    /// reached over plain HTTP, as containerd does, anything else over HTTPS).
    public func endpoints(for reference: ImageReference) -> [RegistryEndpoint] {
        var result: [RegistryEndpoint] = []
        if let mirror = mirrors[reference.registry] ?? mirrors["*"] {
            let repository = Self.rewrite(reference.repository, mirror.rewrites)
            for text in mirror.endpoints {
                if let endpoint = RegistryEndpoint(url: text, repository: repository, isMirror: true), !result.contains(endpoint) {
                    result.append(endpoint)
                }
            }
        }
        let upstream = RegistryEndpoint.upstream(of: reference)
        if !result.contains(where: { $0.scheme == upstream.scheme && $0.host == upstream.host && $0.repository == upstream.repository }) {
            result.append(upstream)
        }
        return result
    }

    /// The settings for `host`, falling back to those of `registry`.
    public func hostConfiguration(host: String, registry: String) -> HostConfiguration? {
        configs[host] ?? configs[registry]
    }

    static func rewrite(_ repository: String, _ rules: [String: String]) -> String {
        for pattern in rules.keys.sorted() {
            guard let replacement = rules[pattern], let expression = try? NSRegularExpression(pattern: pattern) else { continue }
            let range = NSRange(repository.startIndex..., in: repository)
            if expression.firstMatch(in: repository, range: range) != nil {
                return expression.stringByReplacingMatches(in: repository, range: range, withTemplate: replacement)
            }
        }
        return repository
    }

    // The file's shape (snake_case keys, as k3s writes them).
    private struct File: Decodable {
        var mirrors: [String: MirrorEntry]?
        var configs: [String: ConfigEntry]?
    }

    private struct MirrorEntry: Decodable {
        var endpoint: [String]?
        var rewrite: [String: String]?
    }

    private struct ConfigEntry: Decodable {
        var auth: AuthEntry?
        var tls: TLSEntry?
    }

    private struct AuthEntry: Decodable {
        var username: String?
        var password: String?
        var auth: String?
        var identity_token: String?
    }

    private struct TLSEntry: Decodable {
        var cert_file: String?
        var key_file: String?
        var ca_file: String?
        var insecure_skip_verify: Bool?
    }
}

/// One place a repository can be fetched from: a mirror or the registry itself.
public struct RegistryEndpoint: Sendable, Hashable, CustomStringConvertible {
    /// "http" or "https".
    public var scheme: String
    /// Host with port ("127.0.0.1:15000").
    public var host: String
    /// The API root on that host ("/v2").
    public var apiPath: String
    /// The repository path there (a mirror's rewrite applied).
    public var repository: String
    /// Whether this is a mirror rather than the registry itself.
    public var isMirror: Bool

    /// Parses a mirror endpoint URL; https when it has no scheme. A path other than "/" is
    /// the API root itself ("https://mirror/v2/hub" → …/v2/hub/library/redis/manifests/…,
    /// containerd's override_path); without one the root is "/v2".
    public init?(url text: String, repository: String, isMirror: Bool) {
        var rest = Substring(text)
        var scheme = "https"
        if let range = rest.range(of: "://") {
            scheme = rest[..<range.lowerBound].lowercased()
            rest = rest[range.upperBound...]
        }
        guard scheme == "http" || scheme == "https" else { return nil }
        let host = rest.prefix { $0 != "/" }
        guard !host.isEmpty else { return nil }
        var path = String(rest.dropFirst(host.count))
        while path.hasSuffix("/") { path.removeLast() }
        if path.isEmpty { path = "/v2" }
        self.scheme = scheme
        self.host = String(host)
        apiPath = path
        self.repository = repository
        self.isMirror = isMirror
    }

    /// The registry itself.
    static func upstream(of reference: ImageReference) -> RegistryEndpoint {
        let host = reference.registry == ImageReference.dockerHub ? "registry-1.docker.io" : reference.registry
        let hostname = host.hasPrefix("[") ? String(host.prefix { $0 != "]" }.dropFirst()) : String(host.prefix { $0 != ":" })
        let loopback = hostname == "localhost" || hostname.hasPrefix("127.") || hostname == "::1"
        return RegistryEndpoint(url: (loopback ? "http://" : "https://") + host, repository: reference.repository, isMirror: false)
            ?? RegistryEndpoint(scheme: "https", host: host, apiPath: "/v2", repository: reference.repository, isMirror: false)
    }

    init(scheme: String, host: String, apiPath: String, repository: String, isMirror: Bool) {
        self.scheme = scheme
        self.host = host
        self.apiPath = apiPath
        self.repository = repository
        self.isMirror = isMirror
    }

    /// The URL of `path` under this repository ("/manifests/latest").
    func url(_ path: String) -> String { "\(scheme)://\(host)\(apiPath)/\(repository)\(path)" }

    /// "http://127.0.0.1:15000/v2/library/redis".
    public var description: String { "\(scheme)://\(host)\(apiPath)/\(repository)" }
}
