import BallastAPI
import BallastStorage
import BallastTesting
import Foundation
import Testing

@Suite("emptyDir volumes on the host", NodeTest.enabled())
struct EmptyDirTests {
    @Test("a disk emptyDir is one directory two containers share; it survives set-up again and goes with the pod")
    func sharedDisk() async throws {
        try await NodeTest.withPodDirectory { podDirectory in
            let manager = try NodeTest.manager()
            let pod = NodeTest.pod(volumes: [Volume(name: "shared-storage", source: VolumeSource(emptyDir: EmptyDirVolumeSource()))])
            let mounted = try await manager.setUp(pod: pod, podDirectory: podDirectory, inputs: PodVolumeInputs())
            let volume = try #require(mounted["shared-storage"])
            #expect(volume.hostPath == podDirectory + "/volumes/kubernetes.io~empty-dir/shared-storage")
            #expect(volume.kind == .emptyDir && !volume.readOnly)
            #expect(NodeTest.status(volume.hostPath)?.mode == 0o777)

            // Two "containers" running as different users: one writes, the other reads.
            let written = try NodeTest.run(as: 101, gid: 101, "echo 'from redis' > \(volume.hostPath)/hello.txt")
            #expect(written.succeeded, "\(written)")
            let read = try NodeTest.run(as: 33, gid: 33, "cat \(volume.hostPath)/hello.txt")
            #expect(read.stdout == "from redis\n")

            // A container restart (set-up again) keeps the data.
            _ = try await manager.setUp(pod: pod, podDirectory: podDirectory, inputs: PodVolumeInputs())
            #expect(NodeTest.read(volume.hostPath + "/hello.txt") == "from redis\n")

            try await manager.tearDown(podDirectory: podDirectory)
            #expect(!FileManager.default.fileExists(atPath: volume.hostPath))
            #expect(NodeTest.mounts(under: podDirectory).isEmpty)
            try await manager.tearDown(podDirectory: podDirectory)
        }
    }

    @Test("a Memory emptyDir is a tmpfs of sizeLimit: writes past it fail with ENOSPC; set-up again stacks nothing")
    func memoryLimit() async throws {
        try await NodeTest.withPodDirectory { podDirectory in
            let manager = try NodeTest.manager()
            let source = EmptyDirVolumeSource(medium: "Memory", sizeLimit: try Quantity(parsing: "8Mi"))
            let pod = NodeTest.pod(volumes: [Volume(name: "scratch", source: VolumeSource(emptyDir: source))])
            let inputs = PodVolumeInputs(nodeAllocatableMemory: 1 << 34, podMemoryLimit: 1 << 30)
            let mounted = try await manager.setUp(pod: pod, podDirectory: podDirectory, inputs: inputs)
            let path = try #require(mounted["scratch"]?.hostPath)
            let entry = try #require(NodeTest.mount(at: path))
            #expect(entry.fileSystemType == "tmpfs")
            #expect(entry.superOptions.contains("size=8192k"))
            #expect(entry.options.contains("nosuid") && entry.options.contains("nodev"))

            let fill = try NodeTest.run("dd if=/dev/zero of=\(path)/fill bs=1M count=12")
            #expect(!fill.succeeded)
            #expect(fill.stderr.contains("No space left on device"))
            let size = try FileManager.default.attributesOfItem(atPath: path + "/fill")[.size] as? Int ?? 0
            #expect(size <= 8 << 20)

            _ = try await manager.setUp(pod: pod, podDirectory: podDirectory, inputs: inputs)
            #expect(NodeTest.mounts(under: path).count == 1)

            try await manager.tearDown(podDirectory: podDirectory)
            #expect(NodeTest.mounts(under: podDirectory).isEmpty)
            #expect(!FileManager.default.fileExists(atPath: path))
        }
    }

    @Test("a Memory emptyDir's size is the smallest of allocatable memory, the pod's limit and sizeLimit",
          arguments: [
              (nil, Int64?(nil), Int64?(nil), Int64?(nil)),
              ("64Mi", 1 << 30, nil, 64 << 20),
              (nil, 1 << 30, 256 << 20, 256 << 20),
              ("2Gi", 1 << 30, 512 << 20, 512 << 20),
              ("0", 1 << 30, nil, 1 << 30),
          ] as [(String?, Int64?, Int64?, Int64?)])
    func memorySize(sizeLimit: String?, allocatable: Int64?, podLimit: Int64?, expected: Int64?) throws {
        let limit = try sizeLimit.map { try Quantity(parsing: $0) }
        let inputs = PodVolumeInputs(nodeAllocatableMemory: allocatable, podMemoryLimit: podLimit)
        #expect(EmptyDirMounter.memorySize(sizeLimit: limit, inputs: inputs) == expected)
    }

    @Test("usage(of:) measures a disk emptyDir like du, and a volume over its sizeLimit gets upstream's eviction message")
    func usageAndEviction() async throws {
        try await NodeTest.withPodDirectory { podDirectory in
            let manager = try NodeTest.manager()
            let source = EmptyDirVolumeSource(sizeLimit: try Quantity(parsing: "2Mi"))
            let pod = NodeTest.pod(volumes: [Volume(name: "cache", source: VolumeSource(emptyDir: source))])
            let path = try #require(try await manager.setUp(pod: pod, podDirectory: podDirectory, inputs: PodVolumeInputs())["cache"]?.hostPath)
            #expect(EmptyDirMounter.limitViolations(of: pod, podDirectory: podDirectory).isEmpty)

            #expect(try NodeTest.run("mkdir \(path)/sub && head -c 3145728 /dev/urandom > \(path)/sub/data && ln \(path)/sub/data \(path)/link && ln -s / \(path)/root").succeeded)
            let used = try EmptyDirMounter.usage(of: path)
            #expect(used >= 3 << 20 && used < 4 << 20, "a hard link counts once and a symlink is not followed: \(used)")

            let violations = EmptyDirMounter.limitViolations(of: pod, podDirectory: podDirectory)
            #expect(violations.map(\.volume) == ["cache"])
            #expect(violations.first?.message == "Usage of EmptyDir volume \"cache\" exceeds the limit \"2Mi\".")
            try await manager.tearDown(podDirectory: podDirectory)
        }
    }

    @Test("fsGroup: the emptyDir's root gets the group and setgid, so files made in it share the group")
    func fsGroup() async throws {
        try await NodeTest.withPodDirectory { podDirectory in
            let manager = try NodeTest.manager()
            let pod = NodeTest.pod(volumes: [Volume(name: "data", source: VolumeSource(emptyDir: EmptyDirVolumeSource()))], fsGroup: 2000)
            let path = try #require(try await manager.setUp(pod: pod, podDirectory: podDirectory, inputs: PodVolumeInputs())["data"]?.hostPath)
            let root = try #require(NodeTest.status(path))
            #expect(root.gid == 2000)
            #expect(root.mode == 0o2777)
            #expect(try NodeTest.run(as: 1000, gid: 1000, "touch \(path)/made-by-1000").succeeded)
            #expect(NodeTest.status(path + "/made-by-1000")?.gid == 2000)
            try await manager.tearDown(podDirectory: podDirectory)
        }
    }
}
