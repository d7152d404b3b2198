import BallastAPI
import BallastClient
import BallastMetrics
@testable import BallastNode
import BallastServer
import BallastStorage
import BallastTesting
import Foundation
import Glibc
import Testing

/// The metrics users scrape, from real processes: a `ballast server` and a `ballast node`
/// with a loop-backed volume group, real lvm, real crun, scraped with real kubectl.
@Suite(NodeTest.registry, .serialized)
struct VolumeMetricsTests {
    @Test func volumeStatisticsMatchDfWithinOneBlockAndTheServerCountsRequestsAndBindings() async throws {
        try await LVMCluster.with(sizes: [1 << 30]) { cluster in
            let client = cluster.client
            let claim = try await client.create(LVMCluster.claim("stats", size: "256Mi"))
            _ = try await client.create(LVMCluster.pod("filler", claim: "stats",
                                                       command: "dd if=/dev/zero of=/data/fill bs=1M count=20 && sync && touch /data/done && sleep 3600"))
            let pod = try await cluster.waitForPod("filler") { $0.status?.containerStatuses?.first?.ready == true }
            let node = try #require(cluster.nodes.first { $0.name == pod.spec?.nodeName })
            let mount = VolumeKind.blockDevice.directory(for: "data", podDirectory: NodePaths(root: node.root).pod(pod.metadata.uid ?? ""))
            #expect(await InProcessServer.eventually(timeout: 60) { FileManager.default.fileExists(atPath: mount + "/done") },
                    "the pod wrote 20 MiB into the claim")

            // The agent's metrics, through the API server's node proxy.
            let kubectl = Kubectl(kubeconfig: cluster.kubeconfig)
            let series = "{namespace=\"default\",persistentvolumeclaim=\"stats\"}"
            var agent: [String: Double] = [:]
            let published = await InProcessServer.eventually(timeout: 60) {
                let text = (try? await kubectl.callOK("get", "--raw", "/api/v1/nodes/\(node.name)/proxy/metrics")) ?? ""
                agent = Self.samples(text)
                return agent["kubelet_volume_stats_used_bytes" + series].map { $0 >= 20 * 1_048_576 } ?? false
            }
            try #require(published, "the agent reports the claim with its 20 MiB: \(agent.keys.filter { $0.hasPrefix("kubelet_") })")

            // ... against df and statvfs on the node, just after.
            let bytes = try Self.df(["-B1", "--output=size,used,avail", mount])
            let inodes = try Self.df(["--output=itotal,iused,iavail", mount])
            var info = statvfs()
            try #require(statvfs(mount, &info) == 0)
            let block = Double(info.f_frsize)
            let figures: [(metric: String, df: Double)] = [
                ("kubelet_volume_stats_capacity_bytes", bytes[0]), ("kubelet_volume_stats_used_bytes", bytes[1]),
                ("kubelet_volume_stats_available_bytes", bytes[2]), ("kubelet_volume_stats_inodes", inodes[0]),
                ("kubelet_volume_stats_inodes_used", inodes[1]), ("kubelet_volume_stats_inodes_free", inodes[2]),
            ]
            for (metric, expected) in figures {
                let value = try #require(agent[metric + series], "\(metric) is exported")
                let tolerance = metric.hasSuffix("_bytes") ? block : 1
                print("\(metric): metric \(Self.text(value)), df \(Self.text(expected)), block \(Self.text(block))")
                #expect(abs(value - expected) <= tolerance, "\(metric) is \(Self.text(value)); df says \(Self.text(expected))")
            }
            #expect(agent["kubelet_volume_stats_inodes" + series] == inodes[0], "the inode count of a filesystem does not change")
            #expect((agent["ballast_volume_provisioning_duration_seconds_count{provisioner=\"\(LVMProvisioner.name)\"}"] ?? 0) >= 1,
                    "the agent measured its provisioning")

            // The server's own: the request that created the claim, and the claim's binding.
            let server = Self.samples(try await kubectl.callOK("get", "--raw", "/metrics"))
            let created = "apiserver_request_total{verb=\"POST\",group=\"\",version=\"v1\",resource=\"persistentvolumeclaims\",subresource=\"\","
                + "scope=\"resource\",component=\"apiserver\",code=\"201\"}"
            #expect((server[created] ?? 0) >= 1, "the server counted the claim's creation")
            #expect(server.keys.contains { $0.hasPrefix("apiserver_request_duration_seconds_bucket{verb=\"LIST\"") })
            let bindings = server["ballast_volume_binding_duration_seconds_count{storageclass=\"local-lvm\"}"] ?? 0
            #expect(bindings >= 1, "the binder measured the binding of \(claim.name)")
            let bound = try await client.get(PersistentVolumeClaim.self, namespace: "default", name: "stats")
            #expect(bound.phase == PersistentVolumeClaimPhase.bound)
            print("binding: count \(Self.text(bindings)), sum \(Self.text(server["ballast_volume_binding_duration_seconds_sum{storageclass=\"local-lvm\"}"] ?? -1)) s")

            // The node proxy is for admins: a node's own credentials read its Node, not its proxy.
            let nodeToken = TokenAuthenticator.newToken()
            let tokens = ServerConfiguration(dataDir: (cluster.kubeconfig as NSString).deletingLastPathComponent).tokensPath
            try TokenAuthenticator.append(.init(token: nodeToken, user: UserInfo(name: "system:node:" + node.name, groups: ["system:nodes"])),
                                          to: tokens)
            let asNode = { (path: String) async throws -> CommandResult in try await kubectl.call(["get", "--raw", path, "--token", nodeToken]) }
            #expect(try await asNode("/api/v1/nodes/\(node.name)").succeeded, "the node's token authenticates")
            let refused = try await asNode("/api/v1/nodes/\(node.name)/proxy/metrics")
            #expect(!refused.succeeded && refused.stderr.contains("Forbidden"), "\(refused)")

            try await client.delete(Pod.self, namespace: "default", name: "filler")
            #expect(await InProcessServer.eventually(timeout: 60) {
                let text = (try? await kubectl.callOK("get", "--raw", "/api/v1/nodes/\(node.name)/proxy/metrics")) ?? series
                return !text.contains(series)
            }, "a claim no pod on the node mounts is not reported")
        }
    }

    /// Sample lines of the text format by "name{labels}".
    static func samples(_ text: String) -> [String: Double] {
        var out: [String: Double] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            guard let space = line.lastIndex(of: " ") else { continue }
            let value = line[line.index(after: space)...]
            out[String(line[..<space])] = value == "+Inf" ? .infinity : Double(value)
        }
        return out
    }

    /// The three numbers df prints under its header.
    static func df(_ arguments: [String]) throws -> [Double] {
        let result = try CommandRunner.run("df", arguments)
        guard result.succeeded, let line = result.stdout.split(separator: "\n").dropFirst().first else {
            throw TestEnvironmentError("df \(arguments.joined(separator: " ")) failed: \(result)")
        }
        let numbers = line.split(separator: " ").compactMap { Double($0) }
        guard numbers.count == 3 else { throw TestEnvironmentError("df printed \(line)") }
        return numbers
    }

    static func text(_ value: Double) -> String { value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : "\(value)" }
}

/// What the agent's volume statistics list, with the filesystem reading injected.
struct VolumeStatsCollectorTests {
    static let usage = FilesystemUsage(totalBytes: 1000, availableBytes: 700, usedBytes: 250, totalInodes: 64, freeInodes: 60)

    @Test func aClaimTwoPodsMountIsReportedOnceAndGoesWithTheLastPod() {
        let collector = VolumeStatsCollector { $0.hasPrefix("/mnt/") ? Self.usage : nil }
        collector.update(pod: "a", mounts: [.init(namespace: "db", claim: "data", path: "/mnt/a")])
        collector.update(pod: "b", mounts: [.init(namespace: "db", claim: "data", path: "/mnt/b"),
                                            .init(namespace: "db", claim: "raw", path: "/dev/raw")])
        let families = collector.collect()
        #expect(families.map(\.name) == collector.familyNames)
        let used = families.first { $0.name == "kubelet_volume_stats_used_bytes" }
        #expect(used?.samples == [MetricSample(labels: [MetricLabel("namespace", "db"), MetricLabel("persistentvolumeclaim", "data")], value: 250)],
                "one series per claim; a path that cannot be read (a raw block device) is left out")
        let text = PrometheusText.render(families)
        #expect(text.contains("kubelet_volume_stats_inodes_used{namespace=\"db\",persistentvolumeclaim=\"data\"} 4\n"))
        #expect(text.contains("# TYPE kubelet_volume_stats_capacity_bytes gauge\n"))

        collector.remove(pod: "a")
        #expect(collector.collect().allSatisfy { $0.samples.count == 1 })
        collector.update(pod: "b", mounts: [])
        #expect(collector.collect().allSatisfy { $0.samples.isEmpty })
    }
}
