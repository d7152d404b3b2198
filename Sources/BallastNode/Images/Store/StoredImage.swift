/// An image on this node: unpacked, ready to be a container's lower layer.
public struct StoredImage: Sendable, Hashable {
    /// The digest of its (single-platform) manifest: its identity in the store.
    public var digest: Digest
    /// The digest of its config blob (what `docker images` calls the image ID).
    public var configDigest: Digest
    /// The references tagged to it, normalised ("docker.io/library/redis:latest").
    public var names: [String]
    /// The pinned references it is known by ("docker.io/library/redis@sha256:…"): the
    /// kubelet's imageID.
    public var repoDigests: [String]
    /// Its flattened root filesystem, read-only by convention (an overlay lower).
    public var rootfsPath: String
    /// Its run defaults.
    public var config: ImageConfig
    /// The compressed size of its layers in bytes (what a pull transfers).
    public var size: Int64
}

/// What the store keeps beside an unpacked rootfs (images/<hex>/image.json).
struct ImageRecord: Codable, Sendable {
    var digest: Digest
    var configDigest: Digest
    var layers: [Digest]
    var size: Int64
    var config: ImageConfig
}

/// The store's name → digest table (index.json).
struct ImageNameIndex: Codable, Sendable {
    /// Normalised tag references → manifest digest.
    var names: [String: Digest] = [:]
    /// Other digests an image is reachable by (a manifest list's digest) → manifest digest,
    /// keyed by the pinned reference ("docker.io/library/redis@sha256:<list>").
    var pins: [String: Digest] = [:]
}
