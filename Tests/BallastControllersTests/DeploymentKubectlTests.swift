import BallastAPI
import BallastClient
import BallastTesting
import Foundation
import Testing

/// The real kubectl against a `ballast server` process, whose control plane runs the
/// workload controllers; a pod status driver in the test plays the node agent of one fake
/// node. `rollout status|history|undo`, `set image` and `scale` as users type them.
@Suite(.serialized) struct DeploymentKubectlTests {
    private static let manifest = """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: nginx-deploy
          labels: {app: nginx}
        spec:
          replicas: 2
          selector:
            matchLabels: {app: nginx}
          template:
            metadata:
              labels: {app: nginx}
            spec:
              nodeName: node-a
              containers:
              - name: nginx
                image: nginx:latest
                ports:
                - containerPort: 80
        """

    /// The revisions `kubectl rollout history` lists, with their change causes.
    private func history(_ kubectl: Kubectl) throws -> [String: String] {
        var revisions: [String: String] = [:]
        for line in try kubectl.ok("rollout", "history", "deploy/nginx-deploy").split(separator: "\n") {
            let fields = line.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
            guard let first = fields.first, Int(first) != nil else { continue }
            revisions[String(first)] = fields.count > 1 ? fields[1].trimmingCharacters(in: .whitespaces) : ""
        }
        return revisions
    }

    private func replicaSets(_ kubectl: Kubectl) throws -> [String] {
        try kubectl.ok("get", "rs", "-l", "app=nginx", "-o", "name").split(separator: "\n").map(String.init).sorted()
    }

    private func rolloutStatus(_ kubectl: Kubectl) throws -> CommandResult {
        try kubectl.run(["rollout", "status", "deploy/nginx-deploy", "--timeout=120s"], timeout: 150)
    }

    @Test func rolloutStatusHistoryUndoAndScale() async throws {
        let server = try ServerProcess()
        let kubectl = Kubectl(kubeconfig: server.kubeconfig)
        let client = KubeClient(transport: try KubeconfigFile.load(path: server.kubeconfig).transport(), fieldManager: "test")
        _ = try await client.create(FakeNodes.node("node-a"))
        let driver = PodStatusDriver(client: client, nodes: ["node-a"], decide: { _ in .runReady })
        let running = RunningControllers([{ await driver.run() }])
        defer {
            running.stop()
            // SIGKILL, not SIGTERM: a graceful stop waits minutes for the watch requests the
            // driver's informer leaves open to time out. Nothing here depends on a clean stop.
            server.kill()
        }

        try kubectl.ok("apply", "-f", "-", input: Self.manifest)
        let first = try rolloutStatus(kubectl)
        #expect(first.succeeded && first.stdout.contains("deployment \"nginx-deploy\" successfully rolled out"), "\(first)")
        #expect(try kubectl.ok("get", "deploy", "nginx-deploy").contains("nginx-deploy   2/2     2            2"))

        try kubectl.ok("set", "image", "deploy/nginx-deploy", "nginx=nginx:1.27")
        try kubectl.ok("annotate", "deploy/nginx-deploy", "kubernetes.io/change-cause=nginx 1.27")
        let second = try rolloutStatus(kubectl)
        #expect(second.succeeded, "\(second)")
        let sets = try replicaSets(kubectl)
        #expect(sets.count == 2)
        #expect(try history(kubectl) == ["1": "<none>", "2": "nginx 1.27"])
        // The old pods may still be terminating (graceful deletion) when the rollout is done.
        #expect(try Kubectl.eventually(timeout: 60) {
            try kubectl.ok("get", "pods", "-l", "app=nginx", "-o", "jsonpath={.items[*].spec.containers[0].image}") == "nginx:1.27 nginx:1.27"
        })

        let undo = try kubectl.run(["rollout", "undo", "deploy/nginx-deploy"])
        #expect(undo.succeeded && undo.stdout.contains("rolled back"), "\(undo)")
        let third = try rolloutStatus(kubectl)
        #expect(third.succeeded, "\(third)")
        // The first ReplicaSet is back as revision 3; no third ReplicaSet was made.
        #expect(try replicaSets(kubectl) == sets)
        #expect(try history(kubectl).keys.sorted() == ["2", "3"])
        #expect(try Kubectl.eventually(timeout: 60) {
            try kubectl.ok("get", "pods", "-l", "app=nginx", "-o", "jsonpath={.items[*].spec.containers[0].image}") == "nginx:latest nginx:latest"
        })

        let back = try kubectl.run(["rollout", "undo", "deploy/nginx-deploy", "--to-revision=2"])
        #expect(back.succeeded, "\(back)")
        #expect(try rolloutStatus(kubectl).succeeded)
        #expect(try replicaSets(kubectl) == sets)
        #expect(try history(kubectl).keys.sorted() == ["3", "4"])

        try kubectl.ok("scale", "deploy/nginx-deploy", "--replicas=3")
        #expect(try rolloutStatus(kubectl).succeeded)
        #expect(try kubectl.ok("get", "deploy", "nginx-deploy", "-o", "jsonpath={.status.readyReplicas}") == "3")
        #expect(try replicaSets(kubectl) == sets)

        // Scaling down removes Pods; no rollout, no new ReplicaSet.
        try kubectl.ok("scale", "deploy/nginx-deploy", "--replicas=1")
        #expect(try rolloutStatus(kubectl).succeeded)
        #expect(try Kubectl.eventually(timeout: 60) {
            try kubectl.ok("get", "pods", "-l", "app=nginx", "-o", "name").split(separator: "\n").count == 1
        })
        #expect(try replicaSets(kubectl) == sets)

        // A paused deployment takes template changes without rolling them out.
        try kubectl.ok("rollout", "pause", "deploy/nginx-deploy")
        try kubectl.ok("set", "image", "deploy/nginx-deploy", "nginx=nginx:alpine")
        #expect(try kubectl.ok("get", "deploy", "nginx-deploy", "-o", "jsonpath={.spec.paused}") == "true")
        #expect(try replicaSets(kubectl) == sets)
        try kubectl.ok("rollout", "resume", "deploy/nginx-deploy")
        #expect(try rolloutStatus(kubectl).succeeded)
        #expect(try replicaSets(kubectl).count == 3)
        #expect(try Kubectl.eventually(timeout: 60) {
            try kubectl.ok("get", "pods", "-l", "app=nginx", "-o", "jsonpath={.items[*].spec.containers[0].image}") == "nginx:alpine"
        })
    }
}
