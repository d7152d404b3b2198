import BallastAPI
import BallastTesting
import Foundation
import Glibc
import Testing

/// The pod examples users apply (examples/, unchanged), on a `ballast server` with its
/// scheduler and one real agent, applied with kubectl and checked from inside the
/// containers: through each container's own root (/proc/PID/root), which is what its
/// programs see (kubectl exec has tests of its own in NodeAgentExecTests).
@Suite(NodeTest.registry, .serialized)
struct ExampleManifestTests {
    static func example(_ name: String) -> String { BallastBinary.packageRoot + "/examples/" + name }

    /// Applies an example and waits until its pod is Ready.
    static func run(_ kubectl: Kubectl, _ name: String, pod: String) async throws {
        try await kubectl.callOK("apply", "-f", example(name))
        let ready = try await kubectl.call(["wait", "--for=condition=Ready", "pod/\(pod)", "--timeout=180s"], timeout: 200)
        #expect(ready.succeeded, "\(ready)")
    }

    /// `path` inside a running container of `pod`.
    static func inside(_ node: NodeFixture, _ pod: String, _ container: String, _ path: String) async throws -> String {
        "/proc/\(try await node.containerProcess(pod: pod, container: container))/root" + path
    }

    @Test func sharedEmptyDirCarriesAFileBetweenContainersAndThroughARestartAndGoesWithThePod() async throws {
        try await NodeFixture.withControlPlane { node in
            let (_, agent) = try node.startAgent()
            defer { agent.cancel() }
            let kubectl = Kubectl(kubeconfig: node.kubeconfig)
            try await Self.run(kubectl, "pod-shared-emptydir.yaml", pod: "shared-volumes")
            try NodeTest.write(try await Self.inside(node, "shared-volumes", "redis", "/data/shared/greeting"), "hello\n")
            #expect(NodeTest.read(try await Self.inside(node, "shared-volumes", "nginx", "/data/shared/greeting")) == "hello\n")

            // The nginx container stops and is started again; the volume outlives it.
            kill(try await node.containerProcess(pod: "shared-volumes", container: "nginx"), SIGTERM)
            #expect(try await InProcessServer.eventually(timeout: 120) {
                let restarts = try await kubectl.callOK("get", "pod", "shared-volumes", "-o",
                                              "jsonpath={.status.containerStatuses[?(@.name==\"nginx\")].restartCount}")
                guard (Int(restarts) ?? 0) >= 1, let path = try? await Self.inside(node, "shared-volumes", "nginx", "/data/shared/greeting")
                else { return false }
                return NodeTest.read(path) == "hello\n"
            })

            let uid = try await kubectl.callOK("get", "pod", "shared-volumes", "-o", "jsonpath={.metadata.uid}")
            let onNode = node.root + "/pods/\(uid)/volumes/kubernetes.io~empty-dir/shared-storage"
            #expect(FileManager.default.fileExists(atPath: onNode + "/greeting"))
            try await kubectl.callOK("delete", "pod", "shared-volumes")
            #expect(!FileManager.default.fileExists(atPath: onNode), "the emptyDir outlived its pod")
        }
    }

    @Test func memoryEmptyDirIsATmpfsThatStopsTheWriterAt64MiB() async throws {
        try await NodeFixture.withControlPlane { node in
            let (_, agent) = try node.startAgent()
            defer { agent.cancel() }
            let kubectl = Kubectl(kubeconfig: node.kubeconfig)
            try await Self.run(kubectl, "pod-memory-emptydir.yaml", pod: "scratch-in-memory")
            let pid = try await node.containerProcess(pod: "scratch-in-memory", container: "worker")
            let mounts = NodeTest.read("/proc/\(pid)/mounts") ?? ""
            #expect(mounts.split(separator: "\n").contains { $0.hasPrefix("tmpfs /scratch tmpfs") }, "\(mounts)")
            #expect(try await InProcessServer.eventually(timeout: 60) {
                try await kubectl.callOK("logs", "scratch-in-memory").contains("No space left on device")
            })
            let size = try FileManager.default.attributesOfItem(atPath: "/proc/\(pid)/root/scratch/fill")[.size] as? Int
            #expect(size == 64 << 20, "\(String(describing: size))")
        }
    }

    @Test func hostPathShowsTheNodesTmpInside() async throws {
        try await NodeFixture.withControlPlane { node in
            let (_, agent) = try node.startAgent()
            defer { agent.cancel() }
            let marker = "ballast-hostpath-\(UUID().uuidString.prefix(8))"
            try "made on the node\n".write(toFile: "/tmp/" + marker, atomically: true, encoding: .utf8)
            defer { try? FileManager.default.removeItem(atPath: "/tmp/" + marker) }
            let kubectl = Kubectl(kubeconfig: node.kubeconfig)
            try await Self.run(kubectl, "pod-hostpath.yaml", pod: "hostpath")
            #expect(NodeTest.read(try await Self.inside(node, "hostpath", "redis", "/data/shared/" + marker)) == "made on the node\n")
        }
    }

    @Test func gitRepoVolumeServesTheRepositoryAtItsRevision() async throws {
        // The example names 127.0.0.1:9418.
        try await GitServer.with(port: 9418) { git in
            _ = try git.commit(["index.html": "<h1>from git</h1>\n"], message: "site")
            try await NodeFixture.withControlPlane { node in
                let (_, agent) = try node.startAgent()
                defer { agent.cancel() }
                let kubectl = Kubectl(kubeconfig: node.kubeconfig)
                try await Self.run(kubectl, "pod-gitrepo.yaml", pod: "gitrepo-volume-pod")
                let page = try await Self.inside(node, "gitrepo-volume-pod", "web-server", "/usr/share/nginx/html/index.html")
                #expect(NodeTest.read(page) == "<h1>from git</h1>\n")
                // Mounted read-only: not even root on the node writes through the container's view.
                let descriptor = open(page, O_WRONLY)
                let error = errno
                if descriptor >= 0 { close(descriptor) }
                #expect(descriptor < 0 && error == EROFS, "opened for writing: \(descriptor), errno \(error)")
            }
        }
    }
}
