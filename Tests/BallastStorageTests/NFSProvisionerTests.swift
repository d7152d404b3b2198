import BallastStorage
import BallastTesting
import Foundation
import Testing

/// ballast.io/nfs against a real nfs-ganesha: directories made, found again, deleted,
/// archived, kept and scrubbed, seen both through libnfs and on the host's export.
@Suite(.enabled(if: NFSServer.isEnabled))
struct NFSProvisionerTests {
    let provisioner = NFSProvisioner(timeout: .seconds(5))

    struct ModeCase: CustomTestStringConvertible, Sendable {
        var name: String
        var parameters: [String: String]
        var mountOptions: [String] = []
        var permissions: UInt32
        var uid: UInt32 = 0
        var gid: UInt32 = 0
        var testDescription: String { name }
    }

    static let modeCases: [ModeCase] = [
        ModeCase(name: "upstream default 0777, NFSv3", parameters: [:], permissions: 0o777),
        ModeCase(name: "mode and owner, NFSv3", parameters: ["mode": "2770", "uid": "1000", "gid": "1001"], permissions: 0o2770, uid: 1000, gid: 1001),
        ModeCase(name: "mode over NFSv4", parameters: ["mode": "0750"], mountOptions: ["nfsvers=4"], permissions: 0o750),
    ]

    @Test(arguments: modeCases)
    func provisionMakesTheDirectoryWithModeAndOwner(_ row: ModeCase) async throws {
        try await NFSServer.with { server in
            var options = row.mountOptions
            if options.contains("nfsvers=4") { options += ["port=\(server.port)"] } else { options += server.mountOptions }
            var request = NFSTest.request(server, parameters: row.parameters, capacity: 5 << 30)
            request.mountOptions = options
            let record = try await provisioner.provision(request)

            let expectedPath = server.exportPath + "/default-data-pvc-1"
            #expect(record.name == "pvc-1")
            #expect(record.source == .nfs(server: "127.0.0.1", path: expectedPath))
            #expect(record.capacity == 5 << 30)
            #expect(record.attributes[NFSVolumeAttributes.shareKey] == server.exportPath)
            #expect(record.attributes[NFSVolumeAttributes.pathKey] == "default-data-pvc-1")
            #expect(record.attributes[NFSVolumeAttributes.onDeleteKey] == "delete")
            #expect(record.attributes[NFSVolumeAttributes.mountOptionsKey] == options.joined(separator: ","))

            let host = try #require(NFSTest.hostStatus(expectedPath))
            #expect(host.isDirectory && host.permissions == row.permissions && host.uid == row.uid && host.gid == row.gid)
            let client = try await NFSTest.client(server)
            let remote = try await client.lstat("/default-data-pvc-1")
            #expect(remote.type == .directory && remote.permissions == row.permissions && remote.uid == row.uid && remote.gid == row.gid)
        }
    }

    @Test func ownerOverNFSv4IsRefusedWithTheReason() async throws {
        try await NFSServer.with { server in
            var request = NFSTest.request(server, parameters: ["uid": "1000"])
            request.mountOptions = ["nfsvers=4", "port=\(server.port)"]
            await #expect { try await provisioner.provision(request) } throws: { error in
                let error = try #require(error as? VolumeError)
                return error.kind == .failed && error.message.contains("libnfs 4.0 cannot change a directory's mode or owner over NFSv4")
            }
            // A retry over NFSv3 finishes the directory the first attempt made.
            _ = try await provisioner.provision(NFSTest.request(server, parameters: ["uid": "1000"]))
            #expect(NFSTest.hostStatus(server.hostPath("/default-data-pvc-1"))?.uid == 1000)
        }
    }

    @Test func provisioningTwiceGivesOneDirectory() async throws {
        try await NFSServer.with { server in
            let request = NFSTest.request(server, parameters: ["mode": "0775"])
            let first = try await provisioner.provision(request)
            try NFSTest.write(server.hostPath("/default-data-pvc-1/kept"))
            let second = try await provisioner.provision(request)
            #expect(first == second)
            #expect(NFSTest.hostEntries(server.exportPath) == ["default-data-pvc-1"])
            #expect(NFSTest.hostEntries(server.hostPath("/default-data-pvc-1")) == ["kept"])
        }
    }

    @Test func retryFinishesAVolumeLeftHalfMade() async throws {
        try await NFSServer.with { server in
            // As if an earlier attempt stopped after mkdir, before chmod and chown.
            try FileManager.default.createDirectory(atPath: server.hostPath("/default-data-pvc-1"), withIntermediateDirectories: false,
                                                    attributes: [.posixPermissions: 0o700])
            _ = try await provisioner.provision(NFSTest.request(server, parameters: ["mode": "0770", "uid": "1000", "gid": "1000"]))
            let host = try #require(NFSTest.hostStatus(server.hostPath("/default-data-pvc-1")))
            #expect(host.permissions == 0o770 && host.uid == 1000 && host.gid == 1000)
        }
    }

    @Test func pathPatternWithLabelsAndAnnotationsMakesParents() async throws {
        try await NFSServer.with { server in
            let claim = NFSTest.claim("shop", "db", labels: ["team": "blue"], annotations: ["example.com/tier": "web"])
            let parameters = ["pathPattern": "${.PVC.labels.team}/${.PVC.annotations.example.com/tier}/${.PVC.namespace}-${.PVC.name}", "mode": "0750"]
            let record = try await provisioner.provision(NFSTest.request(server, claim: claim, parameters: parameters))
            #expect(record.source == .nfs(server: "127.0.0.1", path: server.exportPath + "/blue/web/shop-db"))
            #expect(record.attributes[NFSVolumeAttributes.pathKey] == "blue/web/shop-db")
            for path in ["/blue", "/blue/web", "/blue/web/shop-db"] {
                #expect(NFSTest.hostStatus(server.hostPath(path))?.permissions == 0o750, "\(path)")
            }
            // Deleting removes the volume, never the parents other volumes may share.
            try NFSTest.write(server.hostPath("/blue/web/shop-db/file"))
            try await provisioner.delete(record)
            #expect(NFSTest.hostEntries(server.hostPath("/blue/web")) == [])
        }
    }

    @Test func badPatternIsRefusedAndMakesNothing() async throws {
        try await NFSServer.with { server in
            let request = NFSTest.request(server, parameters: ["pathPattern": "${.PVC.labels.team}/${.PVC.name}"])
            await #expect(throws: VolumeError(.invalid, "parameter \"pathPattern\": \"${.PVC.labels.team}/${.PVC.name}\" expands to \"/data\" for claim default/data: the path is absolute; the claim has no label \"team\"")) {
                try await provisioner.provision(request)
            }
            let traversal = NFSTest.request(server, claim: NFSTest.claim(annotations: ["dir": ".."]), parameters: ["pathPattern": "${.PVC.annotations.dir}/escape"])
            await #expect { try await provisioner.provision(traversal) } throws: { ($0 as? VolumeError)?.kind == .invalid }
            #expect(NFSTest.hostEntries(server.exportPath) == [])
            #expect(NFSTest.hostEntries(server.exportPath + "/..").contains("escape") == false)
        }
    }

    @Test func aSymlinkWhereADirectoryShouldBeIsRefused() async throws {
        try await NFSServer.with { server in
            try FileManager.default.createDirectory(atPath: server.hostPath("/elsewhere"), withIntermediateDirectories: false)
            try FileManager.default.createSymbolicLink(atPath: server.hostPath("/shop"), withDestinationPath: "elsewhere")
            let request = NFSTest.request(server, claim: NFSTest.claim("shop", "db"), parameters: ["pathPattern": "${.PVC.namespace}/${.PVC.name}"])
            await #expect { try await provisioner.provision(request) } throws: { ($0 as? VolumeError)?.kind == .unsafe }
            #expect(NFSTest.hostEntries(server.hostPath("/elsewhere")) == [])

            // A record whose directory became a symlink is neither deleted nor scrubbed through it.
            try NFSTest.write(server.hostPath("/elsewhere/db/precious"))
            let record = VolumeRecord(name: "pvc-1", source: .nfs(server: server.address, path: server.exportPath + "/shop/db"), capacity: 1, attributes: [
                NFSVolumeAttributes.shareKey: server.exportPath, NFSVolumeAttributes.pathKey: "shop/db",
                NFSVolumeAttributes.mountOptionsKey: server.mountOptions.joined(separator: ","),
            ])
            await #expect { try await provisioner.delete(record) } throws: { ($0 as? VolumeError)?.kind == .unsafe }
            await #expect { try await provisioner.recycle(record) } throws: { ($0 as? VolumeError)?.kind == .unsafe }
            #expect(NFSTest.hostEntries(server.hostPath("/elsewhere/db")) == ["precious"])
        }
    }

    struct DeleteCase: CustomTestStringConvertible, Sendable {
        var onDelete: String
        var remaining: [String]
        var testDescription: String { "onDelete=\(onDelete)" }
    }

    @Test(arguments: [
        DeleteCase(onDelete: "delete", remaining: []),
        DeleteCase(onDelete: "retain", remaining: ["default-data-pvc-1"]),
        DeleteCase(onDelete: "archive", remaining: ["archived-default-data-pvc-1"]),
    ])
    func deleteFollowsOnDelete(_ row: DeleteCase) async throws {
        try await NFSServer.with { server in
            let record = try await provisioner.provision(NFSTest.request(server, parameters: ["onDelete": row.onDelete]))
            #expect(record.attributes[NFSVolumeAttributes.onDeleteKey] == row.onDelete)
            let volume = server.hostPath("/default-data-pvc-1")
            try NFSTest.write(volume + "/.dotfile")
            try NFSTest.write(volume + "/nested/deeper/file")

            // The class is not consulted: only the record says what to do.
            try await provisioner.delete(record)
            #expect(NFSTest.hostEntries(server.exportPath) == row.remaining)
            if let kept = row.remaining.first {
                #expect(NFSTest.hostEntries(server.hostPath("/" + kept)) == [".dotfile", "nested"])
            }
            // Deleting again (a retry after a lost answer) succeeds and changes nothing.
            try await provisioner.delete(record)
            #expect(NFSTest.hostEntries(server.exportPath) == row.remaining)
        }
    }

    @Test func archiveKeepsAnEarlierArchive() async throws {
        try await NFSServer.with { server in
            try NFSTest.write(server.hostPath("/archived-default-data-pvc-1/older"))
            let record = try await provisioner.provision(NFSTest.request(server, parameters: ["onDelete": "archive"]))
            try await provisioner.delete(record)
            #expect(NFSTest.hostEntries(server.exportPath) == ["archived-default-data-pvc-1", "archived-default-data-pvc-1-pvc-1"])
            #expect(NFSTest.hostEntries(server.hostPath("/archived-default-data-pvc-1")) == ["older"])
        }
    }

    @Test func deleteRemovesTheTreeWithoutFollowingSymlinksOut() async throws {
        try await NFSServer.with { server in
            let record = try await provisioner.provision(NFSTest.request(server))
            let outside = try Self.plantEscapes(server, in: "/default-data-pvc-1")
            defer { try? FileManager.default.removeItem(atPath: outside) }
            try await provisioner.delete(record)
            #expect(NFSTest.hostEntries(server.exportPath) == ["sibling"])
            #expect(NFSTest.hostEntries(server.hostPath("/sibling")) == ["file"])
            #expect(NFSTest.hostEntries(outside) == ["file", "sub"])
        }
    }

    @Test func recycleEmptiesEverythingAndNothingOutside() async throws {
        try await NFSServer.with { server in
            let record = try await provisioner.provision(NFSTest.request(server, parameters: ["mode": "0770"]))
            let volume = server.hostPath("/default-data-pvc-1")
            try NFSTest.write(volume + "/file")
            try NFSTest.write(volume + "/.hidden")
            try NFSTest.write(volume + "/..double-dot-name")
            try NFSTest.write(volume + "/a/b/c/.deep")
            try FileManager.default.createDirectory(atPath: volume + "/.dotdir/empty", withIntermediateDirectories: true)
            let outside = try Self.plantEscapes(server, in: "/default-data-pvc-1")
            defer { try? FileManager.default.removeItem(atPath: outside) }

            try await provisioner.recycle(record)

            #expect(NFSTest.hostEntries(volume) == [])
            #expect(NFSTest.hostStatus(volume)?.permissions == 0o770)
            #expect(NFSTest.hostEntries(server.hostPath("/sibling")) == ["file"])
            #expect(NFSTest.hostEntries(outside) == ["file", "sub"])
            #expect(NFSTest.hostEntries(outside + "/sub") == ["file"])
            // Recycling an empty volume again is fine too.
            try await provisioner.recycle(record)
        }
    }

    @Test func capacityComesFromTheExport() async throws {
        try await NFSServer.with { server in
            let capacity = try await provisioner.capacity(parameters: NFSTest.parameters(server), mountOptions: server.mountOptions)
            #expect(capacity.total > 0)
            #expect(capacity.available > 0 && capacity.available <= capacity.total)
            #expect(capacity.maximumVolumeSize == capacity.available)
        }
    }

    @Test func serverDownIsUnavailableAndARetryAfterRestartMakesOneDirectory() async throws {
        try await NFSServer.with { server in
            let request = NFSTest.request(server)
            try server.stop()
            await #expect { try await provisioner.provision(request) } throws: { error in
                let error = try #require(error as? VolumeError)
                return error.kind == .unavailable && error.message.contains("NFS server 127.0.0.1 export \(server.exportPath) did not answer")
            }
            await #expect { try await provisioner.capacity(parameters: NFSTest.parameters(server), mountOptions: server.mountOptions) } throws: {
                ($0 as? VolumeError)?.kind == .unavailable
            }
            try server.start()
            let record = try await provisioner.provision(request)
            _ = try await provisioner.provision(request)
            #expect(NFSTest.hostEntries(server.exportPath) == ["default-data-pvc-1"])
            #expect(record.source == .nfs(server: "127.0.0.1", path: server.exportPath + "/default-data-pvc-1"))
        }
    }

    @Test func hungServerIsUnavailableWithinTheTimeout() async throws {
        try await NFSServer.with { server in
            let quick = NFSProvisioner(timeout: .seconds(1))
            let record = try await quick.provision(NFSTest.request(server))
            try server.pause()
            defer { server.resume() }
            await #expect { try await quick.provision(NFSTest.request(server, volumeName: "pvc-2", claim: NFSTest.claim("default", "other"))) } throws: {
                ($0 as? VolumeError)?.kind == .unavailable
            }
            await #expect { try await quick.delete(record) } throws: { ($0 as? VolumeError)?.kind == .unavailable }
            server.resume()
            try await quick.delete(record)
            #expect(NFSTest.hostEntries(server.exportPath) == [])
        }
    }

    /// Plants, inside the volume at `path`, symlinks to a directory beside the volume in
    /// the share ("sibling", relative and export-absolute) and to one outside the export
    /// on the host; returns that outside directory.
    static func plantEscapes(_ server: NFSServer, in path: String) throws -> String {
        try NFSTest.write(server.hostPath("/sibling/file"))
        let outside = server.exportPath + "-outside"
        try NFSTest.write(outside + "/file")
        try NFSTest.write(outside + "/sub/file")
        let volume = server.hostPath(path)
        try FileManager.default.createDirectory(atPath: volume + "/links", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: volume + "/links/relative", withDestinationPath: "../../sibling")
        try FileManager.default.createSymbolicLink(atPath: volume + "/links/export-absolute", withDestinationPath: "/sibling")
        try FileManager.default.createSymbolicLink(atPath: volume + "/host-absolute", withDestinationPath: outside)
        try FileManager.default.createSymbolicLink(atPath: volume + "/.hidden-link", withDestinationPath: outside + "/sub")
        return outside
    }
}
