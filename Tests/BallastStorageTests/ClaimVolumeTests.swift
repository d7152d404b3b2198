import BallastAPI
import BallastStorage
import BallastTesting
import Foundation
import Testing

@Suite("persistentVolumeClaim volumes on hostPath and local persistent volumes", NodeTest.enabled())
struct ClaimVolumeTests {
    /// A pod with one claim volume "data" on claim "data-claim".
    private func pod(_ name: String = "app", readOnly: Bool? = nil, fsGroup: Int64? = nil) -> Pod {
        NodeTest.pod(name, volumes: [Volume(name: "data", source: VolumeSource(persistentVolumeClaim: PersistentVolumeClaimVolumeSource(claimName: "data-claim", readOnly: readOnly)))],
                     fsGroup: fsGroup)
    }

    private func inputs(_ source: ResolvedClaim.Source, readOnly: Bool = false) -> PodVolumeInputs {
        PodVolumeInputs(claims: ["data-claim": ResolvedClaim(volumeName: "pv-data", source: source, readOnly: readOnly)])
    }

    @Test("the volume source the agent resolves from a PV: hostPath, local and NFS with its ports; none for CSI; bad NFS options refused")
    func sourceOfPersistentVolume() throws {
        func volume(_ spec: PersistentVolumeSpec) -> PersistentVolume { PersistentVolume(metadata: ObjectMeta(name: "pv"), spec: spec) }
        let hostPath = HostPathVolumeSource(path: "/srv/data", type: "DirectoryOrCreate")
        #expect(try ResolvedClaim.source(of: volume(PersistentVolumeSpec(hostPath: hostPath))) == .hostPath(hostPath))
        #expect(try ResolvedClaim.source(of: volume(PersistentVolumeSpec(local: LocalVolumeSource(path: "/mnt/disks/ssd1", fsType: "xfs"))))
                == .local(path: "/mnt/disks/ssd1", fsType: "xfs"))
        let nfs = NFSVolumeSource(server: "127.0.0.1", path: "/exports/pv1")
        #expect(try ResolvedClaim.source(of: volume(PersistentVolumeSpec(mountOptions: ["nfsvers=4", "port=2050"], nfs: nfs)))
                == .nfs(nfs, mountOptions: NFSMountOptions(version: .v4, port: 2050, options: ["nfsvers=4", "port=2050"])))
        #expect(try ResolvedClaim.source(of: volume(PersistentVolumeSpec(csi: CSIPersistentVolumeSource(driver: "ballast.io/lvm", volumeHandle: "pvc-1")))) == nil)
        #expect(throws: VolumeError.self) { try ResolvedClaim.source(of: volume(PersistentVolumeSpec(mountOptions: ["bogus=1"], nfs: nfs))) }
    }

    @Test("a claim that is not bound yet is a retryable FailedMount")
    func unboundClaim() async throws {
        try await NodeTest.withPodDirectory { podDirectory in
            let error = await #expect(throws: PodVolumeError.self) {
                _ = try await NodeTest.manager().setUp(pod: pod(), podDirectory: podDirectory, inputs: PodVolumeInputs())
            }
            #expect(error?.eventMessages == ["MountVolume.SetUp failed for volume \"data\" : error processing PVC default/data-claim: PVC is not bound"])
            #expect(error?.isRetryable == true)
        }
    }

    @Test("a hostPath PV is the node path itself, made by DirectoryOrCreate, checked by its type, read-only when the pod says so")
    func hostPathVolume() async throws {
        try await NodeTest.withPodDirectory { podDirectory in
            let manager = try NodeTest.manager()
            let path = podDirectory + "/node/pv-data"
            let made = try await manager.setUp(pod: pod(readOnly: true), podDirectory: podDirectory,
                                               inputs: inputs(.hostPath(HostPathVolumeSource(path: path, type: "DirectoryOrCreate"))))
            #expect(made["data"] == MountedVolume(name: "data", kind: .hostPath, hostPath: path, readOnly: true))
            #expect(NodeTest.status(path)?.type == UInt32(S_IFDIR))

            let error = await #expect(throws: PodVolumeError.self) {
                _ = try await manager.setUp(pod: pod(), podDirectory: podDirectory, inputs: inputs(.hostPath(HostPathVolumeSource(path: path, type: "File"))))
            }
            #expect(error?.eventMessages == ["MountVolume.SetUp failed for volume \"data\" : hostPath type check failed: \(path) is not a file, it's a Directory (type \"File\": an existing file must be at the path)"])
            try await manager.tearDown(podDirectory: podDirectory)
            #expect(NodeTest.status(path) != nil, "the node's path stays")
        }
    }

    @Test("a local PV directory is bound under the pod (once, however often set up), read-only when asked, and unbound with its data kept")
    func localDirectory() async throws {
        try await NodeTest.withPodDirectory { podDirectory in
            let manager = try NodeTest.manager()
            let disk = podDirectory + "/mnt/disks/vol1"
            try FileManager.default.createDirectory(atPath: disk, withIntermediateDirectories: true)
            try NodeTest.write("existing", to: disk + "/existing")

            let volume = try #require(try await manager.setUp(pod: pod(fsGroup: 3000), podDirectory: podDirectory,
                                                             inputs: inputs(.local(path: disk, fsType: nil)))["data"])
            #expect(volume.hostPath == podDirectory + "/volumes/kubernetes.io~local-volume/data")
            #expect(volume.kind == .localVolume && !volume.readOnly)
            #expect(NodeTest.read(volume.hostPath + "/existing") == "existing")
            try NodeTest.write("new", to: volume.hostPath + "/new")
            #expect(NodeTest.read(disk + "/new") == "new")
            #expect(NodeTest.status(disk)?.gid == 3000, "fsGroup reaches the PV's files")
            _ = try await manager.setUp(pod: pod(fsGroup: 3000), podDirectory: podDirectory, inputs: inputs(.local(path: disk, fsType: nil)))
            #expect(NodeTest.mounts(under: volume.hostPath).count == 1)
            try await manager.tearDown(podDirectory: podDirectory)
            #expect(NodeTest.mounts(under: podDirectory).isEmpty)
            #expect(NodeTest.read(disk + "/new") == "new")

            let readOnly = try #require(try await manager.setUp(pod: pod(), podDirectory: podDirectory,
                                                               inputs: inputs(.local(path: disk, fsType: nil), readOnly: true))["data"])
            #expect(readOnly.readOnly)
            #expect(NodeTest.mount(at: readOnly.hostPath)?.isReadOnly == true)
            #expect(try NodeTest.run("echo x > \(readOnly.hostPath)/refused").stderr.contains("Read-only file system"))
            try await manager.tearDown(podDirectory: podDirectory)
            #expect(NodeTest.mounts(under: podDirectory).isEmpty)
        }
    }

    @Test("a local PV on a blank block device is formatted once, mounted open to every user, and keeps its data for the next pod",
          LoopTestSupport.enabled())
    func localBlockDevice() async throws {
        try await LoopTestSupport.withLoopFile(size: 64 * .mebibyte) { loop, _ in
            let manager = try NodeTest.manager()
            let source = ResolvedClaim.Source.local(path: loop.path, fsType: "ext4")
            // Read-only on a blank device: nothing to mount, and nothing is written to it.
            try await NodeTest.withPodDirectory { podDirectory in
                let error = await #expect(throws: PodVolumeError.self) {
                    _ = try await manager.setUp(pod: pod(readOnly: true), podDirectory: podDirectory, inputs: inputs(source))
                }
                #expect(error?.eventMessages.first?.contains("is blank and the volume is read-only") == true, "\(error?.eventMessages ?? [])")
                try await manager.tearDown(podDirectory: podDirectory)
            }
            #expect(try BlkidProbe().signature(of: loop.path) == nil)

            try await NodeTest.withPodDirectory { podDirectory in
                let volume = try #require(try await manager.setUp(pod: pod(), podDirectory: podDirectory, inputs: inputs(source))["data"])
                #expect(volume.hostPath == podDirectory + "/volumes/ballast.io~block-device/data")
                let entry = try #require(NodeTest.mount(at: volume.hostPath))
                #expect(entry.fileSystemType == "ext4" && entry.source == loop.path)
                #expect(NodeTest.status(volume.hostPath)?.mode == 0o2777)
                #expect(try NodeTest.run(as: 70, gid: 70, in: volume.hostPath, "echo row > table").succeeded)
                _ = try await manager.setUp(pod: pod(), podDirectory: podDirectory, inputs: inputs(source))
                #expect(NodeTest.mounts(under: volume.hostPath).count == 1)
                try await manager.tearDown(podDirectory: podDirectory)
                #expect(NodeTest.mounts(under: podDirectory).isEmpty)
            }
            try await NodeTest.withPodDirectory { podDirectory in
                let volume = try #require(try await manager.setUp(pod: pod("app-2", readOnly: true), podDirectory: podDirectory, inputs: inputs(source))["data"])
                #expect(NodeTest.read(volume.hostPath + "/table") == "row\n", "not formatted again")
                #expect(NodeTest.mount(at: volume.hostPath)?.isReadOnly == true)
                try await manager.tearDown(podDirectory: podDirectory)
                #expect(NodeTest.mounts(under: podDirectory).isEmpty)
            }
        }
    }
}
