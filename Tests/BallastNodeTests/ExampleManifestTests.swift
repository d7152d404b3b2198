import BallastAPI
import BallastTesting
import Foundation
import Testing

/// The pod examples users apply (examples/, unchanged), on a `ballast server` with its
/// scheduler and one real agent, checked through kubectl as users check them.
@Suite(NodeTest.registry, .serialized)
struct ExampleManifestTests {
    static func example(_ name: String) -> String { BallastBinary.packageRoot + "/examples/" + name }

    /// Applies an example and waits until its pod is Ready.
    static func run(_ kubectl: Kubectl, _ name: String, pod: String) async throws {
        try await kubectl.callOK("apply", "-f", example(name))
        let ready = try await kubectl.call(["wait", "--for=condition=Ready", "pod/\(pod)", "--timeout=180s"], timeout: 200)
        #expect(ready.succeeded, "\(ready)")
    }

    @Test func sharedEmptyDirCarriesAFileBetweenContainersAndThroughARestartAndGoesWithThePod() async throws {
        try await NodeFixture.withControlPlane { node in
            let (_, agent) = try node.startAgent()
            defer { agent.cancel() }
            let kubectl = Kubectl(kubeconfig: node.kubeconfig)
            try await Self.run(kubectl, "pod-shared-emptydir.yaml", pod: "shared-volumes")
            try await kubectl.callOK("exec", "shared-volumes", "-c", "redis", "--", "sh", "-c", "echo hello > /data/shared/greeting")
            #expect(try await kubectl.callOK("exec", "shared-volumes", "-c", "nginx", "--", "cat", "/data/shared/greeting") == "hello\n")

            // The nginx container stops and is started again; the volume outlives it.
            _ = try await kubectl.call(["exec", "shared-volumes", "-c", "nginx", "--", "sh", "-c", "kill 1"])
            #expect(try await InProcessServer.eventually(timeout: 120) {
                let restarts = try await kubectl.callOK("get", "pod", "shared-volumes", "-o",
                                              "jsonpath={.status.containerStatuses[?(@.name==\"nginx\")].restartCount}")
                guard (Int(restarts) ?? 0) >= 1 else { return false }
                return try await kubectl.call(["exec", "shared-volumes", "-c", "nginx", "--", "cat", "/data/shared/greeting"]).stdout == "hello\n"
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
            let mount = try await kubectl.callOK("exec", "scratch-in-memory", "--", "sh", "-c", "grep ' /scratch ' /proc/mounts")
            #expect(mount.hasPrefix("tmpfs /scratch tmpfs"), "\(mount)")
            #expect(try await InProcessServer.eventually(timeout: 60) {
                try await kubectl.callOK("logs", "scratch-in-memory").contains("No space left on device")
            })
            let size = try await kubectl.callOK("exec", "scratch-in-memory", "--", "sh", "-c", "ls -l /scratch/fill | awk '{print $5}'")
            #expect(Int(size.trimmingCharacters(in: .whitespacesAndNewlines)) == 64 << 20, "\(size)")
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
            #expect(try await kubectl.callOK("exec", "hostpath", "--", "cat", "/data/shared/" + marker) == "made on the node\n")
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
                #expect(try await kubectl.callOK("exec", "gitrepo-volume-pod", "--", "cat", "/usr/share/nginx/html/index.html") == "<h1>from git</h1>\n")
                let write = try await kubectl.call(["exec", "gitrepo-volume-pod", "--", "sh", "-c", "echo x > /usr/share/nginx/html/index.html"])
                #expect(!write.succeeded && write.stderr.contains("Read-only file system"), "\(write)")
            }
        }
    }
}
