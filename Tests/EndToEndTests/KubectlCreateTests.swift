import BallastAPI
import BallastClient
import BallastTesting
import Foundation
import Testing

/// kubectl 1.32's typed-client writes: `kubectl create <generator>` and `kubectl drain`
/// send protobuf bodies (`application/vnd.kubernetes.protobuf`), which the server reads
/// into the same JSON its other paths take. Each object is read back as JSON.
@Suite(.serialized) struct KubectlCreateTests {
    let cluster: Cluster
    var kubectl: Kubectl { cluster.kubectl }

    init() throws {
        cluster = try Cluster()
    }

    @Test func namespaceConfigMapAndSecret() throws {
        try kubectl.ok("create", "namespace", "team-b")
        let namespace = try cluster.json("get", "namespace", "team-b")
        #expect(namespace.string("metadata.name") == "team-b")
        #expect(namespace.string("status.phase") == "Active")

        try kubectl.ok("create", "configmap", "settings", "-n", "team-b", "--from-literal=a=b", "--from-literal=level=debug")
        let literal = try cluster.json("get", "configmap", "settings", "-n", "team-b")
        #expect(literal.at("data") == ["a": "b", "level": "debug"])
        #expect(literal.string("metadata.namespace") == "team-b")

        let directory = TemporaryDirectory.make(prefix: "create-from-file")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try "listen 80;\n".write(toFile: directory + "/app.conf", atomically: true, encoding: .utf8)
        try Data([0x00, 0xFF, 0x10, 0x80]).write(to: URL(fileURLWithPath: directory + "/blob.bin"))
        try kubectl.ok("create", "configmap", "files", "--from-file=\(directory)/app.conf", "--from-file=\(directory)/blob.bin")
        let files = try cluster.json("get", "configmap", "files")
        #expect(files.at("data")?["app.conf"] == "listen 80;\n")
        #expect(files.at("binaryData")?["blob.bin"] == "AP8QgA==")

        try kubectl.ok("create", "secret", "generic", "login", "--from-literal=user=admin", "--from-literal=password=hunter2")
        let secret = try cluster.json("get", "secret", "login")
        #expect(secret.string("type") == "Opaque")
        #expect(secret.string("data.password").flatMap { Data(base64Encoded: $0) } == Data("hunter2".utf8))
        #expect(secret.string("data.user").flatMap { Data(base64Encoded: $0) } == Data("admin".utf8))

        let again = try kubectl.run(["create", "namespace", "team-b"])
        #expect(!again.succeeded && again.stderr.contains("AlreadyExists"), "\(again)")
    }

    @Test func deploymentAndService() throws {
        try kubectl.ok("create", "deployment", "web", "--image=nginx", "--replicas=2", "--port=80")
        let deployment = try cluster.json("get", "deployment", "web")
        #expect(deployment.at("spec.replicas")?.intValue == 2)
        #expect(deployment.string("spec.selector.matchLabels.app") == "web")
        #expect(deployment.string("spec.template.metadata.labels.app") == "web")
        #expect(deployment.string("spec.template.spec.containers.0.name") == "nginx")
        #expect(deployment.string("spec.template.spec.containers.0.image") == "nginx")
        #expect(deployment.at("spec.template.spec.containers.0.ports.0.containerPort")?.intValue == 80)
        #expect(deployment.string("spec.strategy.type") == "RollingUpdate", "defaults applied after decoding")

        // replicas is a pointer in Go: an explicit 0 arrives and is kept.
        try kubectl.ok("create", "deployment", "idle", "--image=busybox", "--replicas=0")
        #expect(try cluster.json("get", "deployment", "idle").at("spec.replicas")?.intValue == 0)

        try kubectl.ok("create", "service", "clusterip", "web", "--tcp=80:8080")
        let service = try cluster.json("get", "service", "web")
        #expect(service.string("spec.type") == "ClusterIP")
        #expect(service.at("spec.ports.0.port")?.intValue == 80)
        #expect(service.at("spec.ports.0.targetPort")?.intValue == 8080)
        #expect(service.string("spec.ports.0.protocol") == "TCP")
        #expect(service.string("spec.ports.0.name") == "80-8080")
        #expect(service.string("spec.selector.app") == "web")
    }

    @Test func otherGeneratorsAndServerDryRun() throws {
        try kubectl.ok("create", "secret", "docker-registry", "pull", "--docker-server=registry.example",
                       "--docker-username=u", "--docker-password=p")
        let pull = try cluster.json("get", "secret", "pull")
        #expect(pull.string("type") == "kubernetes.io/dockerconfigjson")
        let config = pull.at("data")?[".dockerconfigjson"]?.stringValue.flatMap { Data(base64Encoded: $0) }
        #expect(config.map { String(decoding: $0, as: UTF8.self).contains("registry.example") } == true)

        try kubectl.ok("create", "service", "nodeport", "edge", "--tcp=80:8080", "--node-port=30080")
        let edge = try cluster.json("get", "service", "edge")
        #expect(edge.string("spec.type") == "NodePort")
        #expect(edge.at("spec.ports.0.nodePort")?.intValue == 30080)
        try kubectl.ok("create", "service", "externalname", "alias", "--external-name=db.example.com")
        let alias = try cluster.json("get", "service", "alias")
        #expect(alias.string("spec.type") == "ExternalName")
        #expect(alias.string("spec.externalName") == "db.example.com")

        try kubectl.ok("create", "deployment", "pair", "--image=nginx", "--image=busybox")
        let pair = try cluster.json("get", "deployment", "pair")
        #expect(pair.at("spec.template.spec.containers")?.arrayValue?.compactMap { $0["image"]?.stringValue } == ["nginx", "busybox"])

        let dryRun = try kubectl.ok("create", "configmap", "ghost", "--from-literal=a=b", "--dry-run=server", "-o", "name")
        #expect(dryRun == "configmap/ghost\n")
        #expect(!(try kubectl.run(["get", "configmap", "ghost"])).succeeded)
    }

    @Test func jobAndCronJob() throws {
        try kubectl.ok("create", "job", "once", "--image=busybox", "--", "sh", "-c", "echo hi")
        let job = try cluster.json("get", "job", "once")
        #expect(job.at("spec.template.spec.containers.0.command") == ["sh", "-c", "echo hi"])
        #expect(job.string("spec.template.spec.containers.0.image") == "busybox")
        #expect(job.string("spec.template.spec.restartPolicy") == "Never")

        try kubectl.ok("create", "cronjob", "tick", "--image=busybox", "--schedule=*/1 * * * *", "--", "date")
        let cronJob = try cluster.json("get", "cronjob", "tick")
        #expect(cronJob.string("spec.schedule") == "*/1 * * * *")
        #expect(cronJob.at("spec.jobTemplate.spec.template.spec.containers.0.command") == ["date"])
        #expect(cronJob.string("spec.jobTemplate.spec.template.spec.restartPolicy") == "OnFailure")

        // A Job made from the CronJob carries an owner reference and an annotation.
        try kubectl.ok("create", "job", "tick-now", "--from=cronjob/tick")
        let manual = try cluster.json("get", "job", "tick-now")
        #expect(manual.string("metadata.ownerReferences.0.kind") == "CronJob")
        #expect(manual.string("metadata.ownerReferences.0.name") == "tick")
        #expect(manual.at("metadata.ownerReferences.0.controller") == true)
        #expect(manual.at("metadata.annotations")?["cronjob.kubernetes.io/instantiate"] == "manual")
        #expect(manual.at("spec.template.spec.containers.0.command") == ["date"])
    }

    @Test func drainEvictsAndDeletesThePodsOfANode() throws {
        try kubectl.ok("apply", "-f", "-", input: """
            apiVersion: v1
            kind: Node
            metadata: {name: drain-node, labels: {kubernetes.io/hostname: drain-node}}
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: evicted, namespace: default, labels: {drain: first}}
            spec:
              nodeName: drain-node
              containers: [{name: c, image: busybox, command: [sleep, "3600"]}]
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: deleted, namespace: default, labels: {drain: second}}
            spec:
              nodeName: drain-node
              containers: [{name: c, image: busybox, command: [sleep, "3600"]}]
            """)
        // Eviction (pods/eviction, a protobuf Eviction) for the first pod.
        let drained = try kubectl.run(["drain", "drain-node", "--force", "--grace-period=0", "--timeout=60s",
                                       "--pod-selector=drain=first"])
        #expect(drained.succeeded, "\(drained)")
        #expect((drained.stdout + drained.stderr).contains("pod/evicted evicted"), "\(drained)")
        #expect(try cluster.json("get", "node", "drain-node").at("spec.unschedulable") == true)
        #expect(!(try kubectl.run(["get", "pod", "evicted"])).succeeded)
        #expect(try kubectl.run(["get", "pod", "deleted"]).succeeded)

        // Without eviction: DELETE with protobuf DeleteOptions.
        let deleted = try kubectl.run(["drain", "drain-node", "--force", "--grace-period=0", "--timeout=60s", "--disable-eviction"])
        #expect(deleted.succeeded, "\(deleted)")
        #expect((deleted.stdout + deleted.stderr).contains("pod/deleted deleted"), "\(deleted)")
        let gone = try kubectl.run(["get", "pod", "deleted"])
        #expect(!gone.succeeded && gone.stderr.contains("NotFound"))
    }

    @Test func evictionOfAMissingPodIsNotFound() async throws {
        let transport = try KubeconfigFile.load(path: cluster.server.kubeconfig).transport()
        let body = #"{"apiVersion":"policy/v1","kind":"Eviction","metadata":{"name":"nope","namespace":"default"}}"#
        let response = try await transport.send(ClientRequest(method: "POST", path: "/api/v1/namespaces/default/pods/nope/eviction",
                                                              headers: [("Content-Type", "application/json")], body: Array(body.utf8)))
        #expect(response.status == 404)
        #expect(try JSONValue.parse(response.body).string("message") == "pods \"nope\" not found")
    }

    @Test func responsesAreJSONWhenTheClientPrefersProtobuf() throws {
        let config = try KubeconfigFile.load(path: cluster.server.kubeconfig)
        let directory = TemporaryDirectory.make(prefix: "accept-protobuf")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try (config.caPEM ?? "").write(toFile: directory + "/ca.pem", atomically: true, encoding: .utf8)
        let result = try CommandRunner.run("curl", [
            "-sS", "-D", "-", "--cacert", directory + "/ca.pem", "-H", "Authorization: Bearer \(config.token ?? "")",
            "-H", "Accept: application/vnd.kubernetes.protobuf, application/json", config.server + "/api/v1/namespaces/default",
        ])
        #expect(result.succeeded, "\(result)")
        let lines = result.stdout.split(separator: "\r\n")
        #expect(lines.contains { $0.lowercased() == "content-type: application/json" }, "\(result.stdout)")
        #expect(result.stdout.contains(#""kind":"Namespace""#))
    }
}
