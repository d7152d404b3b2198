import BallastAPI
import BallastClient
import BallastStorage
import BallastTesting
import Foundation
import Testing

/// The workload controllers as users meet them: the examples applied unchanged with the
/// real kubectl to a `ballast server` whose pods run on real `ballast node` agents (crun,
/// loop-backed LVM groups), so every replica counted here is a container that started.
@Suite(NodeTest.registry, .serialized)
struct WorkloadTests {
    static func example(_ name: String) -> String { BallastBinary.packageRoot + "/examples/" + name }

    @Test func aDeploymentScalesRollsOutANewImageAndUndoReusesItsOldReplicaSet() async throws {
        try await LVMCluster.with(sizes: [1 << 30, 1 << 30, 1 << 30]) { cluster in
            let kubectl = Kubectl(kubeconfig: cluster.kubeconfig)
            try await kubectl.callOK("apply", "-f", Self.example("deployment-nginx.yaml"))
            try await Self.rolledOut(kubectl, "deploy/nginx-deploy")
            #expect(await Self.running(cluster, app: "nginx", count: 2))

            for replicas in [3, 1] {
                try await kubectl.callOK("scale", "deploy/nginx-deploy", "--replicas=\(replicas)")
                try await Self.rolledOut(kubectl, "deploy/nginx-deploy")
                #expect(await Self.running(cluster, app: "nginx", count: replicas), "scaled to \(replicas)")
            }
            let original = try await Self.replicaSets(kubectl, app: "nginx")
            #expect(original.count == 1)

            try await kubectl.callOK("set", "image", "deploy/nginx-deploy", "nginx=nginx:alpine")
            try await Self.rolledOut(kubectl, "deploy/nginx-deploy")
            #expect(await Self.running(cluster, app: "nginx", count: 1, image: "nginx:alpine"))
            let both = try await Self.replicaSets(kubectl, app: "nginx")
            #expect(both.count == 2 && both.isSuperset(of: original))
            #expect(try await Self.revisions(kubectl, "deploy/nginx-deploy") == ["1", "2"])

            let undo = try await kubectl.call(["rollout", "undo", "deploy/nginx-deploy"])
            #expect(undo.succeeded && undo.stdout.contains("rolled back"), "\(undo)")
            try await Self.rolledOut(kubectl, "deploy/nginx-deploy")
            #expect(await Self.running(cluster, app: "nginx", count: 1, image: "nginx:latest"))
            #expect(try await Self.replicaSets(kubectl, app: "nginx") == both, "undo reuses the first ReplicaSet")
            #expect(try await Self.revisions(kubectl, "deploy/nginx-deploy") == ["2", "3"])

            // Foreground deletion: kubectl returns once the Deployment is gone, and it goes
            // only after its ReplicaSets and their pods.
            try await kubectl.callOK("delete", "deploy/nginx-deploy", "--cascade=foreground")
            #expect(try await Self.pods(cluster, app: "nginx").isEmpty)
            #expect(try await Self.replicaSets(kubectl, app: "nginx").isEmpty)
        }
    }

    @Test func aReplicaSetReplacesReleasesAndTrimsItsPodsAndOrphansThemOnRequest() async throws {
        try await LVMCluster.with(sizes: [1 << 30, 1 << 30]) { cluster in
            let kubectl = Kubectl(kubeconfig: cluster.kubeconfig)
            let app = "3-replicaset"
            try await kubectl.callOK("apply", "-f", Self.example("replicaset.yaml"))
            #expect(await Self.running(cluster, app: app, count: 3))
            let set = try await cluster.client.get(ReplicaSet.self, namespace: "default", name: app)

            let victim = try #require(try await Self.pods(cluster, app: app).first)
            try await kubectl.callOK("delete", "pod", victim.name, "--wait=false")
            #expect(await Self.running(cluster, app: app, count: 3))
            #expect(try await !Self.pods(cluster, app: app).contains { $0.name == victim.name }, "a new pod replaced \(victim.name)")

            // Two pods relabelled away are released (no owner) and replaced; they keep running.
            let moved = try await Self.pods(cluster, app: app).prefix(2).map(\.name)
            try await Self.succeeds(kubectl, ["label", "pod"] + moved + ["app=elsewhere", "--overwrite"])
            #expect(await Self.running(cluster, app: app, count: 3))
            #expect(await Self.running(cluster, app: "elsewhere", count: 2))
            #expect(await InProcessServer.eventually(timeout: 30) {
                ((try? await Self.pods(cluster, app: "elsewhere")) ?? []).allSatisfy { $0.metadata.ownerReferences?.isEmpty ?? true }
            }, "released pods lose their owner reference")

            // Relabelled back, they are adopted and the surplus of two is deleted.
            try await Self.succeeds(kubectl, ["label", "pod"] + moved + ["app=\(app)", "--overwrite"])
            #expect(await Self.running(cluster, app: app, count: 3))
            #expect(try await Self.pods(cluster, app: app).allSatisfy { $0.metadata.controllerReference?.uid == set.uid })
            #expect(try await cluster.client.get(ReplicaSet.self, namespace: "default", name: app).status?.replicas == 3)

            // --cascade=orphan: the set goes, its pods stay and keep running, owned by no one.
            let kept = try await Self.pods(cluster, app: app).map(\.name).sorted()
            try await kubectl.callOK("delete", "rs", app, "--cascade=orphan")
            try await Task.sleep(for: .seconds(3))
            let orphans = try await Self.pods(cluster, app: app)
            #expect(orphans.map(\.name).sorted() == kept)
            #expect(orphans.allSatisfy { ($0.metadata.ownerReferences ?? []).isEmpty && Self.isRunning($0) })

            // Deleting a namespace removes what is in it, running pods included.
            try await kubectl.callOK("apply", "-f", "-", input: "apiVersion: v1\nkind: Namespace\nmetadata: {name: scratch}\n")
            try await kubectl.callOK("apply", "-n", "scratch", "-f", Self.example("replicaset.yaml"))
            #expect(await Self.running(cluster, app: app, count: 3, namespace: "scratch"))
            let deleted = try await kubectl.call(["delete", "namespace", "scratch", "--timeout=120s"])
            #expect(deleted.succeeded, "\(deleted)")
            #expect(try await cluster.client.getIfPresent(Namespace.self, name: "scratch") == nil)
            #expect(try await cluster.client.list(Pod.self, namespace: "scratch").items.isEmpty)
        }
    }

    /// examples/statefulset-postgres.yaml, unchanged: two PostgreSQL replicas on local-lvm
    /// claims made from the template; a row outlives its pod, and scaling down keeps or
    /// removes the claim of the ordinal that goes as the retention policy says.
    @Test func postgresReplicasKeepTheirClaimsThroughRestartsAndScalingAsTheirPolicySays() async throws {
        try await LVMCluster.with(sizes: [2 << 30, 2 << 30, 2 << 30]) { cluster in
            let client = cluster.client
            let kubectl = Kubectl(kubeconfig: cluster.kubeconfig)
            try await kubectl.callOK("apply", "-f", Self.example("statefulset-postgres.yaml"))
            @Sendable func psql(_ pod: String, _ sql: String) async throws -> String {
                // Over TCP: the container's network, whatever root an exec lands in.
                try await kubectl.callOK("exec", pod, "--", "env", "PGPASSWORD=example", "psql", "-h", "127.0.0.1", "-U", "postgres", "-tAc", sql)
            }
            @Sendable func accepting(_ pod: String) async -> Bool {
                await InProcessServer.eventually(timeout: 180) { (try? await psql(pod, "select 1")) == "1\n" }
            }
            @Sendable func ready(_ pod: String, unlike uid: String? = nil) async throws -> Pod {
                try await cluster.waitForPod(pod) { $0.metadata.uid != uid && $0.status?.containerStatuses?.first?.ready == true }
            }
            for pod in ["pg-0", "pg-1"] { _ = try await ready(pod) }
            #expect(await accepting("pg-0"), "PostgreSQL answers in pg-0")
            _ = try await psql("pg-0", "create table kept (note text); insert into kept values ('written before the pod went')")
            let volumes = try await client.list(PersistentVolume.self).items
            #expect(volumes.count == 2 && volumes.allSatisfy { $0.spec?.csi?.driver == LVMProvisioner.csiDriver })

            let first = try await client.get(Pod.self, namespace: "default", name: "pg-0")
            try await kubectl.callOK("delete", "pod", "pg-0")
            let second = try await ready("pg-0", unlike: first.metadata.uid)
            #expect(second.spec?.nodeName == first.spec?.nodeName, "pg-0 returns to its volume's node")
            #expect(await accepting("pg-0"))
            #expect(try await psql("pg-0", "select note from kept") == "written before the pod went\n")

            // whenScaled Retain (the default): pg-1's claim waits for it, data and all.
            #expect(await accepting("pg-1"))
            _ = try await psql("pg-1", "create table mine (n int)")
            let claim = try await client.get(PersistentVolumeClaim.self, namespace: "default", name: "data-pg-1")
            try await kubectl.callOK("scale", "statefulset/pg", "--replicas=1")
            #expect(try await InProcessServer.eventually(timeout: 90) { try await client.getIfPresent(Pod.self, namespace: "default", name: "pg-1") == nil })
            #expect(try await client.get(PersistentVolumeClaim.self, namespace: "default", name: "data-pg-1").uid == claim.uid)
            try await kubectl.callOK("scale", "statefulset/pg", "--replicas=2")
            _ = try await ready("pg-1")
            #expect(await accepting("pg-1"))
            #expect(try await psql("pg-1", "select count(*) from pg_tables where tablename = 'mine'") == "1\n", "pg-1 came back to its data")

            // whenScaled Delete: the claim goes with the ordinal, and a returning pg-1 starts empty.
            try await kubectl.callOK("patch", "statefulset/pg", "--type=merge",
                                     "-p", #"{"spec": {"persistentVolumeClaimRetentionPolicy": {"whenScaled": "Delete"}}}"#)
            try await kubectl.callOK("scale", "statefulset/pg", "--replicas=1")
            #expect(try await InProcessServer.eventually(timeout: 120) {
                let claimGone = try await client.getIfPresent(PersistentVolumeClaim.self, namespace: "default", name: "data-pg-1") == nil
                let volumeGone = try await client.getIfPresent(PersistentVolume.self, name: "pvc-" + claim.uid) == nil
                return claimGone && volumeGone
            }, "pg-1's claim and its volume are deleted")
            try await kubectl.callOK("scale", "statefulset/pg", "--replicas=2")
            _ = try await ready("pg-1")
            let fresh = try await client.get(PersistentVolumeClaim.self, namespace: "default", name: "data-pg-1")
            #expect(fresh.uid != claim.uid)
            #expect(await accepting("pg-1"))
            #expect(try await psql("pg-1", "select count(*) from pg_tables where tablename = 'mine'") == "0\n")
        }
    }

    @Test func aDaemonSetRunsOnePodOnEveryNodeAndOnANodeThatJoins() async throws {
        try await LVMCluster.with(sizes: [1 << 30, 1 << 30, 1 << 30]) { cluster in
            let kubectl = Kubectl(kubeconfig: cluster.kubeconfig)
            try await kubectl.callOK("apply", "-f", Self.example("daemonset.yaml"))
            #expect(await Self.oneRunningPodPerNode(cluster, label: ("name", "node-exporter")))
            try cluster.join(size: 1 << 30)
            #expect(cluster.nodes.count == 4)
            #expect(await Self.oneRunningPodPerNode(cluster, label: ("name", "node-exporter")), "the fourth node gets its pod")
            #expect(await InProcessServer.eventually(timeout: 30) {
                let status = try? await cluster.client.get(DaemonSet.self, namespace: "default", name: "node-exporter").status
                return status?.desiredNumberScheduled == 4 && status?.numberReady == 4
            })
        }
    }

    /// Jobs and a CronJob on real containers. The server's CronJob clock runs 20 times fast:
    /// a minute every three seconds.
    @Test func jobsCompleteOrFailByExitCodesAndACronJobKeepsItsHistoryLimits() async throws {
        try await LVMCluster.with(sizes: [1 << 30, 1 << 30], serverOptions: ["--cron-clock-rate", "20"]) { cluster in
            let client = cluster.client
            let kubectl = Kubectl(kubeconfig: cluster.kubeconfig)
            try await kubectl.callOK("apply", "-f", Self.example("job-pi.yaml"))
            let job = try await client.get(Job.self, namespace: "default", name: "pi")
            let mostAtOnce = Locked(0)
            let sampler = Task {
                while !Task.isCancelled {
                    let active = ((try? await client.list(Pod.self, namespace: "default").items) ?? [])
                        .filter { $0.metadata.controllerReference?.uid == job.uid && !["Succeeded", "Failed"].contains($0.status?.phase ?? "") }
                    mostAtOnce.withLock { $0 = max($0, active.count) }
                    try? await Task.sleep(for: .milliseconds(100))
                }
            }
            let complete = try await kubectl.call(["wait", "--for=condition=complete", "job/pi", "--timeout=180s"], timeout: 200)
            sampler.cancel()
            #expect(complete.succeeded, "\(complete)")
            #expect(try await client.get(Job.self, namespace: "default", name: "pi").status?.succeeded == 5)
            #expect(mostAtOnce.value == 2, "parallelism 2: at most two pods at once, and two did run together")
            let output = try await kubectl.callOK("logs", "job/pi")
            #expect(output.hasPrefix("3.14159265358979323846"), "the pod computed pi: \(output)")

            try await kubectl.callOK("apply", "-f", "-", input: """
                apiVersion: batch/v1
                kind: Job
                metadata: {name: fails}
                spec:
                  backoffLimit: 1
                  template:
                    spec:
                      restartPolicy: Never
                      containers:
                      - {name: main, image: busybox, command: ["sh", "-c", "exit 1"]}
                """)
            let failed = try await kubectl.call(["wait", "--for=condition=failed", "job/fails", "--timeout=120s"], timeout: 140)
            #expect(failed.succeeded, "\(failed)")
            let status = try await client.get(Job.self, namespace: "default", name: "fails").status
            #expect(status?.failed == 2 && status?.succeeded ?? 0 == 0)
            #expect(status?.conditions?.contains { $0.type == "Failed" && $0.reason == "BackoffLimitExceeded" } == true)

            // cronjob.yaml: a Job each (fast) minute, the three newest successful ones kept.
            try await kubectl.callOK("apply", "-f", Self.example("cronjob.yaml"))
            let cron = try await client.get(CronJob.self, namespace: "default", name: "hello")
            let seen = Locked<Set<String>>([])
            let made = try await InProcessServer.eventually(timeout: 120) {
                let owned = try await client.list(Job.self, namespace: "default").items.filter { $0.metadata.controllerReference?.uid == cron.uid }
                seen.withLock { $0.formUnion(owned.map(\.name)) }
                return seen.value.count >= 6
            }
            #expect(made, "six jobs in six fast minutes; saw \(seen.value.sorted())")
            try await kubectl.callOK("patch", "cronjob/hello", "--type=merge", "-p", #"{"spec": {"suspend": true}}"#)
            #expect(try await InProcessServer.eventually(timeout: 60) {
                let owned = try await client.list(Job.self, namespace: "default").items.filter { $0.metadata.controllerReference?.uid == cron.uid }
                return owned.count <= 3 && owned.allSatisfy { $0.status?.conditions?.contains { $0.type == "Complete" } == true }
            }, "only the successfulJobsHistoryLimit (3) newest finished jobs are kept")
            #expect(try await client.get(CronJob.self, namespace: "default", name: "hello").status?.lastSuccessfulTime != nil)
            let kept = try #require(try await client.list(Job.self, namespace: "default").items.first { $0.metadata.controllerReference?.uid == cron.uid })
            #expect(try await kubectl.callOK("logs", "job/\(kept.name)").contains("Hello from the cluster"))
        }
    }

    /// One of three agents stops. Its Deployment pods are evicted once the node is
    /// unreachable for longer than they tolerate, and replaced on the others; a StatefulSet
    /// replica on an NFS claim comes back on another node with its data; the replica of a
    /// StatefulSet whose claim is on that node's local volume waits Pending, saying why, and
    /// returns to its data when the agent does.
    @Test(.enabled(if: NFSServer.isEnabled, "needs nfs-ganesha"))
    func aStoppedNodesPodsMoveUnlessALocalVolumeHoldsThemAndComeBackWithTheirData() async throws {
        let options = ["--node-monitor-grace-period", "16s", "--default-not-ready-toleration-seconds", "5",
                       "--default-unreachable-toleration-seconds", "5"]
        try await NFSServer.with { nfs in try await LVMCluster.with(sizes: [2 << 30, 2 << 30, 2 << 30], serverOptions: options) { cluster in
            let client = cluster.client
            let kubectl = Kubectl(kubeconfig: cluster.kubeconfig)
            try await kubectl.callOK("apply", "-f", "-", input: Self.keeper)
            // A 2 GiB group holds one 1 GiB volume: one keeper replica per node.
            for ordinal in 0..<3 { _ = try await cluster.waitForPod("keeper-\(ordinal)") { Self.isRunning($0) } }
            try await kubectl.callOK("apply", "-f", Self.example("deployment-nginx.yaml"))
            try await kubectl.callOK("scale", "deploy/nginx-deploy", "--replicas=6")
            #expect(await Self.running(cluster, app: "nginx", count: 6))

            let nginx = try await Self.pods(cluster, app: "nginx")
            let stopped = try #require(cluster.nodes.first { node in nginx.contains { $0.spec?.nodeName == node.name } })
            let keeper = try #require(try await client.list(Pod.self, namespace: "default").items.first {
                $0.name.hasPrefix("keeper-") && $0.spec?.nodeName == stopped.name
            })
            let keeperMarker = try await Self.marker(kubectl, keeper.name)
            let claim = try await client.get(PersistentVolumeClaim.self, namespace: "default", name: "data-" + keeper.name)

            // A replica on NFS, placed on the same node by cordoning the others for a moment.
            let others = cluster.nodes.map(\.name).filter { $0 != stopped.name }
            try await Self.succeeds(kubectl, ["cordon"] + others)
            try await kubectl.callOK("apply", "-f", "-", input: Self.roamer(nfs))
            let roamer = try await cluster.waitForPod("roamer-0") { Self.isRunning($0) }
            try await Self.succeeds(kubectl, ["uncordon"] + others)
            #expect(roamer.spec?.nodeName == stopped.name)
            let roamerMarker = try await Self.marker(kubectl, "roamer-0")
            let volumeCount = try await client.list(PersistentVolume.self).items.count

            cluster.stopAgent(stopped)
            #expect(try await InProcessServer.eventually(timeout: 90) {
                let node = try await client.get(Node.self, name: stopped.name)
                return node.spec?.taints?.contains { $0.key == "node.kubernetes.io/unreachable" && $0.effect == "NoExecute" } == true
            }, "the silent node is tainted unreachable")
            #expect(try await InProcessServer.eventually(timeout: 90) {
                let pods = try await Self.pods(cluster, app: "nginx")
                return pods.count == 6 && pods.allSatisfy { Self.isRunning($0) && $0.spec?.nodeName != stopped.name }
            }, "the Deployment's pods run on the other nodes")
            let moved = try await cluster.waitForPod("roamer-0") { $0.uid != roamer.uid && Self.isRunning($0) }
            #expect(moved.spec?.nodeName != stopped.name)
            #expect(try await Self.marker(kubectl, "roamer-0") == roamerMarker, "the NFS replica found its data elsewhere")

            // The keeper replica is recreated but stays Pending: its volume is on the stopped
            // node, and it never gets a new, empty one.
            #expect(try await InProcessServer.eventually(timeout: 90) {
                let pod = try await client.getIfPresent(Pod.self, namespace: "default", name: keeper.name)
                return pod.map { $0.uid != keeper.uid && $0.spec?.nodeName == nil } ?? false
            }, "\(keeper.name) is recreated and not placed")
            var reason = ""
            #expect(try await InProcessServer.eventually(timeout: 60) {
                let events = try await client.list(Event.self, namespace: "default").items
                reason = events.last { $0.involvedObject?.name == keeper.name && $0.reason == "FailedScheduling" }?.message ?? ""
                return reason.contains("volume node affinity")
            }, "a FailedScheduling event says why: \(reason)")
            #expect(try await client.get(PersistentVolumeClaim.self, namespace: "default", name: claim.name).spec?.volumeName == claim.spec?.volumeName)
            #expect(try await client.list(PersistentVolume.self).items.count == volumeCount)
            #expect(try await client.get(Pod.self, namespace: "default", name: keeper.name).status?.phase == "Pending")

            try cluster.startAgent(stopped)
            let back = try await cluster.waitForPod(keeper.name) { Self.isRunning($0) }
            #expect(back.spec?.nodeName == stopped.name)
            #expect(try await Self.marker(kubectl, keeper.name) == keeperMarker, "the local replica found its data again")
        } }
    }

    /// A StatefulSet of one busybox replica with a claim on `nfs`'s export.
    static func roamer(_ nfs: NFSServer) -> String {
        nfs.storageClassManifest + """
        ---
        apiVersion: apps/v1
        kind: StatefulSet
        metadata: {name: roamer}
        spec:
          serviceName: roamer
          replicas: 1
          selector: {matchLabels: {app: roamer}}
          template:
            metadata: {labels: {app: roamer}}
            spec:
              terminationGracePeriodSeconds: 1
              containers:
              - {name: main, image: busybox, command: ["sh", "-c", \(Self.keepsMarker)], volumeMounts: [{name: data, mountPath: /data}]}
          volumeClaimTemplates:
          - metadata: {name: data}
            spec:
              accessModes: ["ReadWriteMany"]
              storageClassName: nfs
              resources: {requests: {storage: 1Gi}}
        """
    }

    /// A container command that writes a random marker to its volume the first time, prints
    /// the marker at every start, and waits. The log tells whether a pod found its old data
    /// (no `kubectl exec`: in the fresh-machine chroot, exec runs in the host's root).
    static let keepsMarker = #""[ -f /data/marker ] || cat /proc/sys/kernel/random/uuid > /data/marker; cat /data/marker; exec sleep 3600""#

    /// The marker a pod of `keepsMarker` printed.
    static func marker(_ kubectl: Kubectl, _ pod: String) async throws -> String {
        var marker = ""
        let printed = await InProcessServer.eventually(timeout: 30) {
            marker = ((try? await kubectl.callOK("logs", pod)) ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            return marker.count == 36
        }
        try #require(printed, "\(pod) printed its marker: \(marker)")
        return marker
    }

    /// A StatefulSet of three busybox replicas, each with a 1 GiB local-lvm claim.
    static let keeper = """
        apiVersion: apps/v1
        kind: StatefulSet
        metadata: {name: keeper}
        spec:
          serviceName: keeper
          replicas: 3
          podManagementPolicy: Parallel
          selector: {matchLabels: {app: keeper}}
          template:
            metadata: {labels: {app: keeper}}
            spec:
              terminationGracePeriodSeconds: 1
              containers:
              - name: main
                image: busybox
                command: ["sh", "-c", \(keepsMarker)]
                volumeMounts: [{name: data, mountPath: /data}]
          volumeClaimTemplates:
          - metadata: {name: data}
            spec:
              accessModes: ["ReadWriteOnce"]
              storageClassName: local-lvm
              resources: {requests: {storage: 1Gi}}
        """

    // MARK: - Helpers

    static func isRunning(_ pod: Pod) -> Bool {
        pod.metadata.deletionTimestamp == nil && pod.status?.phase == "Running"
            && (pod.status?.containerStatuses ?? []).allSatisfy { $0.ready == true } && !(pod.status?.containerStatuses ?? []).isEmpty
    }

    /// The pods labelled app=`app` that are not being deleted.
    static func pods(_ cluster: LVMCluster, app: String, namespace: String = "default") async throws -> [Pod] {
        try await cluster.client.list(Pod.self, namespace: namespace, labelSelector: "app=\(app)").items.filter { $0.metadata.deletionTimestamp == nil }
    }

    /// Whether exactly `count` pods labelled app=`app` come to run with ready containers (of
    /// `image`, if given) and no other such pod is left.
    static func running(_ cluster: LVMCluster, app: String, count: Int, image: String? = nil, namespace: String = "default") async -> Bool {
        await InProcessServer.eventually(timeout: 180) {
            guard let all = try? await cluster.client.list(Pod.self, namespace: namespace, labelSelector: "app=\(app)").items else { return false }
            return all.count == count && all.allSatisfy { pod in
                isRunning(pod) && (image == nil || pod.spec?.containers?.first?.image == image)
            }
        }
    }

    static func oneRunningPodPerNode(_ cluster: LVMCluster, label: (key: String, value: String)) async -> Bool {
        await InProcessServer.eventually(timeout: 180) {
            guard let pods = try? await cluster.client.list(Pod.self, namespace: "default", labelSelector: "\(label.key)=\(label.value)").items else {
                return false
            }
            let nodes = pods.compactMap { $0.spec?.nodeName }
            return pods.allSatisfy(isRunning) && nodes.count == cluster.nodes.count && Set(nodes) == Set(cluster.nodes.map(\.name))
        }
    }

    static func rolledOut(_ kubectl: Kubectl, _ target: String) async throws {
        let result = try await kubectl.call(["rollout", "status", target, "--timeout=180s"], timeout: 200)
        try #require(result.succeeded && result.stdout.contains("successfully rolled out"), "\(result)")
    }

    static func succeeds(_ kubectl: Kubectl, _ arguments: [String]) async throws {
        let result = try await kubectl.call(arguments)
        try #require(result.succeeded, "kubectl \(arguments.joined(separator: " ")): \(result)")
    }

    static func replicaSets(_ kubectl: Kubectl, app: String) async throws -> Set<String> {
        Set(try await kubectl.callOK("get", "rs", "-l", "app=\(app)", "-o", "name").split(separator: "\n").map(String.init))
    }

    /// The revision numbers `kubectl rollout history` lists.
    static func revisions(_ kubectl: Kubectl, _ target: String) async throws -> [String] {
        try await kubectl.callOK("rollout", "history", target).split(separator: "\n")
            .compactMap { $0.split(separator: " ").first.map(String.init) }.filter { Int($0) != nil }
    }
}
