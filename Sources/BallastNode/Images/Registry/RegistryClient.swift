import AsyncHTTPClient
import Foundation
public import Logging
import NIOCore
import NIOHTTP1
import NIOSSL

/// A manifest as resolved for this node's platform.
public struct ResolvedManifest: Sendable {
    /// The reference that was asked for.
    public var reference: ImageReference
    /// The digest of the single-platform manifest (the image's identity).
    public var digest: Digest
    /// The digest of the manifest list it was picked from, if the reference named one.
    public var indexDigest: Digest?
    /// The manifest.
    public var manifest: ImageManifest
    /// Its bytes, exactly as fetched (their sha256 is `digest`).
    public var bytes: [UInt8]
    /// Where it came from; blobs are fetched there first.
    public var endpoint: RegistryEndpoint
}

/// A client of the OCI distribution API (https://github.com/opencontainers/distribution-spec):
/// manifests and manifest lists in OCI and Docker media types, blobs, bearer-token and basic
/// authentication, HTTP and HTTPS, redirects (a blob is often served by a CDN), and the
/// mirrors of `RegistryConfiguration`, tried before the registry itself.
///
/// Every manifest and blob is checked against its sha256 before it is used or stored. One
/// client serves the whole agent; call `shutdown()` when done.
public actor RegistryClient {
    /// The mirrors, credentials and TLS settings in use.
    public let configuration: RegistryConfiguration
    private let logger: Logger
    private let userAgent: String
    private var clients: [String: HTTPClient] = [:]
    private var tokens: [String: (value: String, expires: ContinuousClock.Instant)] = [:]
    private var basicHosts: Set<String> = []
    private var isShutDown = false

    /// Longest a manifest or token request may take.
    static let requestTimeout: TimeAmount = .seconds(60)
    /// Longest a blob download may take (a stalled one fails sooner, by the read timeout).
    static let blobTimeout: TimeAmount = .hours(2)
    /// Manifests larger than this are refused (the distribution spec suggests 4 MiB).
    static let manifestLimit = 4 << 20

    /// Makes a client.
    public init(configuration: RegistryConfiguration = RegistryConfiguration(), userAgent: String = "ballast-node",
                logger: Logger = Logger(label: "ballast.registry")) {
        self.configuration = configuration
        self.userAgent = userAgent
        self.logger = logger
    }

    /// Closes every connection. The client cannot be used afterwards.
    public func shutdown() async {
        isShutDown = true
        let open = Array(clients.values)
        clients = [:]
        for client in open { try? await client.shutdown() }
    }

    // MARK: - Manifests

    /// Fetches the manifest of `reference` for `platform` from the first endpoint that has
    /// it (a manifest list is resolved to the platform's entry).
    /// - Throws: `ImageError`: `.notFound`, `.unauthorized`, `.unavailable`,
    ///   `.digestMismatch` (a pinned digest or the registry's Docker-Content-Digest is not
    ///   the content's), `.unsupported` (schema 1), `.noMatchingPlatform`.
    public func fetchManifest(_ reference: ImageReference, platform: Platform = .current) async throws(ImageError) -> ResolvedManifest {
        var failures: [(RegistryEndpoint, ImageError)] = []
        for endpoint in configuration.endpoints(for: reference) {
            do {
                return try await fetchManifest(reference, platform: platform, at: endpoint)
            } catch {
                logger.debug("manifest fetch failed", metadata: ["endpoint": "\(endpoint)", "error": "\(error)"])
                failures.append((endpoint, error))
                // A list without this platform is an answer, not an outage: stop here.
                if case .noMatchingPlatform = error { throw error }
            }
        }
        throw Self.combine(failures, reference: reference)
    }

    /// The digest `reference` resolves to now (the manifest list's, if it names one), by a
    /// HEAD request (a GET where the registry gives no Docker-Content-Digest). Used by the
    /// Always pull policy to decide whether anything changed.
    public func manifestDigest(_ reference: ImageReference) async throws(ImageError) -> Digest {
        if let digest = reference.digest { return digest }
        var failures: [(RegistryEndpoint, ImageError)] = []
        for endpoint in configuration.endpoints(for: reference) {
            do {
                let response = try await send(endpoint.url("/manifests/\(reference.manifestReference)"), method: .HEAD,
                                              endpoint: endpoint, registry: reference.registry, accept: MediaType.manifestAccept)
                try await Self.check(response, reference: reference, endpoint: endpoint, what: "manifest")
                if let header = response.headers.first(name: "Docker-Content-Digest"), let digest = try? Digest(parsing: header) {
                    return digest
                }
                let (bytes, _) = try await fetchDocument(endpoint, reference: reference.manifestReference, registry: reference.registry,
                                                         imageReference: reference)
                return Digest.sha256(of: bytes)
            } catch let error as ImageError {
                failures.append((endpoint, error))
            } catch {
                failures.append((endpoint, ImageError.unavailable(reference.description, "\(endpoint.host): \(error)")))
            }
        }
        throw Self.combine(failures, reference: reference)
    }

    private func fetchManifest(_ reference: ImageReference, platform: Platform, at endpoint: RegistryEndpoint) async throws(ImageError) -> ResolvedManifest {
        do {
            let (bytes, mediaType) = try await fetchDocument(endpoint, reference: reference.manifestReference, registry: reference.registry,
                                                             imageReference: reference)
            let digest = Digest.sha256(of: bytes)
            if let pinned = reference.digest, pinned != digest {
                throw ImageError.digestMismatch("manifest of \(reference) from \(endpoint.host)", expected: pinned, actual: digest)
            }
            let document = try Self.decode(ManifestDocument.self, bytes, what: "manifest of \(reference)")
            let kind = Self.kind(mediaType: mediaType, document: document)
            if MediaType.isManifest(kind) {
                return ResolvedManifest(reference: reference, digest: digest, indexDigest: nil,
                                        manifest: try Self.decode(ImageManifest.self, bytes, what: "manifest of \(reference)"),
                                        bytes: bytes, endpoint: endpoint)
            }
            guard MediaType.isIndex(kind), let entries = document.manifests else {
                throw ImageError.unsupported("manifest of \(reference) has media type \(kind) (schema 1 and other kinds are not read)")
            }
            let candidates = entries.filter { MediaType.isManifest($0.mediaType) || $0.mediaType.isEmpty }
            guard let chosen = candidates.first(where: { $0.platform.map(platform.matches) ?? false }) else {
                throw ImageError.noMatchingPlatform(reference.description, candidates.compactMap { $0.platform?.description })
            }
            let (entryBytes, _) = try await fetchDocument(endpoint, reference: chosen.digest.description, registry: reference.registry,
                                                          imageReference: reference)
            let entryDigest = Digest.sha256(of: entryBytes)
            guard entryDigest == chosen.digest else {
                throw ImageError.digestMismatch("manifest \(chosen.digest) of \(reference) from \(endpoint.host)", expected: chosen.digest, actual: entryDigest)
            }
            return ResolvedManifest(reference: reference, digest: entryDigest, indexDigest: digest,
                                    manifest: try Self.decode(ImageManifest.self, entryBytes, what: "manifest \(chosen.digest)"),
                                    bytes: entryBytes, endpoint: endpoint)
        } catch let error as ImageError {
            throw error
        } catch {
            throw ImageError.unavailable(reference.description, "\(endpoint.host): \(error)")
        }
    }

    /// GETs /manifests/<reference> and returns the body and its media type.
    private func fetchDocument(_ endpoint: RegistryEndpoint, reference: String, registry: String,
                               imageReference: ImageReference) async throws -> ([UInt8], String) {
        let response = try await send(endpoint.url("/manifests/\(reference)"), method: .GET, endpoint: endpoint, registry: registry,
                                      accept: MediaType.manifestAccept)
        try await Self.check(response, reference: imageReference, endpoint: endpoint, what: "manifest")
        var body = try await response.body.collect(upTo: Self.manifestLimit)
        let bytes = body.readBytes(length: body.readableBytes) ?? []
        let mediaType = response.headers.first(name: "Content-Type").map { String($0.prefix { $0 != ";" }).trimmingCharacters(in: .whitespaces) } ?? ""
        if let header = response.headers.first(name: "Docker-Content-Digest"), let claimed = try? Digest(parsing: header) {
            let actual = Digest.sha256(of: bytes)
            if claimed != actual {
                throw ImageError.digestMismatch("manifest \(reference) of \(imageReference) from \(endpoint.host)", expected: claimed, actual: actual)
            }
        }
        return (bytes, mediaType)
    }

    // MARK: - Blobs

    /// Downloads blob `descriptor` into `store` (nothing if it is there already), trying
    /// `endpoints` in order; the content must have the descriptor's digest and size.
    public func fetchBlob(_ descriptor: Descriptor, for reference: ImageReference, from endpoints: [RegistryEndpoint],
                          into store: ImageStore) async throws(ImageError) {
        if store.hasBlob(descriptor.digest) { return }
        var failures: [(RegistryEndpoint, ImageError)] = []
        for endpoint in endpoints {
            do {
                let response = try await send(endpoint.url("/blobs/\(descriptor.digest)"), method: .GET, endpoint: endpoint,
                                              registry: reference.registry, accept: nil, timeout: Self.blobTimeout)
                try await Self.check(response, reference: reference, endpoint: endpoint, what: "blob \(descriptor.digest)")
                let writer = try store.makeBlobWriter()
                for try await chunk in response.body {
                    try chunk.withUnsafeReadableBytes { try writer.write($0) }
                    if writer.count > descriptor.size {
                        writer.discard()
                        throw ImageError.invalidImage("blob \(descriptor.digest) from \(endpoint.host) is larger than its \(descriptor.size) bytes")
                    }
                }
                _ = try writer.commit(expected: descriptor.digest, expectedSize: descriptor.size,
                                      what: "blob \(descriptor.digest) from \(endpoint.host)")
                return
            } catch let error as ImageError {
                logger.warning("blob fetch failed", metadata: ["endpoint": "\(endpoint)", "error": "\(error)"])
                failures.append((endpoint, error))
            } catch {
                failures.append((endpoint, ImageError.unavailable(reference.description, "\(endpoint.host): \(error)")))
            }
        }
        throw Self.combine(failures, reference: reference)
    }

    // MARK: - HTTP with authentication and redirects

    /// Sends a request; answers a 401 once by authenticating as the challenge asks, and
    /// follows redirects (up to 10), sending credentials only to the endpoint's own host.
    private func send(_ url: String, method: HTTPMethod, endpoint: RegistryEndpoint, registry: String, accept: String?,
                      timeout: TimeAmount = RegistryClient.requestTimeout) async throws -> HTTPClientResponse {
        guard !isShutDown else { throw ImageError.unavailable(url, "the registry client is shut down") }
        var current = url
        var authenticated = false
        let scope = "repository:\(endpoint.repository):pull"
        for _ in 0..<10 {
            let onEndpoint = Self.host(of: current) == endpoint.host
            var request = HTTPClientRequest(url: current)
            request.method = method
            request.headers.add(name: "User-Agent", value: userAgent)
            if let accept { request.headers.add(name: "Accept", value: accept) }
            if onEndpoint, let authorization = authorization(host: endpoint.host, registry: registry, scope: scope) {
                request.headers.add(name: "Authorization", value: authorization)
            }
            let client = try client(host: onEndpoint ? endpoint.host : "", registry: onEndpoint ? registry : "")
            let response = try await client.execute(request, timeout: timeout)
            switch response.status.code {
            case 401 where onEndpoint && !authenticated:
                authenticated = true
                _ = try? await response.body.collect(upTo: 1 << 20)
                let challenges = response.headers[canonicalForm: "WWW-Authenticate"].flatMap { AuthenticationChallenge.parse(String($0)) }
                try await authenticate(challenges, host: endpoint.host, registry: registry, scope: scope)
            case 301, 302, 303, 307, 308:
                _ = try? await response.body.collect(upTo: 1 << 20)
                guard let location = response.headers.first(name: "Location"),
                      let next = URL(string: location, relativeTo: URL(string: current))?.absoluteString else {
                    throw ImageError.unavailable(url, "redirect without a usable Location")
                }
                current = next
            default:
                return response
            }
        }
        throw ImageError.unavailable(url, "too many redirects")
    }

    private func authorization(host: String, registry: String, scope: String) -> String? {
        if let token = tokens[host + " " + scope], token.expires > .now { return "Bearer " + token.value }
        if basicHosts.contains(host), let credentials = configuration.hostConfiguration(host: host, registry: registry)?.authentication?.basicCredentials {
            return "Basic " + Data("\(credentials.username):\(credentials.password)".utf8).base64EncodedString()
        }
        return nil
    }

    private func authenticate(_ challenges: [AuthenticationChallenge], host: String, registry: String, scope: String) async throws {
        let credentials = configuration.hostConfiguration(host: host, registry: registry)?.authentication
        if let bearer = challenges.first(where: { $0.scheme == "bearer" }), let realm = bearer.parameters["realm"] {
            let wantedScope = bearer.parameters["scope"] ?? scope
            let token = try await fetchToken(realm: realm, service: bearer.parameters["service"], scope: wantedScope, credentials: credentials)
            tokens[host + " " + scope] = token
            return
        }
        if challenges.contains(where: { $0.scheme == "basic" }), credentials?.basicCredentials != nil {
            basicHosts.insert(host)
            return
        }
        throw ImageError.unauthorized(host, challenges.isEmpty ? "401 without a usable challenge" : "no credentials for \(host) in registries.yaml")
    }

    /// The token endpoint of the Docker registry token spec (and OAuth2 with a refresh token).
    private func fetchToken(realm: String, service: String?, scope: String,
                            credentials: RegistryConfiguration.Authentication?) async throws -> (value: String, expires: ContinuousClock.Instant) {
        guard var components = URLComponents(string: realm) else { throw ImageError.unauthorized(realm, "bad token realm") }
        var request: HTTPClientRequest
        if let refresh = credentials?.identityToken {
            request = HTTPClientRequest(url: realm)
            request.method = .POST
            var form = URLComponents()
            form.queryItems = [URLQueryItem(name: "grant_type", value: "refresh_token"), URLQueryItem(name: "refresh_token", value: refresh),
                               URLQueryItem(name: "service", value: service ?? ""), URLQueryItem(name: "scope", value: scope),
                               URLQueryItem(name: "client_id", value: userAgent)]
            request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
            request.body = .bytes(ByteBuffer(string: form.percentEncodedQuery ?? ""))
        } else {
            var items = components.queryItems ?? []
            if let service { items.append(URLQueryItem(name: "service", value: service)) }
            items.append(URLQueryItem(name: "scope", value: scope))
            components.queryItems = items
            guard let url = components.string else { throw ImageError.unauthorized(realm, "bad token realm") }
            request = HTTPClientRequest(url: url)
            if let basic = credentials?.basicCredentials {
                request.headers.add(name: "Authorization", value: "Basic " + Data("\(basic.username):\(basic.password)".utf8).base64EncodedString())
            }
        }
        request.headers.add(name: "User-Agent", value: userAgent)
        let host = Self.host(of: realm)
        let response = try await client(host: host, registry: host).execute(request, timeout: Self.requestTimeout)
        var body = try await response.body.collect(upTo: 1 << 20)
        guard response.status.code == 200 else {
            throw ImageError.unauthorized(host, "token request answered \(response.status.code)")
        }
        struct TokenResponse: Decodable {
            var token: String?
            var access_token: String?
            var expires_in: Int?
        }
        let decoded = try JSONDecoder().decode(TokenResponse.self, from: Data(body.readBytes(length: body.readableBytes) ?? []))
        guard let value = decoded.token ?? decoded.access_token, !value.isEmpty else {
            throw ImageError.unauthorized(host, "token response without a token")
        }
        // Renew a little early; the spec's default lifetime is 60 s.
        let lifetime = max(10, (decoded.expires_in ?? 60) - 10)
        return (value, .now + .seconds(lifetime))
    }

    /// The HTTP client for `host`'s TLS settings (one per distinct setting).
    private func client(host: String, registry: String) throws -> HTTPClient {
        let tls = host.isEmpty ? nil : configuration.hostConfiguration(host: host, registry: registry)?.tls
        let key = tls == nil ? "" : host
        if let existing = clients[key] { return existing }
        var tlsConfiguration = TLSConfiguration.makeClientConfiguration()
        if let tls {
            if tls.insecureSkipVerify { tlsConfiguration.certificateVerification = .none }
            if let caFile = tls.caFile { tlsConfiguration.trustRoots = .file(caFile) }
            if let certificateFile = tls.certificateFile, let keyFile = tls.keyFile {
                tlsConfiguration.certificateChain = try NIOSSLCertificate.fromPEMFile(certificateFile).map { .certificate($0) }
                tlsConfiguration.privateKey = .privateKey(try NIOSSLPrivateKey(file: keyFile, format: .pem))
            }
        }
        let settings = HTTPClient.Configuration(
            tlsConfiguration: tlsConfiguration, redirectConfiguration: .disallow,
            timeout: .init(connect: .seconds(15), read: .seconds(60)), decompression: .disabled)
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: settings)
        clients[key] = client
        return client
    }

    // MARK: - Plumbing

    /// Maps a non-2xx answer to an `ImageError`.
    private static func check(_ response: HTTPClientResponse, reference: ImageReference, endpoint: RegistryEndpoint, what: String) async throws {
        let code = response.status.code
        if (200..<300).contains(code) { return }
        var body = (try? await response.body.collect(upTo: 64 << 10)) ?? ByteBuffer()
        let text = String(decoding: body.readBytes(length: body.readableBytes) ?? [], as: UTF8.self)
        let detail = "\(endpoint): \(what) answered \(code)\(text.isEmpty ? "" : ": " + text.prefix(300))"
        switch code {
        case 404: throw ImageError.notFound(reference.description, detail)
        case 401, 403: throw ImageError.unauthorized(reference.description, detail)
        default: throw ImageError.unavailable(reference.description, detail)
        }
    }

    /// One error for failures at several endpoints: the most telling kind (integrity first,
    /// an outage last), with every endpoint's story.
    static func combine(_ failures: [(RegistryEndpoint, ImageError)], reference: ImageReference) -> ImageError {
        func rank(_ error: ImageError) -> Int {
            switch error {
            case .digestMismatch: 0
            case .invalidImage, .unsupported, .noMatchingPlatform: 1
            case .unauthorized: 2
            case .notFound: 3
            default: 4
            }
        }
        guard let best = failures.min(by: { rank($0.1) < rank($1.1) })?.1 else {
            return ImageError.unavailable(reference.description, "no registry endpoint")
        }
        guard failures.count > 1 else { return best }
        let story = failures.map { "\($0.0.host): \($0.1)" }.joined(separator: "; ")
        switch best {
        case .notFound: return .notFound(reference.description, story)
        case .unauthorized: return .unauthorized(reference.description, story)
        case .unavailable: return .unavailable(reference.description, story)
        default: return best
        }
    }

    private static func kind(mediaType: String, document: ManifestDocument) -> String {
        if MediaType.isIndex(mediaType) || MediaType.isManifest(mediaType) { return mediaType }
        if let declared = document.mediaType, !declared.isEmpty { return declared }
        if document.manifests != nil { return MediaType.ociIndex }
        if document.config != nil, document.layers != nil, document.schemaVersion == 2 { return MediaType.ociManifest }
        return mediaType.isEmpty ? "unknown" : mediaType
    }

    private static func decode<T: Decodable>(_ type: T.Type, _ bytes: [UInt8], what: String) throws(ImageError) -> T {
        do {
            return try JSONDecoder().decode(type, from: Data(bytes))
        } catch {
            throw ImageError.invalidImage("\(what): \(error)")
        }
    }

    static func host(of url: String) -> String {
        guard let range = url.range(of: "://") else { return "" }
        return String(url[range.upperBound...].prefix { $0 != "/" && $0 != "?" })
    }
}
