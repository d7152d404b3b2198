import BallastAPI
import BallastStorage
import BallastTesting
import Foundation
import Testing

@Suite("subPath and subPathExpr binds, and symlink attacks on them", NodeTest.enabled())
struct SubPathTests {
    /// A pod with one disk emptyDir "shared" and the given containers.
    private func pod(_ containers: [Container]) -> Pod {
        NodeTest.pod(volumes: [Volume(name: "shared", source: VolumeSource(emptyDir: EmptyDirVolumeSource()))], containers: containers)
    }

    private func container(_ name: String, _ mounts: [VolumeMount]) -> Container {
        Container(name: name, image: "busybox", volumeMounts: mounts)
    }

    @Test("a subPath is made in the volume and bound per container; writes through the bind land in the volume; teardown removes every bind")
    func bindsIntoTheVolume() async throws {
        try await NodeTest.withPodDirectory { podDirectory in
            let manager = try NodeTest.manager()
            let app = container("app", [VolumeMount(name: "shared", mountPath: "/var/lib/redis", subPath: "redis/data"),
                                        VolumeMount(name: "shared", mountPath: "/all")])
            let pod = pod([app])
            let volumes = try await manager.setUp(pod: pod, podDirectory: podDirectory, inputs: PodVolumeInputs())
            let root = try #require(volumes["shared"]?.hostPath)
            let mounts = try manager.containerMounts(for: app, volumes: volumes, environment: [:], podDirectory: podDirectory)

            let bind = podDirectory + "/volume-subpaths/shared/app/0"
            #expect(mounts == [ContainerMount(volumeName: "shared", hostPath: bind, containerPath: "/var/lib/redis", readOnly: false),
                               ContainerMount(volumeName: "shared", hostPath: root, containerPath: "/all", readOnly: false)])
            #expect(NodeTest.status(root + "/redis/data").map { $0.type == UInt32(S_IFDIR) && $0.mode == 0o777 } == true,
                    "made with the volume root's mode")
            #expect(NodeTest.mount(at: bind) != nil)
            try NodeTest.write("dump", to: bind + "/dump.rdb")
            #expect(NodeTest.read(root + "/redis/data/dump.rdb") == "dump")

            // The container starts again: its bind is replaced, not stacked.
            _ = try manager.containerMounts(for: app, volumes: volumes, environment: [:], podDirectory: podDirectory)
            #expect(NodeTest.mounts(under: bind).count == 1)

            try manager.tearDownContainer(podDirectory: podDirectory, containerName: "app")
            #expect(NodeTest.mounts(under: podDirectory + "/volume-subpaths").isEmpty)
            #expect(NodeTest.read(root + "/redis/data/dump.rdb") == "dump", "the container's end keeps the volume's data")

            _ = try manager.containerMounts(for: app, volumes: volumes, environment: [:], podDirectory: podDirectory)
            try await manager.tearDown(podDirectory: podDirectory)
            #expect(NodeTest.mounts(under: podDirectory).isEmpty)
            #expect(!FileManager.default.fileExists(atPath: podDirectory + "/volume-subpaths"))
        }
    }

    @Test("subPathExpr expands the container's variables; a file subPath is bound as a file; readOnly binds refuse writes")
    func expressionsFilesAndReadOnly() async throws {
        try await NodeTest.withPodDirectory { podDirectory in
            let manager = try NodeTest.manager()
            let app = container("app", [VolumeMount(name: "shared", mountPath: "/logs", subPathExpr: "logs/$(POD_NAME)"),
                                        VolumeMount(name: "shared", readOnly: true, mountPath: "/etc/app.conf", subPath: "conf/app.conf"),
                                        VolumeMount(name: "shared", mountPath: "/cost", subPathExpr: "$$(literal)")])
            let volumes = try await manager.setUp(pod: pod([app]), podDirectory: podDirectory, inputs: PodVolumeInputs())
            let root = try #require(volumes["shared"]?.hostPath)
            try FileManager.default.createDirectory(atPath: root + "/conf", withIntermediateDirectories: true)
            try NodeTest.write("color=blue", to: root + "/conf/app.conf")

            let mounts = try manager.containerMounts(for: app, volumes: volumes, environment: ["POD_NAME": "web-0"], podDirectory: podDirectory)
            #expect(mounts.map(\.readOnly) == [false, true, false])
            #expect(FileManager.default.fileExists(atPath: root + "/logs/web-0"))
            #expect(FileManager.default.fileExists(atPath: root + "/$(literal)"), "$$ is a literal $")

            let file = try #require(NodeTest.mount(at: mounts[1].hostPath))
            #expect(file.isReadOnly)
            #expect(NodeTest.status(mounts[1].hostPath)?.type == UInt32(S_IFREG))
            #expect(NodeTest.read(mounts[1].hostPath) == "color=blue")
            let write = try NodeTest.run("echo x > \(mounts[1].hostPath)")
            #expect(write.stderr.contains("Read-only file system"), "\(write)")

            try await manager.tearDown(podDirectory: podDirectory)
            #expect(NodeTest.mounts(under: podDirectory).isEmpty)
        }
    }

    @Test("subPaths that name a place outside the volume are refused before anything is bound",
          arguments: [
              ("/etc", "must be a relative path"),
              ("../../etc", "must not contain '..'"),
              ("a/../../b", "must not contain '..'"),
          ])
    func invalidPaths(subPath: String, problem: String) async throws {
        try await NodeTest.withPodDirectory { podDirectory in
            let manager = try NodeTest.manager()
            let app = container("app", [VolumeMount(name: "shared", mountPath: "/data", subPath: subPath)])
            let volumes = try await manager.setUp(pod: pod([app]), podDirectory: podDirectory, inputs: PodVolumeInputs())
            let error = #expect(throws: VolumeError.self) {
                _ = try manager.containerMounts(for: app, volumes: volumes, environment: [:], podDirectory: podDirectory)
            }
            #expect(error?.kind == .invalid)
            #expect(error?.message.contains(problem) == true, "\(error?.message ?? "")")
            #expect(NodeTest.mounts(under: podDirectory).isEmpty)
            try await manager.tearDown(podDirectory: podDirectory)
        }
    }

    /// What a hostile container leaves in the volume for the next run of a container whose
    /// subPath it could reach: (description, subPath, shell run in the volume as uid 1000).
    static let attacks: [(String, String, String)] = [
        ("the directory replaced by a symlink to /", "logs", "rm -rf logs && ln -s / logs"),
        ("a symlink that climbs out with ..", "logs", "rm -rf logs && ln -s ../../../../../../../../.. logs"),
        ("a symlink to a symlink to /", "logs", "rm -rf logs && ln -s / root && ln -s root logs"),
        ("a parent directory replaced by a symlink to /", "var/log", "rm -rf var && ln -s / var"),
        ("a file subPath replaced by a symlink to /etc/shadow", "app.conf", "rm -f app.conf && ln -s /etc/shadow app.conf"),
    ]

    @Test("a container that turns the subPath into a symlink out of the volume never gets the host's root in a later container",
          arguments: attacks)
    func symlinkAttack(description: String, subPath: String, script: String) async throws {
        try await NodeTest.withPodDirectory { podDirectory in
            let manager = try NodeTest.manager()
            let victim = container("victim", [VolumeMount(name: "shared", mountPath: "/data", subPath: subPath)])
            let volumes = try await manager.setUp(pod: pod([victim]), podDirectory: podDirectory, inputs: PodVolumeInputs())
            let root = try #require(volumes["shared"]?.hostPath)
            if subPath == "app.conf" { try NodeTest.write("x", to: root + "/app.conf") }
            _ = try manager.containerMounts(for: victim, volumes: volumes, environment: [:], podDirectory: podDirectory)
            try manager.tearDownContainer(podDirectory: podDirectory, containerName: "victim")

            // Another container of the pod has the whole volume, and plants the link.
            let planted = try NodeTest.run(as: 1000, gid: 1000, in: root, script)
            #expect(planted.succeeded, "\(planted)")

            let error = #expect(throws: VolumeError.self, "\(description)") {
                _ = try manager.containerMounts(for: victim, volumes: volumes, environment: [:], podDirectory: podDirectory)
            }
            #expect(error?.kind == .unsafe)
            #expect(error?.message.contains("outside the volume") == true, "\(error?.message ?? "")")
            #expect(NodeTest.mounts(under: podDirectory + "/volume-subpaths").isEmpty, "nothing was bound")
            try await manager.tearDown(podDirectory: podDirectory)
            #expect(NodeTest.mounts(under: podDirectory).isEmpty)
            #expect(FileManager.default.fileExists(atPath: "/etc/passwd") && FileManager.default.fileExists(atPath: "/etc/shadow"),
                    "teardown never followed the link out")
        }
    }

    @Test("one configMap key by subPath (nginx.conf): the file through ..data is bound, read-only, and keeps the version it had")
    func configMapKey() async throws {
        try await NodeTest.withPodDirectory { podDirectory in
            let manager = try NodeTest.manager()
            let web = container("web", [VolumeMount(name: "conf", mountPath: "/etc/nginx/nginx.conf", subPath: "nginx.conf")])
            let pod = NodeTest.pod(volumes: [Volume(name: "conf", source: VolumeSource(configMap: ConfigMapVolumeSource(name: "nginx")))], containers: [web])
            func inputs(_ text: String) -> PodVolumeInputs {
                PodVolumeInputs(configMaps: ["nginx": ConfigMap(metadata: ObjectMeta(name: "nginx", namespace: "default"), data: ["nginx.conf": text])])
            }
            let volumes = try await manager.setUp(pod: pod, podDirectory: podDirectory, inputs: inputs("worker_processes 1;"))
            let mounts = try manager.containerMounts(for: web, volumes: volumes, environment: [:], podDirectory: podDirectory)
            #expect(mounts.map(\.readOnly) == [true])
            #expect(NodeTest.status(mounts[0].hostPath)?.type == UInt32(S_IFREG))
            #expect(NodeTest.read(mounts[0].hostPath) == "worker_processes 1;")
            #expect(NodeTest.mount(at: mounts[0].hostPath)?.isReadOnly == true)

            // As upstream: a subPath bind is not updated (it holds the file it was made from).
            #expect(try await manager.update(pod: pod, podDirectory: podDirectory, inputs: inputs("worker_processes 4;")) == ["conf"])
            #expect(NodeTest.read(volumes["conf"].map { $0.hostPath + "/nginx.conf" } ?? "") == "worker_processes 4;")
            #expect(NodeTest.read(mounts[0].hostPath) == "worker_processes 1;")
            try await manager.tearDown(podDirectory: podDirectory)
            #expect(NodeTest.mounts(under: podDirectory).isEmpty)
        }
    }

    @Test("symlinks that stay inside the volume still work, as upstream's subPath allows them")
    func internalSymlink() async throws {
        try await NodeTest.withPodDirectory { podDirectory in
            let manager = try NodeTest.manager()
            let app = container("app", [VolumeMount(name: "shared", mountPath: "/current", subPath: "current")])
            let volumes = try await manager.setUp(pod: pod([app]), podDirectory: podDirectory, inputs: PodVolumeInputs())
            let root = try #require(volumes["shared"]?.hostPath)
            #expect(try NodeTest.run(in: root, "mkdir -p releases/v2 && echo two > releases/v2/version && ln -s releases/v2 current").succeeded)
            let mounts = try manager.containerMounts(for: app, volumes: volumes, environment: [:], podDirectory: podDirectory)
            #expect(NodeTest.read(mounts[0].hostPath + "/version") == "two\n")
            try await manager.tearDown(podDirectory: podDirectory)
            #expect(NodeTest.mounts(under: podDirectory).isEmpty)
        }
    }
}
