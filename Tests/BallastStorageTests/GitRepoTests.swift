import BallastAPI
import BallastStorage
import BallastTesting
import Foundation
import Testing

@Suite("gitRepo volumes cloned from a git server on 127.0.0.1", NodeTest.enabled())
struct GitRepoTests {
    private func pod(_ source: GitRepoVolumeSource) -> Pod {
        NodeTest.pod(volumes: [Volume(name: "html", source: VolumeSource(gitRepo: source))])
    }

    @Test("the repository is cloned at the revision asked for, into the directory asked for, writable by any container user")
    func cloneAtRevision() async throws {
        try await GitServer.with { server in
            let first = try server.commit(["index.html": "<h1>v1</h1>\n"], message: "v1")
            try server.commit(["index.html": "<h1>v2</h1>\n", "about.html": "about\n"], message: "v2")
            let manager = try NodeTest.manager()
            try await NodeTest.withPodDirectory { podDirectory in
                // directory "." puts the checkout at the volume's root (pod-gitrepo.yaml).
                let pod = pod(GitRepoVolumeSource(repository: server.url(), revision: first, directory: "."))
                let volume = try #require(try await manager.setUp(pod: pod, podDirectory: podDirectory, inputs: PodVolumeInputs())["html"])
                #expect(volume.hostPath == podDirectory + "/volumes/kubernetes.io~git-repo/html")
                #expect(volume.kind == .gitRepo && !volume.readOnly)
                #expect(NodeTest.read(volume.hostPath + "/index.html") == "<h1>v1</h1>\n")
                #expect(!FileManager.default.fileExists(atPath: volume.hostPath + "/about.html"))
                #expect(NodeTest.status(volume.hostPath)?.mode == 0o777)

                // Set-up again (a container restart, an agent restart) keeps the clone and
                // what containers changed in it: it is never cloned twice.
                try NodeTest.write("edited", to: volume.hostPath + "/index.html")
                _ = try await manager.setUp(pod: pod, podDirectory: podDirectory, inputs: PodVolumeInputs())
                #expect(NodeTest.read(volume.hostPath + "/index.html") == "edited")

                try await manager.tearDown(podDirectory: podDirectory)
                #expect(!FileManager.default.fileExists(atPath: podDirectory + "/volumes"))
                #expect(!FileManager.default.fileExists(atPath: podDirectory + "/plugins"))
            }
            try await NodeTest.withPodDirectory { podDirectory in
                // No directory: the clone is a subdirectory named after the repository, at HEAD.
                let pod = pod(GitRepoVolumeSource(repository: server.url()))
                let volume = try #require(try await manager.setUp(pod: pod, podDirectory: podDirectory, inputs: PodVolumeInputs())["html"])
                #expect(NodeTest.read(volume.hostPath + "/website/index.html") == "<h1>v2</h1>\n")
                try await manager.tearDown(podDirectory: podDirectory)
            }
        }
    }

    @Test("a clone a crash interrupted (no ready marker) is made again from scratch")
    func interruptedClone() async throws {
        try await GitServer.with { server in
            try server.commit(["index.html": "ok\n"])
            let manager = try NodeTest.manager()
            try await NodeTest.withPodDirectory { podDirectory in
                let directory = VolumeKind.gitRepo.directory(for: "html", podDirectory: podDirectory)
                try FileManager.default.createDirectory(atPath: directory + "/website/.git", withIntermediateDirectories: true)
                try NodeTest.write("half", to: directory + "/website/partial")
                let pod = pod(GitRepoVolumeSource(repository: server.url()))
                _ = try await manager.setUp(pod: pod, podDirectory: podDirectory, inputs: PodVolumeInputs())
                #expect(NodeTest.read(directory + "/website/index.html") == "ok\n")
                #expect(!FileManager.default.fileExists(atPath: directory + "/website/partial"))
                try await manager.tearDown(podDirectory: podDirectory)
            }
        }
    }

    @Test("what git would read as an option, a directory outside the volume, a missing revision and a file:// URL are refused",
          arguments: [
              (GitRepoVolumeSource(repository: "URL", revision: "--upload-pack=touch /tmp/pwned"), "must not start with '-'", false),
              (GitRepoVolumeSource(repository: "URL", directory: "../escape"), "must not contain '..'", false),
              (GitRepoVolumeSource(repository: "URL", directory: "/etc"), "must be a relative path", false),
              (GitRepoVolumeSource(repository: "URL", revision: "0123456789abcdef0123456789abcdef01234567"), "failed to exec 'git checkout", true),
              (GitRepoVolumeSource(repository: "file:///etc"), "failed to exec 'git clone", true),
          ])
    func refused(source: GitRepoVolumeSource, message: String, retryable: Bool) async throws {
        try await GitServer.with { server in
            try server.commit(["index.html": "ok\n"])
            var source = source
            source.repository = source.repository.replacingOccurrences(of: "URL", with: server.url())
            let manager = try NodeTest.manager()
            try await NodeTest.withPodDirectory { podDirectory in
                let error = await #expect(throws: PodVolumeError.self) {
                    _ = try await manager.setUp(pod: pod(source), podDirectory: podDirectory, inputs: PodVolumeInputs())
                }
                #expect(error?.eventMessages.first?.contains(message) == true, "\(error?.eventMessages ?? [])")
                #expect(error?.isRetryable == retryable)
                #expect(!FileManager.default.fileExists(atPath: "/tmp/pwned"))
                try await manager.tearDown(podDirectory: podDirectory)
                #expect(!FileManager.default.fileExists(atPath: podDirectory + "/volumes"))
            }
        }
    }
}
