import BallastStorage
import Glibc

/// Writes one blob into the store's temporary area while hashing it; `commit` moves it to
/// blobs/sha256/<hex> only if its digest (and size) are what was expected, so the blob
/// directory never holds content that does not match its name.
final class BlobWriter {
    private let temporaryPath: String
    private let blobDirectory: String
    private var descriptor: Int32
    private var hasher = DigestHasher()

    init(temporaryDirectory: String, blobDirectory: String) throws(SystemCallError) {
        temporaryPath = temporaryDirectory + "/blob-\(getpid())-\(UInt64.random(in: 0...UInt64.max))"
        self.blobDirectory = blobDirectory
        descriptor = try FileIO.open(temporaryPath, O_WRONLY | O_CREAT | O_EXCL, mode: 0o644)
    }

    deinit { discard() }

    /// Bytes written so far.
    var count: Int64 { hasher.count }

    /// Appends `bytes`. A local write of one network chunk: short enough to run on the
    /// caller's task.
    func write(_ bytes: UnsafeRawBufferPointer) throws(SystemCallError) {
        hasher.update(bytes)
        var offset = 0
        while offset < bytes.count {
            let written = try posixCall("write", path: temporaryPath) {
                Glibc.write(descriptor, bytes.baseAddress.map { $0 + offset }, bytes.count - offset)
            }
            offset += written
        }
    }

    /// Checks the content and moves it into place; returns its digest.
    /// - Throws: `ImageError.digestMismatch` (the temporary file is removed) when
    ///   `expected` is given and differs, `ImageError.invalidImage` when the size differs.
    func commit(expected: Digest?, expectedSize: Int64? = nil, what: String) throws(ImageError) -> Digest {
        let actual = hasher.finalize()
        defer { discard() }
        if let expected, expected != actual {
            throw ImageError.digestMismatch(what, expected: expected, actual: actual)
        }
        if let expectedSize, expectedSize != hasher.count {
            throw ImageError.invalidImage("\(what): \(hasher.count) bytes, the manifest says \(expectedSize)")
        }
        do {
            try posixCall("fsync", path: temporaryPath) { fsync(descriptor) }
            close(descriptor)
            descriptor = -1
            try posixCall("rename", path: temporaryPath) { rename(temporaryPath, blobDirectory + "/" + actual.encoded) }
        } catch {
            throw ImageError.storage(error.description)
        }
        return actual
    }

    /// Drops the temporary file (after a failure, or after commit: then a no-op).
    func discard() {
        if descriptor >= 0 {
            close(descriptor)
            descriptor = -1
        }
        unlink(temporaryPath)
    }
}
