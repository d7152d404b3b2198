import BallastStorage
import Foundation
import Glibc
import Synchronization

/// The node's images on disk: a content-addressed blob store and one flattened,
/// read-only root filesystem per manifest digest, with a table of the names they carry.
///
/// Layout under `root`:
/// ```
/// blobs/sha256/<hex>          configs and layers, each checked against its digest
/// blobs/tmp/                  downloads in progress
/// images/<hex>/rootfs/        the flattened layers of manifest sha256:<hex>
/// images/<hex>/image.json     digests, size and run defaults (ImageRecord)
/// images/<hex>/manifest.json  the manifest, as fetched
/// images/<hex>/config.json    the config blob, as fetched
/// images/.unpack-*/           an unpack in progress (removed at start-up)
/// index.json                  names → manifest digests
/// ```
/// An image directory appears only by rename(2) of a complete unpack, so a crash mid-pull
/// never leaves a rootfs that looks finished. Blocking work runs on threads of its own.
public final class ImageStore: Sendable {
    /// The store's directory.
    public let root: String
    private let index: Mutex<ImageNameIndex>

    private var blobDirectory: String { root + "/blobs/sha256" }
    private var temporaryDirectory: String { root + "/blobs/tmp" }
    private var imagesDirectory: String { root + "/images" }
    private var indexPath: String { root + "/index.json" }

    /// Opens (or makes) the store at `root` and removes what an interrupted pull left.
    /// - Throws: `ImageError.storage` if the directories cannot be made or the index is unreadable.
    public init(root: String) throws(ImageError) {
        self.root = root
        var loaded = ImageNameIndex()
        do {
            for directory in [root + "/blobs/sha256", root + "/blobs/tmp", root + "/images"] {
                try FileIO.makeDirectories(directory, mode: 0o700)
            }
            for name in try FileIO.entries(root + "/blobs/tmp") { unlink(root + "/blobs/tmp/" + name) }
            for name in try FileIO.entries(root + "/images") where name.hasPrefix(".") {
                try TreeRemoval.remove(root + "/images/" + name)
            }
            if let text = try FileIO.readText(root + "/index.json") {
                loaded = try JSONDecoder().decode(ImageNameIndex.self, from: Data(text.utf8))
            }
        } catch let error as SystemCallError {
            throw ImageError.storage(error.description)
        } catch {
            throw ImageError.storage("\(root)/index.json: \(error)")
        }
        index = Mutex(loaded)
    }

    // MARK: - Lookup

    /// The image `reference` names here: by its digest (a manifest's or a manifest list's)
    /// when it has one, else by its tag. Nil when the node does not have it.
    public func image(for reference: ImageReference) -> StoredImage? {
        let names = index.withLock { $0 }
        if let digest = reference.digest {
            if let image = image(digest: digest) { return image }
            if let target = names.pins[reference.pinned(to: digest).description] { return image(digest: target) }
            // A list digest pinned under another repository name is the same content.
            if let target = names.pins.first(where: { $0.key.hasSuffix("@" + digest.description) })?.value { return image(digest: target) }
            return nil
        }
        guard let digest = names.names[reference.description] else { return nil }
        return image(digest: digest)
    }

    /// The image whose manifest has `digest`, if it is unpacked here.
    public func image(digest: Digest) -> StoredImage? {
        guard let record = record(digest) else { return nil }
        let names = index.withLock { $0 }
        return storedImage(record, names: names)
    }

    /// Every image on the node, by digest.
    public func images() -> [StoredImage] {
        let names = index.withLock { $0 }
        let hexes = (try? FileIO.entries(imagesDirectory)) ?? []
        return hexes.filter { !$0.hasPrefix(".") }.compactMap { hex in
            guard let digest = try? Digest(sha256Hex: hex), let record = record(digest) else { return nil }
            return storedImage(record, names: names)
        }
    }

    /// Where blob `digest` is (whether or not it exists).
    public func blobPath(_ digest: Digest) -> String { blobDirectory + "/" + digest.encoded }

    /// Whether blob `digest` is stored (it was verified when it was written).
    public func hasBlob(_ digest: Digest) -> Bool { FileIO.exists(blobPath(digest)) }

    // MARK: - Names

    /// Points the tag `reference` at the image `digest` (replacing what it named before).
    public func tag(_ reference: ImageReference, to digest: Digest) throws(ImageError) {
        try updateIndex { index in
            if let pinned = reference.digest {
                if pinned != digest { index.pins[reference.pinned(to: pinned).description] = digest }
            } else {
                index.names[reference.description] = digest
            }
        }
    }

    /// Removes the tag `reference` (the image stays until garbage collection).
    public func untag(_ reference: ImageReference) throws(ImageError) {
        try updateIndex { $0.names[reference.description] = nil }
    }

    // MARK: - Removal

    /// Removes the image `digest`, its names, and blobs no other image uses.
    public func remove(_ digest: Digest) async throws(ImageError) {
        _ = try await garbageCollect(keeping: Set(images().map(\.digest)).subtracting([digest]))
    }

    /// Removes every image not in `keeping` (with its names), then every blob no remaining
    /// image references. The caller passes the images its containers use, as the kubelet's
    /// image GC does; a container's lower layer must never be removed under it.
    /// - Returns: the digests of the images removed.
    @discardableResult
    public func garbageCollect(keeping: Set<Digest>) async throws(ImageError) -> [Digest] {
        let doomed = images().map(\.digest).filter { !keeping.contains($0) }
        try updateIndex { index in
            index.names = index.names.filter { !doomed.contains($0.value) }
            index.pins = index.pins.filter { !doomed.contains($0.value) }
        }
        let root = self.root
        let imagesDirectory = self.imagesDirectory
        let blobDirectory = self.blobDirectory
        let kept = images()
        do {
            try await Blocking.run {
                for digest in doomed {
                    // Renamed first, so the image vanishes at once even if removal is slow.
                    let trash = imagesDirectory + "/.trash-\(digest.encoded)-\(UInt32.random(in: 0...UInt32.max))"
                    if rename(imagesDirectory + "/" + digest.encoded, trash) == 0 { try TreeRemoval.remove(trash) }
                }
                var referenced = Set<String>()
                for image in kept {
                    referenced.insert(image.configDigest.encoded)
                    if let text = try FileIO.readText(root + "/images/\(image.digest.encoded)/image.json"),
                       let record = try? JSONDecoder().decode(ImageRecord.self, from: Data(text.utf8)) {
                        for layer in record.layers { referenced.insert(layer.encoded) }
                    }
                }
                for name in try FileIO.entries(blobDirectory) where !referenced.contains(name) {
                    unlink(blobDirectory + "/" + name)
                }
            }
        } catch {
            throw ImageError.storage("garbage collection: \(error)")
        }
        return doomed
    }

    // MARK: - Writing (for the puller and the archive loader)

    /// A writer for a new blob.
    func makeBlobWriter() throws(ImageError) -> BlobWriter {
        do {
            return try BlobWriter(temporaryDirectory: temporaryDirectory, blobDirectory: blobDirectory)
        } catch {
            throw ImageError.storage(error.description)
        }
    }

    /// Unpacks the layers of `manifest` (all already in the blob store) into a new rootfs
    /// and publishes it atomically as image `manifestDigest`; a no-op returning the image
    /// if it is already unpacked. Layers are checked against the config's diff_ids.
    func publish(manifestDigest: Digest, manifest: ImageManifest, manifestBytes: [UInt8]) async throws(ImageError) -> StoredImage {
        if let existing = image(digest: manifestDigest) { return existing }
        let configBytes: [UInt8]
        let document: ImageConfigurationDocument
        do {
            configBytes = try FileIO.read(blobPath(manifest.config.digest))
            document = try JSONDecoder().decode(ImageConfigurationDocument.self, from: Data(configBytes))
        } catch {
            throw ImageError.invalidImage("config \(manifest.config.digest): \(error)")
        }
        for layer in manifest.layers where layer.mediaType == MediaType.ociLayerZstd || layer.mediaType.hasSuffix("+zstd") {
            throw ImageError.unsupported("layer \(layer.digest) is zstd-compressed (\(layer.mediaType)); Ballast unpacks tar and tar+gzip layers only")
        }
        let diffIDs = document.rootfs?.diff_ids ?? []
        let record = ImageRecord(digest: manifestDigest, configDigest: manifest.config.digest, layers: manifest.layers.map(\.digest),
                                 size: manifest.layers.reduce(0) { $0 + $1.size }, config: document.imageConfig)
        let paths = (images: imagesDirectory, blobs: blobDirectory)
        do {
            try await Blocking.run {
                try Self.unpack(record: record, diffIDs: diffIDs, manifestBytes: manifestBytes, configBytes: configBytes, paths: paths)
            }
        } catch let error as ImageError {
            throw error
        } catch {
            throw ImageError.invalidImage("unpacking \(manifestDigest): \(error)")
        }
        guard let image = image(digest: manifestDigest) else { throw ImageError.storage("image \(manifestDigest) vanished after unpacking") }
        return image
    }

    // MARK: - Plumbing

    private static func unpack(record: ImageRecord, diffIDs: [Digest], manifestBytes: [UInt8], configBytes: [UInt8],
                               paths: (images: String, blobs: String)) throws {
        let final = paths.images + "/" + record.digest.encoded
        if FileIO.exists(final) { return }
        let work = paths.images + "/.unpack-\(record.digest.encoded.prefix(12))-\(UInt32.random(in: 0...UInt32.max))"
        try FileIO.makeDirectories(work + "/rootfs", mode: 0o755)
        do {
            let unpacker = try LayerUnpacker(rootPath: work + "/rootfs")
            for (position, layer) in record.layers.enumerated() {
                let hashing = HashingReader(try Compression.decompressing(FileByteReader(path: paths.blobs + "/" + layer.encoded)))
                try unpacker.apply(hashing)
                let diffID = try hashing.finish()
                if diffIDs.count == record.layers.count, diffIDs[position] != diffID {
                    throw ImageError.digestMismatch("layer \(layer) (uncompressed)", expected: diffIDs[position], actual: diffID)
                }
            }
            try FileIO.writeAtomically(work + "/manifest.json", manifestBytes)
            try FileIO.writeAtomically(work + "/config.json", configBytes)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
            try FileIO.writeAtomically(work + "/image.json", Array(try encoder.encode(record)))
            // The rootfs must be on disk before its name says it is complete.
            let directory = try FileIO.open(work, O_RDONLY | O_DIRECTORY)
            _ = LinuxExtras.syncfs(directory)
            close(directory)
            if rename(work, final) != 0 {
                let code = errno
                guard code == EEXIST || code == ENOTEMPTY else { throw SystemCallError("rename", path: final, errno: code) }
                try TreeRemoval.remove(work) // another pull of the same image won
            }
        } catch {
            try? TreeRemoval.remove(work)
            throw error
        }
    }

    private func record(_ digest: Digest) -> ImageRecord? {
        guard let text = try? FileIO.readText(imagesDirectory + "/\(digest.encoded)/image.json") else { return nil }
        return try? JSONDecoder().decode(ImageRecord.self, from: Data(text.utf8))
    }

    private func storedImage(_ record: ImageRecord, names: ImageNameIndex) -> StoredImage {
        let tags = names.names.filter { $0.value == record.digest }.keys.sorted()
        var repoDigests = Set(tags.compactMap { try? ImageReference(parsing: $0) }.map { $0.pinned(to: record.digest).description })
        for (pin, target) in names.pins where target == record.digest { repoDigests.insert(pin) }
        return StoredImage(digest: record.digest, configDigest: record.configDigest, names: tags, repoDigests: repoDigests.sorted(),
                           rootfsPath: imagesDirectory + "/\(record.digest.encoded)/rootfs", config: record.config, size: record.size)
    }

    private func updateIndex(_ change: (inout ImageNameIndex) -> Void) throws(ImageError) {
        let path = indexPath
        let result: Result<Void, ImageError> = index.withLock { index in
            var updated = index
            change(&updated)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
            do {
                try FileIO.writeAtomically(path, Array(try encoder.encode(updated)))
            } catch {
                return .failure(ImageError.storage("\(path): \(error)"))
            }
            index = updated
            return .success(())
        }
        try result.get()
    }
}

/// Passes a stream through while hashing it (a layer's diff_id is the sha256 of its
/// uncompressed tar).
final class HashingReader: ByteReader {
    private let base: any ByteReader
    private var hasher = DigestHasher()

    init(_ base: any ByteReader) { self.base = base }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let count = try base.read(into: buffer)
        hasher.update(UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
        return count
    }

    /// Reads what the consumer left (tar's trailing zero blocks) and returns the digest.
    func finish() throws -> Digest {
        var chunk = [UInt8](repeating: 0, count: 65536)
        while try chunk.withUnsafeMutableBytes({ try read(into: $0) }) > 0 {}
        return hasher.finalize()
    }
}
