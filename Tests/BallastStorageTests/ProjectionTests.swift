import BallastAPI
import BallastStorage
import BallastTesting
import Foundation
import Testing

@Suite("configMap, secret, downwardAPI and projected volumes (the AtomicWriter layout)", NodeTest.enabled())
struct ProjectionTests {
    private func configMap(_ name: String, _ data: [String: String], binary: [String: String]? = nil) -> ConfigMap {
        ConfigMap(metadata: ObjectMeta(name: name, namespace: "default"), data: data, binaryData: binary)
    }

    private func volume(_ name: String, configMap source: ConfigMapVolumeSource) -> Volume {
        Volume(name: name, source: VolumeSource(configMap: source))
    }

    @Test("a configMap volume: ..data points at a timestamped directory, each key is a symlink through it, modes as asked")
    func configMapLayout() async throws {
        try await NodeTest.withPodDirectory { podDirectory in
            let manager = try NodeTest.manager()
            let items = [KeyToPath(key: "app.properties", path: "conf/app.properties", mode: 0o600), KeyToPath(key: "logo", path: "logo.png")]
            let pod = NodeTest.pod(volumes: [
                volume("all", configMap: ConfigMapVolumeSource(name: "app-config", defaultMode: 0o440)),
                volume("some", configMap: ConfigMapVolumeSource(name: "app-config", items: items)),
            ])
            let inputs = PodVolumeInputs(configMaps: ["app-config": configMap("app-config", ["app.properties": "color=blue\n", "mode": "dark"],
                                                                               binary: ["logo": "iVBORw=="])])
            let mounted = try await manager.setUp(pod: pod, podDirectory: podDirectory, inputs: inputs)
            let all = try #require(mounted["all"])
            #expect(all.hostPath == podDirectory + "/volumes/kubernetes.io~configmap/all")
            #expect(all.readOnly)

            let entries = try FileManager.default.contentsOfDirectory(atPath: all.hostPath).sorted()
            let versions = entries.filter { $0.hasPrefix("..2") }
            #expect(versions.count == 1)
            #expect(entries.filter { !$0.hasPrefix("..2") } == ["..data", "app.properties", "logo", "mode"])
            #expect(try FileManager.default.destinationOfSymbolicLink(atPath: all.hostPath + "/..data") == versions.first)
            #expect(try FileManager.default.destinationOfSymbolicLink(atPath: all.hostPath + "/mode") == "..data/mode")
            #expect(NodeTest.read(all.hostPath + "/app.properties") == "color=blue\n")
            #expect(try Data(contentsOf: URL(fileURLWithPath: all.hostPath + "/logo")) == Data([0x89, 0x50, 0x4E, 0x47]))
            #expect(NodeTest.status(all.hostPath + "/..data/mode")?.mode == 0o440)
            #expect(NodeTest.status(all.hostPath + "/" + (versions.first ?? ""))?.mode == 0o755)

            let some = try #require(mounted["some"]?.hostPath)
            #expect(NodeTest.read(some + "/conf/app.properties") == "color=blue\n")
            #expect(NodeTest.status(some + "/..data/conf/app.properties")?.mode == 0o600)
            #expect(NodeTest.status(some + "/..data/logo.png")?.mode == 0o644)
            #expect(!FileManager.default.fileExists(atPath: some + "/mode"))

            // The same data again writes nothing.
            let before = try FileManager.default.destinationOfSymbolicLink(atPath: some + "/..data")
            #expect(try await manager.update(pod: pod, podDirectory: podDirectory, inputs: inputs).isEmpty)
            #expect(try FileManager.default.destinationOfSymbolicLink(atPath: some + "/..data") == before)

            try await manager.tearDown(podDirectory: podDirectory)
            #expect(!FileManager.default.fileExists(atPath: podDirectory + "/volumes"))
        }
    }

    @Test("a missing ConfigMap or key: optional gives an empty volume, required fails with upstream's message")
    func missing() async throws {
        try await NodeTest.withPodDirectory { podDirectory in
            let manager = try NodeTest.manager()
            let optional = NodeTest.pod(volumes: [volume("cfg", configMap: ConfigMapVolumeSource(name: "absent", optional: true))])
            let path = try #require(try await manager.setUp(pod: optional, podDirectory: podDirectory, inputs: PodVolumeInputs())["cfg"]?.hostPath)
            #expect(try FileManager.default.contentsOfDirectory(atPath: path).filter { !$0.hasPrefix("..") }.isEmpty)

            let required = NodeTest.pod(volumes: [volume("cfg", configMap: ConfigMapVolumeSource(name: "absent"))])
            let error = await #expect(throws: PodVolumeError.self) {
                _ = try await manager.setUp(pod: required, podDirectory: podDirectory, inputs: PodVolumeInputs())
            }
            #expect(error?.eventMessages == ["MountVolume.SetUp failed for volume \"cfg\" : configmap \"absent\" not found"])
            #expect(error?.isRetryable == true)

            let badKey = NodeTest.pod(volumes: [volume("cfg", configMap: ConfigMapVolumeSource(name: "c", items: [KeyToPath(key: "nope", path: "x")]))])
            let keyError = await #expect(throws: PodVolumeError.self) {
                _ = try await manager.setUp(pod: badKey, podDirectory: podDirectory, inputs: PodVolumeInputs(configMaps: ["c": configMap("c", ["a": "1"])]))
            }
            #expect(keyError?.failures.first?.error.message == "configmap references non-existent config key: nope")

            let secretPod = NodeTest.pod(volumes: [Volume(name: "creds", source: VolumeSource(secret: SecretVolumeSource(secretName: "db")))])
            let secretError = await #expect(throws: PodVolumeError.self) {
                _ = try await manager.setUp(pod: secretPod, podDirectory: podDirectory, inputs: PodVolumeInputs())
            }
            #expect(secretError?.failures.first?.error.message == "secret \"db\" not found")
            try await manager.tearDown(podDirectory: podDirectory)
            #expect(NodeTest.mounts(under: podDirectory).isEmpty)
        }
    }

    @Test("a secret volume lives on a tmpfs, decoded, with defaultMode and the fsGroup's read access")
    func secretOnTmpfs() async throws {
        try await NodeTest.withPodDirectory { podDirectory in
            let manager = try NodeTest.manager()
            var secret = Secret(metadata: ObjectMeta(name: "db", namespace: "default"))
            secret.setValue("password", Array("s3cr3t".utf8))
            let pod = NodeTest.pod(volumes: [Volume(name: "creds", source: VolumeSource(secret: SecretVolumeSource(secretName: "db", defaultMode: 0o400)))],
                                   fsGroup: 3000)
            let path = try #require(try await manager.setUp(pod: pod, podDirectory: podDirectory, inputs: PodVolumeInputs(secrets: ["db": secret]))["creds"]?.hostPath)
            #expect(NodeTest.mount(at: path)?.fileSystemType == "tmpfs")
            #expect(NodeTest.read(path + "/password") == "s3cr3t")
            let file = try #require(NodeTest.status(path + "/..data/password"))
            #expect(file.gid == 3000)
            #expect(file.mode == 0o440, "defaultMode 0400 plus group read for the fsGroup, as upstream")
            #expect(try NodeTest.run(as: 1000, gid: 3000, "cat \(path)/password").stdout == "s3cr3t")
            #expect(!(try NodeTest.run(as: 1000, gid: 1000, "cat \(path)/password").succeeded))

            try await manager.tearDown(podDirectory: podDirectory)
            #expect(NodeTest.mounts(under: podDirectory).isEmpty)
        }
    }

    @Test("an update swaps the whole version at once: a reader never sees a missing, partial or mixed file")
    func atomicUpdate() async throws {
        try await NodeTest.withPodDirectory { podDirectory in
            let manager = try NodeTest.manager()
            let pod = NodeTest.pod(volumes: [volume("cfg", configMap: ConfigMapVolumeSource(name: "big"))])
            func content(_ version: Int) -> String { "v\(version):" + String(repeating: "x", count: 256 * 1024) + ":v\(version)" }
            func inputs(_ version: Int) -> PodVolumeInputs {
                var data = ["data": content(version)]
                data["only-\(version % 2)"] = "\(version)"
                return PodVolumeInputs(configMaps: ["big": configMap("big", data)])
            }
            let path = try #require(try await manager.setUp(pod: pod, podDirectory: podDirectory, inputs: inputs(0))["cfg"]?.hostPath)

            let done = Locked(false)
            let problems = Locked<[String]>([])
            let reads = Locked(0)
            let reader = Thread {
                while !done.value {
                    guard let text = try? String(contentsOfFile: path + "/data", encoding: .utf8) else {
                        problems.withLock { $0.append("data was missing") }
                        continue
                    }
                    let head = text.prefix { $0 != ":" }
                    let tail = text.split(separator: ":").last.map(String.init) ?? ""
                    if head != tail || text.count != 256 * 1024 + 2 * (head.count + 1) {
                        problems.withLock { $0.append("mixed or partial: \(head)…\(tail), \(text.count) characters") }
                    }
                    reads.withLock { $0 += 1 }
                }
            }
            reader.start()
            for version in 1...40 {
                let changed = try await manager.update(pod: pod, podDirectory: podDirectory, inputs: inputs(version))
                #expect(changed == ["cfg"])
            }
            done.withLock { $0 = true }
            while !reader.isFinished { try await Task.sleep(for: .milliseconds(5)) }
            #expect(problems.value.isEmpty, "\(problems.value.prefix(3))")
            #expect(reads.value > 0)

            #expect(NodeTest.read(path + "/data") == content(40))
            let entries = try FileManager.default.contentsOfDirectory(atPath: path).sorted()
            #expect(entries.filter { $0.hasPrefix("..2") }.count == 1, "old versions are removed")
            #expect(entries.contains("only-0") && !entries.contains("only-1"), "a removed key's symlink goes: \(entries)")
            try await manager.tearDown(podDirectory: podDirectory)
        }
    }

    @Test("downwardAPI and projected volumes: pod fields, limits with a divisor, and several sources in one directory")
    func downwardAndProjected() async throws {
        try await NodeTest.withPodDirectory { podDirectory in
            let manager = try NodeTest.manager()
            let fields = [
                DownwardAPIVolumeFile(path: "name", fieldRef: ObjectFieldSelector(apiVersion: "v1", fieldPath: "metadata.name")),
                DownwardAPIVolumeFile(path: "labels", fieldRef: ObjectFieldSelector(apiVersion: "v1", fieldPath: "metadata.labels")),
                DownwardAPIVolumeFile(path: "tier", fieldRef: ObjectFieldSelector(apiVersion: "v1", fieldPath: "metadata.labels['tier']")),
                DownwardAPIVolumeFile(path: "mem_limit", resourceFieldRef: ResourceFieldSelector(containerName: "app", resource: "limits.memory",
                                                                                                  divisor: try Quantity(parsing: "1Mi"))),
            ]
            var secret = Secret(metadata: ObjectMeta(name: "token", namespace: "default"))
            secret.setValue("token", Array("abc".utf8))
            let projected = ProjectedVolumeSource(sources: [
                VolumeProjection(configMap: ConfigMapProjection(name: "settings", items: [KeyToPath(key: "a", path: "settings/a")])),
                VolumeProjection(secret: SecretProjection(name: "token")),
                VolumeProjection(downwardAPI: DownwardAPIProjection(items: [fields[0]])),
            ])
            let container = Container(name: "app", resources: ResourceRequirements(limits: ["memory": try Quantity(parsing: "128Mi")]))
            let pod = NodeTest.pod("podinfo", volumes: [
                Volume(name: "info", source: VolumeSource(downwardAPI: DownwardAPIVolumeSource(items: fields))),
                Volume(name: "all-in-one", source: VolumeSource(projected: projected)),
            ], containers: [container], labels: ["tier": "front", "app": "say \"hi\""])
            let inputs = PodVolumeInputs(configMaps: ["settings": configMap("settings", ["a": "1"])], secrets: ["token": secret])
            let mounted = try await manager.setUp(pod: pod, podDirectory: podDirectory, inputs: inputs)

            let info = try #require(mounted["info"]?.hostPath)
            #expect(NodeTest.read(info + "/name") == "podinfo")
            #expect(NodeTest.read(info + "/labels") == "app=\"say \\\"hi\\\"\"\ntier=\"front\"")
            #expect(NodeTest.read(info + "/tier") == "front")
            #expect(NodeTest.read(info + "/mem_limit") == "128")

            let all = try #require(mounted["all-in-one"]?.hostPath)
            #expect(NodeTest.read(all + "/settings/a") == "1")
            #expect(NodeTest.read(all + "/token") == "abc")
            #expect(NodeTest.read(all + "/name") == "podinfo")
            #expect(NodeTest.mount(at: all)?.fileSystemType == "tmpfs", "projected secrets stay off the disk")

            try await manager.tearDown(podDirectory: podDirectory)
            #expect(NodeTest.mounts(under: podDirectory).isEmpty)
        }
    }
}
