import BallastStorage
import Glibc
import Testing

/// How libnfs failures are classified, from the messages and codes seen against ganesha.
struct NFSErrorTests {
    @Test(arguments: [
        (NFSError(operation: "mount", path: "127.0.0.1:/x", code: -EIO, message: "nfs_service failed"), true),
        (NFSError(operation: "lstat", path: "/", code: -EINTR, message: "stat call failed with \"Command timed out\""), true),
        (NFSError(operation: "mount", path: "127.0.0.2:/x", code: -EFAULT, message: "mount_cb: RPC error. Program is not available on 127.0.0.2"), true),
        (NFSError(operation: "mount", path: "h:/x", code: -1, message: "nfs_mount_async failed. Failed to start connection."), true),
        (NFSError(operation: "mount", path: "h:/x", code: -ECONNREFUSED), true),
        (NFSError(operation: "write", path: "/f", code: -EIO, message: "NFS: Write failed with NFS3ERR_IO(-5)"), false),
        (NFSError(operation: "lstat", path: "/x", code: -ENOENT, message: "NFS: Lookup of /x failed with NFS3ERR_NOENT(-2)"), false),
        (NFSError(operation: "mount", path: "h:/nope", code: -EACCES, message: "mount_cb: RPC error: Mount failed with error MNT3ERR_ACCES(13)"), false),
    ])
    func unavailableIsDecidedInOnePlace(_ error: NFSError, _ unavailable: Bool) {
        #expect(error.isUnavailable == unavailable)
        #expect(error.code > 0)
    }

    @Test func namesOperationPathAndCode() {
        let error = NFSError(operation: "rmdir", path: "/full", code: -ENOTEMPTY, message: "NFS: RMDIR of /full failed with NFS3ERR_NOTEMPTY(-39)")
        #expect(error.isNotEmpty && !error.isExists && !error.isNotFound)
        #expect(error.description == "nfs rmdir /full: NFS: RMDIR of /full failed with NFS3ERR_NOTEMPTY(-39) (errno 39)")
        #expect(NFSError(operation: "mkdir", path: "/d", code: EEXIST).description == "nfs mkdir /d: File exists (errno 17)")
    }
}
