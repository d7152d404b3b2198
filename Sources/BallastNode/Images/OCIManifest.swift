/// A reference to content by digest, as manifests and indexes list it.
public struct Descriptor: Codable, Sendable, Hashable {
    /// What the content is.
    public var mediaType: String
    /// Its sha256.
    public var digest: Digest
    /// Its size in bytes.
    public var size: Int64
    /// Other places to fetch it from (foreign layers).
    public var urls: [String]?
    /// Free-form annotations ("org.opencontainers.image.ref.name" in an OCI layout).
    public var annotations: [String: String]?
    /// For an index entry: the platform the manifest is for.
    public var platform: Platform?

    /// Makes a descriptor.
    public init(mediaType: String, digest: Digest, size: Int64, annotations: [String: String]? = nil, platform: Platform? = nil) {
        self.mediaType = mediaType
        self.digest = digest
        self.size = size
        self.annotations = annotations
        self.platform = platform
    }
}

/// An operating system and CPU architecture an image is built for.
public struct Platform: Codable, Sendable, Hashable, CustomStringConvertible {
    /// "amd64", "arm64" … (Go's GOARCH).
    public var architecture: String
    /// "linux".
    public var os: String
    /// "v8" for arm64, "v7" for arm …
    public var variant: String?

    enum CodingKeys: String, CodingKey {
        case architecture, os, variant
    }

    /// Makes a platform.
    public init(os: String, architecture: String, variant: String? = nil) {
        self.os = os
        self.architecture = architecture
        self.variant = variant
    }

    /// The platform this agent runs containers for.
    public static var current: Platform {
        #if arch(x86_64)
        Platform(os: "linux", architecture: "amd64")
        #elseif arch(arm64)
        Platform(os: "linux", architecture: "arm64", variant: "v8")
        #else
        Platform(os: "linux", architecture: "unknown")
        #endif
    }

    /// Whether an index entry for `other` can run here (an arm64 entry without a variant
    /// counts as v8, as containerd's platform matcher has it).
    func matches(_ other: Platform) -> Bool {
        guard os == other.os, architecture == other.architecture else { return false }
        guard let variant else { return true }
        return other.variant == nil || other.variant == variant
    }

    /// "linux/amd64" or "linux/arm64/v8".
    public var description: String { [os, architecture, variant].compactMap { $0 }.joined(separator: "/") }
}

/// A single-platform image manifest (OCI or Docker schema 2).
public struct ImageManifest: Codable, Sendable, Hashable {
    public var schemaVersion: Int
    public var mediaType: String?
    /// The image config blob.
    public var config: Descriptor
    /// The layers, base first.
    public var layers: [Descriptor]
    public var annotations: [String: String]?

    /// Makes a manifest.
    public init(mediaType: String = MediaType.ociManifest, config: Descriptor, layers: [Descriptor], annotations: [String: String]? = nil) {
        schemaVersion = 2
        self.mediaType = mediaType
        self.config = config
        self.layers = layers
        self.annotations = annotations
    }
}

/// A list of manifests, one per platform (OCI index or Docker manifest list); also the
/// index.json of an OCI image layout.
public struct ImageIndex: Codable, Sendable, Hashable {
    public var schemaVersion: Int
    public var mediaType: String?
    public var manifests: [Descriptor]
    public var annotations: [String: String]?
}

/// A manifest document as fetched, before Ballast knows which kind it is.
struct ManifestDocument: Decodable {
    var schemaVersion: Int?
    var mediaType: String?
    var manifests: [Descriptor]?
    var config: Descriptor?
    var layers: [Descriptor]?
}
