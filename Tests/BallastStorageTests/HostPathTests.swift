import BallastAPI
import BallastStorage
import BallastTesting
import Foundation
import Testing

@Suite("hostPath volumes and their type checks", NodeTest.enabled())
struct HostPathTests {
    /// A scratch directory holding a directory, a file, a socket and nothing at "missing".
    private func withNodePaths(_ body: (String) async throws -> Void) async throws {
        try await NodeTest.withPodDirectory { base in
            try FileManager.default.createDirectory(atPath: base + "/dir", withIntermediateDirectories: true)
            try NodeTest.write("x", to: base + "/file")
            try Self.makeSocket(base + "/socket")
            try await body(base)
        }
    }

    private static func makeSocket(_ path: String) throws {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            for (index, byte) in path.utf8.enumerated() where index < buffer.count - 1 { buffer[index] = byte }
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard bound == 0 else { throw TestEnvironmentError("cannot bind a socket at \(path)") }
    }

    /// (type, path relative to the scratch base or absolute, expected error with BASE for the base).
    static let cases: [(String, String, String?)] = [
        ("", "missing", nil),
        ("Directory", "dir", nil),
        ("Directory", "file", "hostPath type check failed: BASE/file is not a directory, it's a File"),
        ("Directory", "missing", "hostPath BASE/missing doesn't exist"),
        ("File", "file", nil),
        ("File", "/tmp", "hostPath type check failed: /tmp is not a file, it's a Directory"),
        ("Socket", "socket", nil),
        ("Socket", "file", "hostPath type check failed: BASE/file is not a socket file, it's a File"),
        ("CharDevice", "/dev/null", nil),
        ("CharDevice", "dir", "hostPath type check failed: BASE/dir is not a character device, it's a Directory"),
        ("BlockDevice", "/dev/null", "hostPath type check failed: /dev/null is not a block device, it's a CharDevice"),
        ("BlockDevice", "/dev/loop0", nil),
        ("DirectoryOrCreate", "file", "hostPath type check failed: BASE/file is not a directory, it's a File"),
        ("FileOrCreate", "dir", "hostPath type check failed: BASE/dir is not a file, it's a Directory"),
        ("Pipe", "file", "Pipe is an invalid volume type"),
    ]

    @Test("each type accepts what it names and refuses the rest with upstream's message", arguments: cases)
    func typeCheck(type: String, relative: String, expected: String?) async throws {
        try await withNodePaths { base in
            let path = relative.hasPrefix("/") ? relative : base + "/" + relative
            let source = HostPathVolumeSource(path: path, type: type)
            if let expected {
                let error = #expect(throws: VolumeError.self) { try HostPathMounter.check(source) }
                #expect(error?.message == expected.replacingOccurrences(of: "BASE", with: base))
            } else {
                try HostPathMounter.check(source)
            }
        }
    }

    @Test("DirectoryOrCreate makes the directory and its parents 0755; FileOrCreate makes a 0644 file but never its parent")
    func orCreate() async throws {
        try await withNodePaths { base in
            try HostPathMounter.check(HostPathVolumeSource(path: base + "/new/deeper", type: "DirectoryOrCreate"))
            #expect(NodeTest.status(base + "/new")?.mode == 0o755)
            #expect(NodeTest.status(base + "/new/deeper").map { $0.mode == 0o755 && $0.type == UInt32(S_IFDIR) } == true)

            try HostPathMounter.check(HostPathVolumeSource(path: base + "/dir/made.log", type: "FileOrCreate"))
            #expect(NodeTest.status(base + "/dir/made.log").map { $0.mode == 0o644 && $0.type == UInt32(S_IFREG) } == true)

            let error = #expect(throws: VolumeError.self) {
                try HostPathMounter.check(HostPathVolumeSource(path: base + "/absent/made.log", type: "FileOrCreate"))
            }
            #expect(error?.message.contains("No such file or directory") == true)
            #expect(!FileManager.default.fileExists(atPath: base + "/absent"))
        }
    }

    @Test("a hostPath volume is the node path itself, and a failed check is a FailedMount event naming the volume")
    func throughTheManager() async throws {
        try await NodeTest.withPodDirectory { podDirectory in
            let manager = try NodeTest.manager()
            let good = NodeTest.pod(volumes: [Volume(name: "node-tmp", source: VolumeSource(hostPath: HostPathVolumeSource(path: "/tmp", type: "Directory")))])
            let mounted = try await manager.setUp(pod: good, podDirectory: podDirectory, inputs: PodVolumeInputs())
            #expect(mounted["node-tmp"] == MountedVolume(name: "node-tmp", kind: .hostPath, hostPath: "/tmp", readOnly: false))

            let bad = NodeTest.pod(volumes: [Volume(name: "node-tmp", source: VolumeSource(hostPath: HostPathVolumeSource(path: "/tmp", type: "File")))])
            let error = await #expect(throws: PodVolumeError.self) {
                _ = try await manager.setUp(pod: bad, podDirectory: podDirectory, inputs: PodVolumeInputs())
            }
            #expect(error?.eventMessages == ["MountVolume.SetUp failed for volume \"node-tmp\" : hostPath type check failed: /tmp is not a file, it's a Directory"])
            #expect(error?.isRetryable == false)

            try await manager.tearDown(podDirectory: podDirectory)
            var st = stat()
            #expect(stat("/tmp", &st) == 0, "teardown leaves the node's path alone")
            #expect(NodeTest.mounts(under: podDirectory).isEmpty)
        }
    }
}
