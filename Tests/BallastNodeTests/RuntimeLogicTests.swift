import BallastAPI
@testable import BallastNode
import Foundation
import Testing

/// The pure parts of the runtime: variable expansion, the OCI config, CRI log rendering.
struct RuntimeLogicTests {
    @Test(arguments: [
        ("$(A) and $(B)", "one and two"),
        ("$$(A) is escaped", "$(A) is escaped"),
        ("$(MISSING) stays", "$(MISSING) stays"),
        ("no references", "no references"),
        ("$(A", "$(A"),
        ("cost $5", "cost $5"),
    ])
    func variableReferencesExpandAsKubernetesDoes(_ example: (String, String)) {
        #expect(ContainerEnvironment.expand(example.0, with: ["A": "one", "B": "two"]) == example.1)
    }

    @Test func environmentLayersImageThenEnvFromThenEnvWithReferencesToEarlierEntries() throws {
        let pod = try JSONDecoder().decode(Pod.self, from: Data("""
        {"metadata": {"name": "p", "namespace": "ns", "uid": "u1", "labels": {"app": "web"}},
         "spec": {"containers": [{"name": "c",
           "envFrom": [{"configMapRef": {"name": "settings"}, "prefix": "CFG_"}],
           "env": [{"name": "PATH", "value": "/custom"}, {"name": "GREETING", "value": "hello $(CFG_WHO)"},
                   {"name": "POD", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}},
                   {"name": "APP", "valueFrom": {"fieldRef": {"fieldPath": "metadata.labels['app']"}}},
                   {"name": "PASSWORD", "valueFrom": {"secretKeyRef": {"name": "creds", "key": "password"}}}]}]}}
        """.utf8))
        let container = try #require(pod.spec?.containers?.first)
        let settings = ConfigMap(metadata: ObjectMeta(name: "settings"), data: ["WHO": "world"])
        let creds = Secret(metadata: ObjectMeta(name: "creds"), data: ["password": Data("s3cret".utf8).base64EncodedString()])
        let variables = try ContainerEnvironment.resolve(container: container, pod: pod, imageEnvironment: ["PATH=/usr/bin", "LANG=C"],
                                                         configMaps: ["settings": settings], secrets: ["creds": creds], nodeName: "n1")
        let values = Dictionary(variables, uniquingKeysWith: { $1 })
        #expect(values["PATH"] == "/custom")
        #expect(values["LANG"] == "C")
        #expect(values["CFG_WHO"] == "world")
        #expect(values["GREETING"] == "hello world")
        #expect(values["POD"] == "p")
        #expect(values["APP"] == "web")
        #expect(values["PASSWORD"] == "s3cret")
        #expect(values["HOSTNAME"] == "p")
        #expect(variables.first?.0 == "PATH", "image variables keep their place")
    }

    @Test func missingRequiredConfigMapKeyIsAConfigError() throws {
        let pod = try JSONDecoder().decode(Pod.self, from: Data("""
        {"metadata": {"name": "p"}, "spec": {"containers": [{"name": "c",
          "env": [{"name": "X", "valueFrom": {"configMapKeyRef": {"name": "absent", "key": "k"}}}]}]}}
        """.utf8))
        let container = try #require(pod.spec?.containers?.first)
        #expect(throws: ContainerEnvironment.Failure.self) {
            _ = try ContainerEnvironment.resolve(container: container, pod: pod, imageEnvironment: [], configMaps: [:], secrets: [:], nodeName: "n")
        }
    }

    @Test func ociConfigJoinsThePodNamespacesAndBindsVolumes() throws {
        let sandbox = PodSandboxPaths(podDirectory: "/pods/u1", hostNetwork: false)
        let plan = ContainerLaunchPlan(
            rootfs: "/pods/u1/containers/c/0/rootfs", arguments: ["redis-server"], environment: ["A=1"], workingDirectory: "/data",
            uid: 100, gid: 101, additionalGids: [2000], hostname: "redis-0", sandbox: sandbox,
            binds: [BindMount(hostPath: "/pods/u1/volumes/x/data", containerPath: "/data", readOnly: true)],
            terminationLogPath: nil, terminationMessagePath: "/dev/termination-log", cgroupsPath: "/ballast/n1/podu1/c",
            resources: ResourceRequirements(limits: ["memory": try Quantity(parsing: "64Mi"), "cpu": try Quantity(parsing: "500m")]),
            securityContext: SecurityContext(capabilities: Capabilities(add: ["NET_ADMIN"], drop: ["MKNOD"])), readOnlyRootFilesystem: false)
        let spec = OCISpecBuilder.spec(for: plan)
        #expect(spec.linux.namespaces.contains(OCISpec.Namespace(type: "network", path: "/pods/u1/sandbox/net")))
        #expect(spec.linux.namespaces.contains(OCISpec.Namespace(type: "ipc", path: "/pods/u1/sandbox/ipc")))
        #expect(spec.linux.namespaces.contains(OCISpec.Namespace(type: "uts", path: "/pods/u1/sandbox/uts")))
        #expect(spec.linux.namespaces.contains(OCISpec.Namespace(type: "pid")))
        #expect(spec.linux.rootfsPropagation == "rslave")
        let data = try #require(spec.mounts.first { $0.destination == "/data" })
        #expect(data.options == ["rbind", "ro", "nosuid", "nodev", "rslave"])
        #expect(spec.linux.resources?.memory?.limit == 64 << 20)
        #expect(spec.linux.resources?.cpu?.quota == 50_000)
        #expect(spec.linux.resources?.cpu?.period == 100_000)
        #expect(spec.process.user == OCISpec.User(uid: 100, gid: 101, additionalGids: [2000]))
        let capabilities = spec.process.capabilities?.bounding ?? []
        #expect(capabilities.contains("CAP_NET_ADMIN"))
        #expect(!capabilities.contains("CAP_MKNOD"))
        #expect(!capabilities.contains("CAP_SYS_ADMIN"))
        #expect((spec.process.rlimits?.first?.hard ?? 0) <= OCISpecBuilder.hardFileLimit())
    }

    @Test func hostNetworkPodsJoinNoNetworkNamespace() {
        let sandbox = PodSandboxPaths(podDirectory: "/pods/u2", hostNetwork: true)
        #expect(sandbox.network == nil)
    }

    @Test func criLogLinesRenderAsKubectlShowsThem() {
        let log = """
        2026-11-23T07:34:23.927092541+00:00 stdout F line1
        2026-11-23T07:34:23.927092541+00:00 stdout P part
        2026-11-23T07:34:23.927158761+00:00 stdout F ial
        2026-11-23T07:34:23.927158761+00:00 stderr F err1
        2026-11-23T07:34:23.927158761+00:00 stdout F 

        """
        #expect(ContainerLogReader.render(Array(log.utf8), timestamps: false) == Array("line1\npartial\nerr1\n\n".utf8))
        let stamped = String(decoding: ContainerLogReader.render(Array(log.utf8), timestamps: true), as: UTF8.self)
        #expect(stamped.hasPrefix("2026-11-23T07:34:23.927092541+00:00 line1\n"))
    }
}
