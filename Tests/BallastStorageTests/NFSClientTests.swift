import BallastStorage
import BallastTesting
import Foundation
import Testing

/// The libnfs wrapper against a real nfs-ganesha, over NFSv3 and NFSv4.
@Suite(.enabled(if: NFSServer.isEnabled))
struct NFSClientTests {
    @Test(arguments: [NFSVersion.v3, .v4])
    func filesAndDirectoriesRoundTrip(_ version: NFSVersion) async throws {
        try await NFSServer.with { server in
            let client = try await NFSTest.client(server, version: version)
            try await client.mkdir("/dir", mode: 0o750)
            try await client.mkdir("/dir/sub", mode: 0o700)
            try await client.writeFile("/dir/.hidden", Array("hello".utf8))
            try await client.symlink("/dir/link", target: "sub")

            #expect(try await client.readFile("/dir/.hidden") == Array("hello".utf8))
            #expect(try await client.readDirectory("/dir").sorted() == [".hidden", "link", "sub"])
            #expect(try await client.lstat("/dir").type == .directory)
            #expect(try await client.lstat("/dir").permissions == 0o750)
            #expect(try await client.lstat("/dir/link").type == .symlink)
            #expect(try await client.stat("/dir/link").type == .directory)
            #expect(try await client.readlink("/dir/link") == "sub")
            #expect(NFSTest.hostStatus(server.hostPath("/dir/sub"))?.permissions == 0o700)

            try await client.rename("/dir/.hidden", to: "/dir/shown")
            #expect(try await client.lstatIfExists("/dir/.hidden") == nil)
            #expect(try await client.lstat("/dir/shown").size == 5)
            #expect(try await client.statvfs().totalBytes > 0)
            await client.close()
        }
    }

    @Test func chmodAndChownOverNFSv3() async throws {
        try await NFSServer.with { server in
            let client = try await NFSTest.client(server)
            try await client.mkdir("/owned", mode: 0o700)
            try await client.chmod("/owned", mode: 0o2775)
            try await client.chown("/owned", uid: 1000, gid: 1001)
            let status = try await client.lstat("/owned")
            #expect(status.permissions == 0o2775 && status.uid == 1000 && status.gid == 1001)
            let host = NFSTest.hostStatus(server.hostPath("/owned"))
            #expect(host?.permissions == 0o2775 && host?.uid == 1000 && host?.gid == 1001)
        }
    }

    @Test(arguments: [NFSVersion.v3, .v4])
    func errorsAreTyped(_ version: NFSVersion) async throws {
        try await NFSServer.with { server in
            let client = try await NFSTest.client(server, version: version)
            try await client.mkdir("/full", mode: 0o755)
            try await client.writeFile("/full/file", [1])
            await #expect { try await client.lstat("/missing/file") } throws: { error in
                let error = try #require(error as? NFSError)
                return error.isNotFound && error.operation == "lstat" && error.path == "/missing/file" && !error.isUnavailable
            }
            await #expect { try await client.mkdir("/full", mode: 0o755) } throws: { ($0 as? NFSError)?.isExists == true }
            await #expect { try await client.rmdir("/full") } throws: { ($0 as? NFSError)?.isNotEmpty == true }
            await #expect { try await client.writeFile("/full/file", [2], exclusive: true) } throws: { ($0 as? NFSError)?.isExists == true }
        }
    }

    @Test func removeTreeNeverFollowsSymlinks() async throws {
        try await NFSServer.with { server in
            // A directory beside the tree, and one outside the export on the host.
            try NFSTest.write(server.hostPath("/keep/file"))
            let outside = server.exportPath + "-outside"
            try NFSTest.write(outside + "/file")
            defer { try? FileManager.default.removeItem(atPath: outside) }
            try NFSTest.write(server.hostPath("/tree/a/b/.deep"))
            try FileManager.default.createSymbolicLink(atPath: server.hostPath("/tree/a/up"), withDestinationPath: "../../keep")
            try FileManager.default.createSymbolicLink(atPath: server.hostPath("/tree/out"), withDestinationPath: outside)
            try FileManager.default.createSymbolicLink(atPath: server.hostPath("/tree/dangling"), withDestinationPath: "nowhere")

            let client = try await NFSTest.client(server)
            try await client.removeTree("/tree")
            try await client.removeTree("/tree")  // gone already: success

            #expect(NFSTest.hostEntries(server.exportPath) == ["keep"])
            #expect(NFSTest.hostEntries(server.hostPath("/keep")) == ["file"])
            #expect(NFSTest.hostEntries(outside) == ["file"])
        }
    }

    @Test(arguments: [NFSVersion.v3, .v4])
    func deadAndHungServersAreUnavailable(_ version: NFSVersion) async throws {
        try await NFSServer.with { server in
            let client = try await NFSTest.client(server, version: version, timeout: .seconds(1))
            try server.pause()
            defer { server.resume() }
            await #expect { try await client.lstat("/") } throws: { ($0 as? NFSError)?.isUnavailable == true }
            await #expect { try await NFSTest.client(server, version: version, timeout: .seconds(1)) } throws: {
                ($0 as? NFSError)?.isUnavailable == true
            }
            server.resume()
            try server.stop()
            await #expect { try await NFSTest.client(server, version: version, timeout: .seconds(1)) } throws: { error in
                let error = try #require(error as? NFSError)
                return error.isUnavailable && error.operation == "mount"
            }
        }
    }
}
