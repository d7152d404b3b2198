import Foundation
import Glibc

/// Imports images from an archive file, as `ballast image load FILE` does:
/// - an OCI image layout in a tar (`skopeo copy … oci-archive:FILE`, `buildah push`,
///   Docker 25+ `docker save`): index.json, oci-layout, blobs/sha256/…; names come from the
///   `io.containerd.image.name` annotation, else from `org.opencontainers.image.ref.name`
///   when that is a full reference (a bare tag such as "latest" names no repository, so such
///   an image is imported by digest only);
/// - a `docker save` archive: manifest.json listing each image's Config, RepoTags and Layers.
///
/// The archive may be gzip-compressed. Every blob is checked against the digest that names
/// it, and every layer against the config's diff_ids; the archive is read once, front to back.
public struct ImageArchiveLoader: Sendable {
    /// Where imported images go.
    public let store: ImageStore

    /// Makes a loader into `store`.
    public init(store: ImageStore) { self.store = store }

    /// Imports every image of the archive at `path` under the names it carries.
    /// - Returns: the images, in the archive's order.
    /// - Throws: `ImageError.invalidArchive` for an archive of neither kind or with missing
    ///   blobs, `ImageError.digestMismatch` for content that is not what its name says.
    public func load(path: String) async throws(ImageError) -> [StoredImage] {
        let store = self.store
        let contents: ArchiveContents
        do {
            contents = try await Blocking.run { try Self.read(path: path, store: store) }
        } catch let error as ImageError {
            throw error
        } catch {
            throw ImageError.invalidArchive("\(path): \(error)")
        }
        var loaded: [StoredImage] = []
        var referenced = Set<Digest>()
        defer {
            // Blobs of the archive that no image uses (docker's json files) are not kept.
            for digest in contents.written where !referenced.contains(digest) { unlink(store.blobPath(digest)) }
        }
        for candidate in try contents.images() {
            for digest in [candidate.manifest.config.digest] + candidate.manifest.layers.map(\.digest) {
                guard store.hasBlob(digest) else { throw ImageError.invalidArchive("\(path): blob \(digest) is missing") }
                referenced.insert(digest)
            }
            let image = try await store.publish(manifestDigest: Digest.sha256(of: candidate.bytes), manifest: candidate.manifest,
                                                manifestBytes: candidate.bytes)
            for name in candidate.names { try store.tag(name, to: image.digest) }
            loaded.append(store.image(digest: image.digest) ?? image)
        }
        guard !loaded.isEmpty else { throw ImageError.invalidArchive("\(path): no images in it") }
        return loaded
    }

    // MARK: - Reading the archive

    private static func read(path: String, store: ImageStore) throws -> ArchiveContents {
        let tar = TarReader(try Compression.decompressing(FileByteReader(path: path)))
        var contents = ArchiveContents(store: store)
        var chunk = [UInt8](repeating: 0, count: 256 * 1024)
        while let entry = try tar.next() {
            let components: [String]
            do {
                components = try RootedDirectory.components(of: entry.path)
            } catch {
                throw ImageError.invalidArchive(error.description)
            }
            let name = components.joined(separator: "/")
            switch entry.kind {
            case .regularFile:
                var expected: Digest?
                if components.count == 3, components[0] == "blobs", components[1] == "sha256" {
                    expected = try Digest(sha256Hex: components[2])
                }
                let existed = expected.map { store.hasBlob($0) } ?? false
                let writer = try store.makeBlobWriter()
                while true {
                    let count = try chunk.withUnsafeMutableBytes { try tar.readData(into: $0) }
                    if count == 0 { break }
                    try chunk.withUnsafeBytes { try writer.write(UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
                }
                let digest = try writer.commit(expected: expected, what: "\(path): \(name)")
                contents.files[name] = digest
                if !existed { contents.written.insert(digest) }
            case .symbolicLink:
                // Docker 25's legacy entries (<id>/layer.tar) link into blobs/.
                let base = components.dropLast()
                var target: [String] = entry.linkName.hasPrefix("/") ? [] : Array(base)
                for part in entry.linkName.split(separator: "/") {
                    if part == ".." { _ = target.popLast() } else if part != "." { target.append(String(part)) }
                }
                contents.links[name] = target.joined(separator: "/")
            case .hardLink:
                contents.links[name] = ((try? RootedDirectory.components(of: entry.linkName)) ?? []).joined(separator: "/")
            default:
                continue
            }
        }
        return contents
    }
}

/// What one pass over an archive found: its files (stored as blobs) and links.
private struct ArchiveContents: Sendable {
    let store: ImageStore
    /// Archive path → digest of its content (now a blob in the store).
    var files: [String: Digest] = [:]
    /// Archive path → the path it links to.
    var links: [String: String] = [:]
    /// Blobs this archive added to the store.
    var written: Set<Digest> = []

    struct Candidate {
        var manifest: ImageManifest
        var bytes: [UInt8]
        var names: [ImageReference]
    }

    func digest(of name: String) -> Digest? {
        var current = ((try? RootedDirectory.components(of: name)) ?? []).joined(separator: "/")
        for _ in 0..<16 {
            if let digest = files[current] { return digest }
            guard let next = links[current] else { return nil }
            current = next
        }
        return nil
    }

    func bytes(_ digest: Digest) throws(ImageError) -> [UInt8] {
        do {
            return try FileIO.read(store.blobPath(digest), limit: 16 << 20)
        } catch {
            throw ImageError.invalidArchive("blob \(digest): \(error)")
        }
    }

    func decode<T: Decodable>(_ type: T.Type, _ bytes: [UInt8], what: String) throws(ImageError) -> T {
        do {
            return try JSONDecoder().decode(type, from: Data(bytes))
        } catch {
            throw ImageError.invalidArchive("\(what): \(error)")
        }
    }

    func images() throws(ImageError) -> [Candidate] {
        if let index = digest(of: "index.json") {
            return try layoutImages(try decode(ImageIndex.self, try bytes(index), what: "index.json"))
        }
        if let manifest = digest(of: "manifest.json") {
            return try dockerImages(try decode([DockerArchiveEntry].self, try bytes(manifest), what: "manifest.json"))
        }
        throw ImageError.invalidArchive("neither index.json (OCI layout) nor manifest.json (docker save) is in it")
    }

    /// The images of an OCI layout's index.json (nested indexes resolved to this platform).
    private func layoutImages(_ index: ImageIndex) throws(ImageError) -> [Candidate] {
        var result: [Candidate] = []
        for descriptor in index.manifests {
            var chosen = descriptor
            if MediaType.isIndex(descriptor.mediaType) {
                let nested = try decode(ImageIndex.self, try bytes(descriptor.digest), what: "index \(descriptor.digest)")
                guard let entry = nested.manifests.first(where: { $0.platform.map(Platform.current.matches) ?? false }) else {
                    throw ImageError.noMatchingPlatform(descriptor.digest.description, nested.manifests.compactMap { $0.platform?.description })
                }
                chosen = entry
            }
            let manifestBytes = try bytes(chosen.digest)
            let manifest = try decode(ImageManifest.self, manifestBytes, what: "manifest \(chosen.digest)")
            var names: [ImageReference] = []
            let annotations = descriptor.annotations ?? [:]
            if let name = annotations["io.containerd.image.name"], let reference = try? ImageReference(parsing: name) {
                names.append(reference)
            } else if let name = annotations["org.opencontainers.image.ref.name"], name.contains("/") || name.contains(":"),
                      let reference = try? ImageReference(parsing: name) {
                names.append(reference)
            }
            result.append(Candidate(manifest: manifest, bytes: manifestBytes, names: names.filter { $0.digest == nil }))
        }
        return result
    }

    /// The images of a docker save manifest.json, each given an OCI manifest.
    private func dockerImages(_ entries: [DockerArchiveEntry]) throws(ImageError) -> [Candidate] {
        var result: [Candidate] = []
        for entry in entries {
            guard let config = digest(of: entry.Config) else { throw ImageError.invalidArchive("config \(entry.Config) is missing") }
            var layers: [Descriptor] = []
            for layer in entry.Layers {
                guard let layerDigest = digest(of: layer) else { throw ImageError.invalidArchive("layer \(layer) is missing") }
                let path = store.blobPath(layerDigest)
                var status = stat()
                guard stat(path, &status) == 0 else { throw ImageError.invalidArchive("layer \(layer) is missing") }
                let head = (try? FileIO.read(path, limit: 8)) ?? []
                let type = Compression.detect(head) == .gzip ? MediaType.ociLayerGzip : MediaType.ociLayer
                layers.append(Descriptor(mediaType: type, digest: layerDigest, size: Int64(status.st_size)))
            }
            var configStatus = stat()
            _ = stat(store.blobPath(config), &configStatus)
            let manifest = ImageManifest(config: Descriptor(mediaType: MediaType.ociConfig, digest: config, size: Int64(configStatus.st_size)),
                                         layers: layers)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            let bytes: [UInt8]
            do {
                bytes = Array(try encoder.encode(manifest))
            } catch {
                throw ImageError.invalidArchive("cannot encode a manifest: \(error)")
            }
            let names = (entry.RepoTags ?? []).compactMap { try? ImageReference(parsing: $0) }
            result.append(Candidate(manifest: manifest, bytes: bytes, names: names))
        }
        return result
    }
}

/// One image of a docker save manifest.json.
private struct DockerArchiveEntry: Decodable {
    var Config: String
    var RepoTags: [String]?
    var Layers: [String]
}
