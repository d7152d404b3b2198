public import Logging

/// A container's imagePullPolicy.
public enum ImagePullPolicy: String, Sendable, CaseIterable {
    /// Ask the registry every time; pull when the tag now names other content.
    case always = "Always"
    /// Pull only when the node does not have the image.
    case ifNotPresent = "IfNotPresent"
    /// Never pull; fail with ErrImageNeverPull when the image is missing.
    case never = "Never"

    /// The Kubernetes default: Always for ":latest" (or no tag), else IfNotPresent.
    public static func defaultPolicy(for reference: ImageReference) -> ImagePullPolicy {
        reference.isLatest ? .always : .ifNotPresent
    }
}

/// Gets images onto the node as a pod's pull policy asks, pulling each through the
/// registry client into the store. Concurrent requests for the same reference share one
/// pull, and different images pull in parallel.
public actor ImagePuller {
    /// Where images are kept.
    public nonisolated let store: ImageStore
    /// How registries are reached.
    public nonisolated let client: RegistryClient
    private let logger: Logger
    private var inFlight: [String: Task<StoredImage, any Error>] = [:]

    /// Makes a puller over `store` and `client`.
    public init(store: ImageStore, client: RegistryClient, logger: Logger = Logger(label: "ballast.images")) {
        self.store = store
        self.client = client
        self.logger = logger
    }

    /// Makes sure the image a pod spec names (`image: redis`) is on the node.
    /// - Throws: `ImageError` (`reason` gives the kubelet's word: ErrImageNeverPull,
    ///   InvalidImageName, ErrImagePull).
    public func ensureImage(_ image: String, policy: ImagePullPolicy? = nil) async throws(ImageError) -> StoredImage {
        let reference = try ImageReference(parsing: image)
        return try await ensureImage(reference, policy: policy ?? .defaultPolicy(for: reference))
    }

    /// Makes sure `reference` is on the node according to `policy`:
    /// - Never: the stored image, or `ImageError.neverPull`.
    /// - IfNotPresent: the stored image, else a pull.
    /// - Always: the registry is asked for the current digest (a HEAD request); the stored
    ///   image if it has that digest, else a pull. As with the kubelet, an unreachable
    ///   registry fails the request even when an older image is present.
    public func ensureImage(_ reference: ImageReference, policy: ImagePullPolicy) async throws(ImageError) -> StoredImage {
        switch policy {
        case .never:
            guard let image = store.image(for: reference) else { throw ImageError.neverPull(reference.familiarDescription) }
            return image
        case .ifNotPresent:
            if let image = store.image(for: reference) { return image }
            return try await pull(reference)
        case .always:
            if reference.digest != nil, let image = store.image(for: reference) { return image }
            let current = try await client.manifestDigest(reference)
            if let image = store.image(for: reference.pinned(to: current)) {
                if reference.digest == nil { try store.tag(reference, to: image.digest) }
                return store.image(digest: image.digest) ?? image
            }
            return try await pull(reference)
        }
    }

    /// Pulls `reference` whatever the store holds (joining a pull of it already running).
    public func pull(_ reference: ImageReference) async throws(ImageError) -> StoredImage {
        let key = reference.description
        let task: Task<StoredImage, any Error>
        if let running = inFlight[key] {
            task = running
        } else {
            let (store, client, logger) = (self.store, self.client, self.logger)
            task = Task { try await Self.performPull(reference, store: store, client: client, logger: logger) }
            inFlight[key] = task
        }
        let result = await task.result
        if inFlight[key] == task { inFlight[key] = nil }
        switch result {
        case .success(let image): return image
        case .failure(let error as ImageError): throw error
        case .failure(let error): throw ImageError.unavailable(reference.description, "\(error)")
        }
    }

    private static func performPull(_ reference: ImageReference, store: ImageStore, client: RegistryClient, logger: Logger) async throws -> StoredImage {
        let started = ContinuousClock.now
        let resolved = try await client.fetchManifest(reference)
        var image = store.image(digest: resolved.digest)
        if image == nil {
            let endpoints = [resolved.endpoint] + client.configuration.endpoints(for: reference).filter { $0 != resolved.endpoint }
            try await client.fetchBlob(resolved.manifest.config, for: reference, from: endpoints, into: store)
            for layer in resolved.manifest.layers {
                if layer.mediaType.hasSuffix("+zstd") {
                    throw ImageError.unsupported("layer \(layer.digest) of \(reference) is zstd-compressed; Ballast unpacks tar and tar+gzip layers only")
                }
                try await client.fetchBlob(layer, for: reference, from: endpoints, into: store)
            }
            image = try await store.publish(manifestDigest: resolved.digest, manifest: resolved.manifest, manifestBytes: resolved.bytes)
            logger.info("pulled image", metadata: [
                "image": "\(reference)", "digest": "\(resolved.digest)", "from": "\(resolved.endpoint)",
                "duration": "\(ContinuousClock.now - started)",
            ])
        }
        if reference.digest == nil { try store.tag(reference, to: resolved.digest) }
        if let indexDigest = resolved.indexDigest { try store.tag(reference.pinned(to: indexDigest), to: resolved.digest) }
        guard let stored = store.image(digest: resolved.digest) else { throw ImageError.storage("image \(resolved.digest) vanished after the pull") }
        return stored
    }
}
