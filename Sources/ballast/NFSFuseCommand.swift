import ArgumentParser
import BallastStorage

extension Ballast {
    /// The NFS FUSE daemon the node agent starts for each NFS volume (hidden: not for people).
    struct NFSFuse: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "nfs-fuse",
            abstract: "Mount an NFS export through FUSE and serve it in the foreground (started by the node agent).",
            discussion: "Unmounts and exits on SIGTERM, SIGINT or SIGHUP, or when the mount is unmounted.",
            shouldDisplay: false)

        @Option(help: "The NFS server's host name or address.")
        var server: String

        @Option(help: "The exported path.")
        var export: String

        @Option(help: "The NFS port (default: the portmapper for NFSv3, 2049 for NFSv4).")
        var port: Int?

        @Option(name: .customLong("mount-port"), help: "The MOUNT protocol port for NFSv3 (default: the portmapper).")
        var mountPort: Int?

        @Option(name: .customLong("nfs-version"), help: "The protocol version: 3 or 4.")
        var nfsVersion: Int = 3

        @Flag(name: .customLong("read-only"), help: "Refuse writes.")
        var readOnly = false

        @Option(help: "Seconds one NFS call may wait for the server before it fails with EIO.")
        var timeout: Int = 10

        @Argument(help: "Where to mount (an existing absolute directory).")
        var mountPoint: String

        var fuseConfiguration: NFSFuseConfiguration {
            NFSFuseConfiguration(server: server, export: export, version: nfsVersion == 4 ? .v4 : .v3, port: port, mountPort: mountPort,
                                 readOnly: readOnly, timeoutSeconds: timeout, mountPoint: mountPoint)
        }

        func validate() throws {
            guard nfsVersion == 3 || nfsVersion == 4 else { throw ValidationError("--nfs-version must be 3 or 4") }
            for port in [port, mountPort].compactMap({ $0 }) where !(1...65535).contains(port) {
                throw ValidationError("ports must be from 1 to 65535, got \(port)")
            }
            if let problem = fuseConfiguration.problems.first { throw ValidationError(problem) }
        }

        func run() throws {
            let status = BallastStorage.NFSFuse.run(fuseConfiguration)
            if status != 0 { throw ExitCode(status) }
        }
    }
}
