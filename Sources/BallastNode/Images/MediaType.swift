/// The media types of the OCI image spec and of Docker's image manifest v2, schema 2.
public enum MediaType {
    /// OCI image manifest.
    public static let ociManifest = "application/vnd.oci.image.manifest.v1+json"
    /// OCI image index (a multi-platform list).
    public static let ociIndex = "application/vnd.oci.image.index.v1+json"
    /// OCI image config.
    public static let ociConfig = "application/vnd.oci.image.config.v1+json"
    /// OCI layer, uncompressed tar.
    public static let ociLayer = "application/vnd.oci.image.layer.v1.tar"
    /// OCI layer, tar+gzip.
    public static let ociLayerGzip = "application/vnd.oci.image.layer.v1.tar+gzip"
    /// OCI layer, tar+zstd (refused: see `Compression`).
    public static let ociLayerZstd = "application/vnd.oci.image.layer.v1.tar+zstd"
    /// Docker image manifest v2 schema 2.
    public static let dockerManifest = "application/vnd.docker.distribution.manifest.v2+json"
    /// Docker manifest list.
    public static let dockerManifestList = "application/vnd.docker.distribution.manifest.list.v2+json"
    /// Docker image config.
    public static let dockerConfig = "application/vnd.docker.container.image.v1+json"
    /// Docker layer, tar+gzip.
    public static let dockerLayerGzip = "application/vnd.docker.image.rootfs.diff.tar.gzip"
    /// Docker layer, uncompressed tar.
    public static let dockerLayer = "application/vnd.docker.image.rootfs.diff.tar"
    /// Docker "foreign" layer (Windows base layers): tar+gzip with URLs.
    public static let dockerForeignLayerGzip = "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip"
    /// Docker's signed schema 1 manifests (refused: deprecated and unsupported by registries).
    public static let dockerSchema1 = "application/vnd.docker.distribution.manifest.v1+prettyjws"

    /// The Accept header of a manifest request: every manifest kind Ballast reads.
    public static let manifestAccept = [ociIndex, ociManifest, dockerManifestList, dockerManifest].joined(separator: ", ")

    /// Whether `type` names a list of per-platform manifests.
    static func isIndex(_ type: String) -> Bool { type == ociIndex || type == dockerManifestList }

    /// Whether `type` names a single-platform manifest.
    static func isManifest(_ type: String) -> Bool { type == ociManifest || type == dockerManifest }
}
