/// An image name as a pod spec or `docker pull` writes it, normalised as Docker does:
/// "redis" is docker.io/library/redis:latest, "prom/node-exporter" is
/// docker.io/prom/node-exporter:latest, "127.0.0.1:15000/team/app:v1" keeps its registry,
/// and "name@sha256:…" pins a digest (which then wins over any tag).
///
/// The rules are those of github.com/distribution/reference (ParseNormalizedNamed): the
/// first component is a registry only if it has a "." or ":" or is "localhost" (or has
/// upper case, which a repository may not); "index.docker.io" means docker.io; a
/// one-component Docker Hub name gets "library/".
public struct ImageReference: Hashable, Sendable, CustomStringConvertible {
    /// The registry host, with its port if any ("docker.io", "127.0.0.1:15000").
    public var registry: String
    /// The repository path inside the registry ("library/redis").
    public var repository: String
    /// The tag, if the reference has one ("latest" when neither tag nor digest was given).
    public var tag: String?
    /// The digest the reference pins, if any.
    public var digest: Digest?

    /// Docker Hub's canonical registry name.
    public static let dockerHub = "docker.io"

    /// Parses and normalises `text`.
    /// - Throws: `ImageError.invalidReference` with Docker's wording for what is wrong.
    public init(parsing text: String) throws(ImageError) {
        guard !text.isEmpty else { throw ImageError.invalidReference(text, "invalid reference format") }
        var rest = Substring(text)
        var digest: Digest?
        if let at = rest.firstIndex(of: "@") {
            digest = try Digest(parsing: String(rest[rest.index(after: at)...]))
            rest = rest[..<at]
        }
        var tag: String?
        let lastSlash = rest.lastIndex(of: "/")
        if let colon = rest.lastIndex(of: ":"), lastSlash.map({ colon > $0 }) ?? true {
            let candidate = String(rest[rest.index(after: colon)...])
            guard Self.isValidTag(candidate) else { throw ImageError.invalidReference(text, "invalid reference format") }
            tag = candidate
            rest = rest[..<colon]
        }
        var registry = Self.dockerHub
        var repository = String(rest)
        if let slash = rest.firstIndex(of: "/") {
            let first = rest[..<slash]
            if first.contains(".") || first.contains(":") || first == "localhost" || first.lowercased() != first {
                registry = String(first)
                repository = String(rest[rest.index(after: slash)...])
            }
        }
        if registry == "index.docker.io" { registry = Self.dockerHub }
        guard Self.isValidRegistry(registry) else { throw ImageError.invalidReference(text, "invalid reference format") }
        if repository.lowercased() != repository {
            throw ImageError.invalidReference(text, "invalid reference format: repository name (\(repository)) must be lowercase")
        }
        if registry == Self.dockerHub && !repository.contains("/") { repository = "library/" + repository }
        let components = repository.split(separator: "/", omittingEmptySubsequences: false)
        guard !components.isEmpty, components.allSatisfy({ Self.isValidPathComponent($0) }) else {
            throw ImageError.invalidReference(text, "invalid reference format")
        }
        guard registry.count + 1 + repository.count <= 255 else {
            throw ImageError.invalidReference(text, "repository name must not be more than 255 characters")
        }
        if tag == nil && digest == nil { tag = "latest" }
        self.registry = registry
        self.repository = repository
        self.tag = tag
        self.digest = digest
    }

    /// Makes a reference from parts that are already normal.
    public init(registry: String, repository: String, tag: String? = nil, digest: Digest? = nil) {
        self.registry = registry
        self.repository = repository
        self.tag = tag
        self.digest = digest
    }

    /// "docker.io/library/redis".
    public var name: String { registry + "/" + repository }

    /// The fully qualified reference: "docker.io/library/redis:latest", or with "@sha256:…".
    public var description: String {
        var text = name
        if let tag { text += ":" + tag }
        if let digest { text += "@" + digest.description }
        return text
    }

    /// What the registry is asked for in /v2/<repository>/manifests/<…>: the digest when
    /// there is one, else the tag.
    public var manifestReference: String { digest?.description ?? tag ?? "latest" }

    /// This repository pinned at `digest` ("docker.io/library/redis@sha256:…"), the form
    /// the kubelet reports as a container's imageID.
    public func pinned(to digest: Digest) -> ImageReference {
        ImageReference(registry: registry, repository: repository, tag: nil, digest: digest)
    }

    /// The short form Docker prints ("redis:latest", "prom/node-exporter:latest",
    /// "127.0.0.1:15000/app:v1").
    public var familiarDescription: String {
        var text = name
        if registry == Self.dockerHub {
            text = repository.hasPrefix("library/") ? String(repository.dropFirst("library/".count)) : repository
        }
        if let tag { text += ":" + tag }
        if let digest { text += "@" + digest.description }
        return text
    }

    /// Whether the reference names a tag and no digest, with tag "latest": the kubelet's
    /// default pull policy is then Always.
    public var isLatest: Bool { digest == nil && (tag ?? "latest") == "latest" }

    // MARK: - Grammar (distribution/reference regexp.go)

    /// `[\w][\w.-]{0,127}`.
    static func isValidTag(_ tag: String) -> Bool {
        let bytes = Array(tag.utf8)
        guard let first = bytes.first, bytes.count <= 128, isWord(first) else { return false }
        return bytes.dropFirst().allSatisfy { isWord($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "-") }
    }

    /// `[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*`.
    static func isValidPathComponent(_ component: Substring) -> Bool {
        let bytes = Array(component.utf8)
        guard let first = bytes.first, let last = bytes.last, isLowerAlphanumeric(first), isLowerAlphanumeric(last) else { return false }
        var index = 0
        while index < bytes.count {
            if isLowerAlphanumeric(bytes[index]) {
                index += 1
                continue
            }
            var separator: [UInt8] = []
            while index < bytes.count, !isLowerAlphanumeric(bytes[index]) {
                separator.append(bytes[index])
                index += 1
            }
            let valid = separator == [UInt8(ascii: ".")] || separator == [UInt8(ascii: "_")] || separator == Array("__".utf8)
                || separator.allSatisfy { $0 == UInt8(ascii: "-") }
            if !valid { return false }
        }
        return true
    }

    /// A host name or IPv4 address (or a bracketed IPv6 address) with an optional port.
    static func isValidRegistry(_ registry: String) -> Bool {
        var host = Substring(registry)
        if host.hasPrefix("[") {
            guard let close = host.firstIndex(of: "]") else { return false }
            let after = host[host.index(after: close)...]
            guard after.isEmpty || (after.hasPrefix(":") && isPort(after.dropFirst())) else { return false }
            return host[host.index(after: host.startIndex)..<close].allSatisfy { $0.isHexDigit || $0 == ":" || $0 == "." }
        }
        if let colon = host.firstIndex(of: ":") {
            guard isPort(host[host.index(after: colon)...]) else { return false }
            host = host[..<colon]
        }
        let labels = host.split(separator: ".", omittingEmptySubsequences: false)
        return !labels.isEmpty && labels.allSatisfy { label in
            let bytes = Array(label.utf8)
            guard let first = bytes.first, let last = bytes.last, isAlphanumeric(first), isAlphanumeric(last) else { return false }
            return bytes.allSatisfy { isAlphanumeric($0) || $0 == UInt8(ascii: "-") }
        }
    }

    private static func isPort(_ text: Substring) -> Bool {
        !text.isEmpty && text.count <= 5 && text.allSatisfy(\.isASCII) && text.allSatisfy(\.isNumber)
    }

    private static func isWord(_ byte: UInt8) -> Bool { isAlphanumeric(byte) || byte == UInt8(ascii: "_") }

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (byte >= 48 && byte <= 57) || (byte >= 65 && byte <= 90) || (byte >= 97 && byte <= 122)
    }

    private static func isLowerAlphanumeric(_ byte: UInt8) -> Bool {
        (byte >= 48 && byte <= 57) || (byte >= 97 && byte <= 122)
    }
}
