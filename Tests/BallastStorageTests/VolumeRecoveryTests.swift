import BallastAPI
import BallastStorage
import BallastTesting
import Foundation
import Testing

/// The agent can be killed at any moment: a new agent process repeats set-up and teardown
/// from what is on disk and in /proc/self/mountinfo, and neither doubles nor loses a mount.
@Suite("volume set-up and teardown after an agent crash", NodeTest.enabled())
struct VolumeRecoveryTests {
    /// A pod with a volume of most kinds, and a container that mounts each (one by subPath).
    private func pod(localDisk: String) -> (Pod, PodVolumeInputs, Container) {
        let volumes = [
            Volume(name: "cache", source: VolumeSource(emptyDir: EmptyDirVolumeSource())),
            Volume(name: "scratch", source: VolumeSource(emptyDir: EmptyDirVolumeSource(medium: "Memory", sizeLimit: Quantity(16 << 20)))),
            Volume(name: "config", source: VolumeSource(configMap: ConfigMapVolumeSource(name: "app"))),
            Volume(name: "token", source: VolumeSource(secret: SecretVolumeSource(secretName: "app"))),
            Volume(name: "data", source: VolumeSource(persistentVolumeClaim: PersistentVolumeClaimVolumeSource(claimName: "data"))),
        ]
        let app = Container(name: "app", image: "busybox", volumeMounts: [
            VolumeMount(name: "cache", mountPath: "/cache", subPath: "app"),
            VolumeMount(name: "scratch", mountPath: "/scratch"),
            VolumeMount(name: "config", mountPath: "/etc/app"),
            VolumeMount(name: "token", mountPath: "/var/run/token"),
            VolumeMount(name: "data", mountPath: "/data"),
        ])
        let secret = Secret(metadata: ObjectMeta(name: "app", namespace: "default"), data: ["token": "c2VjcmV0"])
        let inputs = PodVolumeInputs(
            configMaps: ["app": ConfigMap(metadata: ObjectMeta(name: "app", namespace: "default"), data: ["app.conf": "x=1"])],
            secrets: ["app": secret],
            claims: ["data": ResolvedClaim(volumeName: "pv-local", source: .local(path: localDisk, fsType: nil))],
            nodeAllocatableMemory: 1 << 30)
        return (NodeTest.pod(volumes: volumes, containers: [app]), inputs, app)
    }

    /// The mount points under `podDirectory`, with how often each appears.
    private func mountTable(_ podDirectory: String) -> [String: Int] {
        NodeTest.mounts(under: podDirectory).reduce(into: [:]) { $0[$1, default: 0] += 1 }
    }

    private func withLocalDisk(_ body: (String, String) async throws -> Void) async throws {
        try await NodeTest.withPodDirectory { base in
            let disk = base + "/disk"
            let podDirectory = base + "/pods/uid-web"
            try FileManager.default.createDirectory(atPath: disk, withIntermediateDirectories: true)
            try FileManager.default.createDirectory(atPath: podDirectory, withIntermediateDirectories: true)
            try await body(podDirectory, disk)
        }
    }

    @Test("a new agent finds the volumes the killed one set up: the same mounts, none doubled, and it tears them all down from disk alone")
    func newAgentFindsEverything() async throws {
        try await withLocalDisk { podDirectory, disk in
            let (pod, inputs, app) = pod(localDisk: disk)
            let first = try NodeTest.manager()
            let volumes = try await first.setUp(pod: pod, podDirectory: podDirectory, inputs: inputs)
            let binds = try first.containerMounts(for: app, volumes: volumes, environment: [:], podDirectory: podDirectory)
            let before = mountTable(podDirectory)
            #expect(before.count == 4, "the Memory emptyDir's tmpfs, the secret's tmpfs, the local bind, the subPath bind: \(before)")
            #expect(before.values.allSatisfy { $0 == 1 })
            try NodeTest.write("cached", to: binds[0].hostPath + "/entry")

            // The agent is killed; a new process starts with nothing in memory.
            let second = try NodeTest.manager()
            let again = try await second.setUp(pod: pod, podDirectory: podDirectory, inputs: inputs)
            #expect(again == volumes)
            #expect(try second.containerMounts(for: app, volumes: again, environment: [:], podDirectory: podDirectory) == binds)
            #expect(mountTable(podDirectory) == before)
            #expect(NodeTest.read(binds[0].hostPath + "/entry") == "cached")

            // The pod was deleted meanwhile: a third agent knows only the directory.
            try await NodeTest.manager().tearDown(podDirectory: podDirectory)
            #expect(NodeTest.mounts(under: podDirectory).isEmpty)
            #expect(((try? FileManager.default.contentsOfDirectory(atPath: podDirectory)) ?? ["?"]).isEmpty)
            #expect(FileManager.default.fileExists(atPath: disk), "the local PV's directory stays")
        }
    }

    /// Half-finished teardowns a crash can leave: (name, what the killed agent had done).
    static let interruptedTeardowns: [(String, @Sendable (String) throws -> Void)] = [
        ("subPath binds unmounted, their directories left", { podDirectory in
            try LinuxMounter().unmount(podDirectory + "/volume-subpaths/cache/app/0")
        }),
        ("the Memory emptyDir unmounted, its directory left", { podDirectory in
            try LinuxMounter().unmount(VolumeKind.emptyDir.directory(for: "scratch", podDirectory: podDirectory))
        }),
        ("the local bind unmounted, and the configMap half removed", { podDirectory in
            try LinuxMounter().unmount(VolumeKind.localVolume.directory(for: "data", podDirectory: podDirectory))
            try FileManager.default.removeItem(atPath: VolumeKind.configMap.directory(for: "config", podDirectory: podDirectory) + "/..data")
        }),
        ("a second tmpfs stacked on the secret volume", { podDirectory in
            let directory = VolumeKind.secret.directory(for: "token", podDirectory: podDirectory)
            guard mount("tmpfs", directory, "tmpfs", 0, nil) == 0 else { throw TestEnvironmentError("mount: errno \(errno)") }
        }),
    ]

    @Test("a teardown a crash interrupted is finished by the next call", arguments: interruptedTeardowns)
    func interruptedTeardown(name: String, interrupt: @Sendable (String) throws -> Void) async throws {
        try await withLocalDisk { podDirectory, disk in
            let (pod, inputs, app) = pod(localDisk: disk)
            let manager = try NodeTest.manager()
            let volumes = try await manager.setUp(pod: pod, podDirectory: podDirectory, inputs: inputs)
            _ = try manager.containerMounts(for: app, volumes: volumes, environment: [:], podDirectory: podDirectory)
            try interrupt(podDirectory)
            try await NodeTest.manager().tearDown(podDirectory: podDirectory)
            #expect(NodeTest.mounts(under: podDirectory).isEmpty, "\(name)")
            #expect(((try? FileManager.default.contentsOfDirectory(atPath: podDirectory)) ?? ["?"]).isEmpty, "\(name)")
        }
    }

    @Test("a pod directory reached through a symlink (not even made yet) is resolved: mounts are found again and torn down")
    func symlinkedPodDirectory() async throws {
        try await withLocalDisk { podDirectory, disk in
            let base = (podDirectory as NSString).deletingLastPathComponent
            try FileManager.default.createSymbolicLink(atPath: base + "/link", withDestinationPath: base)
            let throughLink = base + "/link/uid-other"
            let (pod, inputs, app) = pod(localDisk: disk)
            let manager = try NodeTest.manager()
            let volumes = try await manager.setUp(pod: pod, podDirectory: throughLink, inputs: inputs)
            #expect(volumes["scratch"]?.hostPath == base + "/uid-other/volumes/kubernetes.io~empty-dir/scratch")
            _ = try manager.containerMounts(for: app, volumes: volumes, environment: [:], podDirectory: throughLink)
            _ = try await manager.setUp(pod: pod, podDirectory: throughLink, inputs: inputs)
            _ = try manager.containerMounts(for: app, volumes: volumes, environment: [:], podDirectory: throughLink)
            #expect(mountTable(base + "/uid-other").values.allSatisfy { $0 == 1 })
            try await manager.tearDown(podDirectory: throughLink)
            #expect(NodeTest.mounts(under: base + "/uid-other").isEmpty)
        }
    }

    @Test("teardown never deletes what lies under a mount it did not make: it fails, keeps the data, and succeeds once the mount is gone")
    func foreignMountIsNeverDeleted() async throws {
        try await withLocalDisk { podDirectory, disk in
            let manager = try NodeTest.manager()
            let pod = NodeTest.pod(volumes: [Volume(name: "cache", source: VolumeSource(emptyDir: EmptyDirVolumeSource()))])
            let cache = try #require(try await manager.setUp(pod: pod, podDirectory: podDirectory, inputs: PodVolumeInputs())["cache"]?.hostPath)
            // A container with Bidirectional propagation mounted something in the volume.
            try NodeTest.write("precious", to: disk + "/precious")
            try FileManager.default.createDirectory(atPath: cache + "/mnt", withIntermediateDirectories: true)
            try LinuxMounter().bind(disk, at: cache + "/mnt", recursive: false, flags: [])

            let error = await #expect(throws: PodVolumeError.self) { try await manager.tearDown(podDirectory: podDirectory) }
            #expect(error?.failures.map(\.volume) == ["cache"])
            #expect(error?.eventMessages.first?.contains("is still mounted") == true, "\(error?.eventMessages ?? [])")
            #expect(NodeTest.read(disk + "/precious") == "precious")

            try LinuxMounter().unmount(cache + "/mnt")
            try await manager.tearDown(podDirectory: podDirectory)
            #expect(NodeTest.mounts(under: podDirectory).isEmpty)
            #expect(NodeTest.read(disk + "/precious") == "precious")
        }
    }
}
