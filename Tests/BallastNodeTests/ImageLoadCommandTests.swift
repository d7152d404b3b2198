import BallastAPI
@testable import BallastNode
import BallastTesting
import Foundation
import Testing

/// `ballast image load`: an archive saved from a registry becomes an image the agent runs
/// without reaching any registry.
@Suite(NodeTest.registry)
struct ImageLoadCommandTests {
    @Test func anOCIArchiveIsLoadedUnderItsNameAndRunsWithoutARegistry() async throws {
        try await NodeFixture.with { node in
            let archive = node.root + "-busybox.tar"
            defer { try? FileManager.default.removeItem(atPath: archive) }
            let skopeo = try NodeTest.which("skopeo")
            let (saved, savedOutput) = try await Blocking.run {
                try SpawnedCommand.run([skopeo, "copy", "--quiet", "--src-tls-verify=false",
                                        "docker://\(node.registry.address)/library/busybox:latest",
                                        "oci-archive:\(archive):docker.io/library/busybox:1.36"], timeout: 120)
            }
            #expect(saved == 0, "\(savedOutput)")

            let binary = try BallastBinary.path
            let (status, output) = try await Blocking.run {
                try SpawnedCommand.run([binary, "image", "load", "--root", node.root, archive], timeout: 120)
            }
            #expect(status == 0, "\(output)")
            #expect(output.contains("Loaded image: docker.io/library/busybox:1.36"), "\(output)")

            // An agent with no mirror and no way to Docker Hub: only the loaded image can run.
            let agent = try NodeAgent(client: node.client, configuration: NodeAgentConfiguration(nodeName: node.name, root: node.root))
            let task = Task { await agent.run() }
            defer { task.cancel() }
            try await node.createPod("""
            {"metadata": {"name": "offline"}, "spec": {"restartPolicy": "Never",
              "containers": [{"name": "main", "image": "busybox:1.36", "command": ["sh", "-c", "echo loaded"]}]}}
            """)
            let pod = try await node.waitForPod("offline") { $0.status?.phase == "Succeeded" || $0.status?.phase == "Failed" }
            #expect(pod.status?.phase == "Succeeded", "\(String(describing: pod.status))")
        }
    }
}
