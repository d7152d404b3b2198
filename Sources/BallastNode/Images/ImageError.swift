/// Why an image could not be named, pulled, loaded or used. `reason` is the word the
/// kubelet shows in a container's waiting state.
public enum ImageError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The text is not an image reference (or digest): the reference and why.
    case invalidReference(String, String)
    /// imagePullPolicy is Never and the image is not on the node.
    case neverPull(String)
    /// No endpoint has this manifest or blob: the reference and what the registries said.
    case notFound(String, String)
    /// The registry refused our credentials (or we had none).
    case unauthorized(String, String)
    /// No endpoint could be reached or each failed: the reference and the last failure.
    case unavailable(String, String)
    /// Content whose sha256 is not the digest that named it: what, expected, actual.
    case digestMismatch(String, expected: Digest, actual: Digest)
    /// A media type, compression or schema Ballast does not read.
    case unsupported(String)
    /// A manifest list without an entry for this node's platform: reference, platforms offered.
    case noMatchingPlatform(String, [String])
    /// The manifest, config or a layer is malformed, or a layer would write outside the root.
    case invalidImage(String)
    /// An image archive (`ballast image load`) that is neither an OCI layout nor a docker save.
    case invalidArchive(String)
    /// The image's /etc/passwd or /etc/group does not name this user or group.
    case userNotFound(String)
    /// The node's image store could not be read or written.
    case storage(String)

    /// The kubelet's reason for a container waiting on this error ("ErrImagePull" …).
    public var reason: String {
        switch self {
        case .invalidReference: "InvalidImageName"
        case .neverPull: "ErrImageNeverPull"
        case .userNotFound: "CreateContainerConfigError"
        default: "ErrImagePull"
        }
    }

    public var description: String {
        switch self {
        case .invalidReference(let text, let why): "invalid image reference \"\(text)\": \(why)"
        case .neverPull(let image): "container image \"\(image)\" is not present with pull policy of Never"
        case .notFound(let image, let detail): "image \"\(image)\" not found: \(detail)"
        case .unauthorized(let image, let detail): "pulling \"\(image)\" was refused (authentication): \(detail)"
        case .unavailable(let image, let detail): "pulling \"\(image)\" failed: \(detail)"
        case .digestMismatch(let what, let expected, let actual): "\(what): content has digest \(actual), expected \(expected)"
        case .unsupported(let detail): "unsupported: \(detail)"
        case .noMatchingPlatform(let image, let offered):
            "image \"\(image)\" has no variant for \(Platform.current) (it offers \(offered.isEmpty ? "none" : offered.joined(separator: ", ")))"
        case .invalidImage(let detail): "invalid image: \(detail)"
        case .invalidArchive(let detail): "invalid image archive: \(detail)"
        case .userNotFound(let detail): detail
        case .storage(let detail): "image store: \(detail)"
        }
    }
}
