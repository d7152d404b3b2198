import BallastStorage
import Testing

/// StorageClass parameters and mount options of ballast.io/nfs: what is accepted, and
/// the message that names each bad one.
struct NFSParametersTests {
    let provisioner = NFSProvisioner()

    @Test func minimalClassGetsUpstreamDefaults() throws {
        let parsed = try NFSClassParameters.parse(["server": "nfs.example.com", "share": "/exports/k8s/"]).get()
        #expect(parsed.server == "nfs.example.com")
        #expect(parsed.share == "/exports/k8s")
        #expect(parsed.pathPattern.text == "${.PVC.namespace}-${.PVC.name}-${.PV.name}")
        #expect(parsed.onDelete == .delete)
        #expect(parsed.mode == 0o777)
        #expect(parsed.uid == nil && parsed.gid == nil)
    }

    @Test func everyParameterParsed() throws {
        let parsed = try NFSClassParameters.parse([
            "server": "10.0.0.5", "share": "/", "pathPattern": "${.PVC.namespace}/${.PVC.name}", "onDelete": "archive",
            "mode": "0750", "uid": "1000", "gid": "100",
        ]).get()
        #expect(parsed.share == "/")
        #expect(parsed.onDelete == .archive)
        #expect(parsed.mode == 0o750)
        #expect(parsed.uid == 1000 && parsed.gid == 100)
    }

    @Test(arguments: [
        (["archiveOnDelete": "false"], NFSOnDelete.delete),
        (["archiveOnDelete": "true"], NFSOnDelete.archive),
        (["archiveOnDelete": "true", "onDelete": "retain"], NFSOnDelete.retain),
        ([:], NFSOnDelete.delete),
    ])
    func onDeleteAndUpstreamArchiveOnDelete(_ extra: [String: String], _ expected: NFSOnDelete) throws {
        let parsed = try NFSClassParameters.parse(["server": "s", "share": "/x"].merging(extra) { $1 }).get()
        #expect(parsed.onDelete == expected)
    }

    @Test(arguments: [
        ([:], ["parameter \"server\" is required", "parameter \"share\" is required"]),
        (["server": "s", "share": "exports"], ["parameter \"share\": must be an absolute path, not \"exports\""]),
        (["server": "s", "share": "/exports/../etc"], ["parameter \"share\": \"/exports/../etc\": the path has a \"..\" segment"]),
        (["server": "nfs server", "share": "/x"], ["parameter \"server\": must be a host name or an IP address, not \"nfs server\""]),
        (["server": "s", "share": "/x", "onDelete": "keep"], ["parameter \"onDelete\": must be delete, retain or archive, not \"keep\""]),
        (["server": "s", "share": "/x", "mode": "999"], ["parameter \"mode\": must be an octal mode from 0 to 7777 (like 0775), not \"999\""]),
        (["server": "s", "share": "/x", "mode": "17777"], ["parameter \"mode\": must be an octal mode from 0 to 7777 (like 0775), not \"17777\""]),
        (["server": "s", "share": "/x", "uid": "-1", "gid": "x"], [
            "parameter \"uid\": must be a number from 0 to 4294967294, not \"-1\"",
            "parameter \"gid\": must be a number from 0 to 4294967294, not \"x\"",
        ]),
        (["server": "s", "share": "/x", "pathPattern": "${.PVC.uid}"], [
            "parameter \"pathPattern\": unknown variable \"${.PVC.uid}\" (known: ${.PVC.namespace}, ${.PVC.name}, ${.PV.name}, ${.PVC.labels.<key>}, ${.PVC.annotations.<key>})",
        ]),
        (["server": "s", "share": "/x", "pathPattern": "/${.PVC.name}"], [
            "parameter \"pathPattern\": \"/${.PVC.name}\" cannot give a valid path (the path is absolute)",
        ]),
        (["server": "s", "share": "/x", "path": "/y"], [
            "parameter \"path\" is not known (known: archiveOnDelete, gid, mode, onDelete, pathPattern, server, share, uid)",
        ]),
    ])
    func validateNamesEachBadParameter(_ parameters: [String: String], _ expected: [String]) {
        #expect(provisioner.validate(parameters: parameters) == expected)
    }

    @Test func mountOptionsUnderstood() throws {
        let parsed = try NFSMountOptions.parse(["nfsvers=4,port=2050", "hard", "noatime", "proto=tcp"]).get()
        #expect(parsed.version == .v4)
        #expect(parsed.port == 2050)
        #expect(parsed.mountPort == nil)
        #expect(parsed.options == ["nfsvers=4", "port=2050", "hard", "noatime", "proto=tcp"])
        let v3 = try NFSMountOptions.parse(["vers=3", "mountport=20048", "ro"]).get()
        #expect(v3.version == .v3 && v3.mountPort == 20048 && v3.readOnly)
        #expect(try NFSMountOptions.parse([]).get() == NFSMountOptions())
    }

    @Test(arguments: [
        (["nfsvers=4.1"], "mount option \"nfsvers=4.1\": Ballast's NFS client (libnfs) speaks NFS 3 and 4.0 only"),
        (["vers=2"], "mount option \"vers=2\": NFSv2 is not supported (use 3 or 4)"),
        (["proto=udp"], "mount option \"proto=udp\": only TCP is supported"),
        (["udp"], "mount option \"udp\": only TCP is supported"),
        (["sec=krb5p"], "mount option \"sec=krb5p\": only sec=sys is supported (no Kerberos)"),
        (["port=70000"], "mount option \"port=70000\": the port must be a number from 0 to 65535"),
        (["ro", "rw"], "mount options \"ro\" and \"rw\" contradict each other"),
        (["hard,soft"], "mount options \"hard\" and \"soft\" contradict each other"),
        (["nfsvers=3", "vers=4"], "mount option \"vers=4\" contradicts \"nfsvers=3\""),
        (["nfsvers=4", "mountport=20048"], "mount option \"mountport\" has no meaning for NFSv4 (there is no MOUNT protocol)"),
        (["size=10g"], "unknown NFS mount option \"size=10g\""),
        (["bind"], "unknown NFS mount option \"bind\""),
        (["timeo=soon"], "mount option \"timeo=soon\": the value must be a non-negative number"),
        (["noatime=1"], "mount option \"noatime=1\" takes no value"),
    ])
    func refusesMountOptionsThatMakeNoSense(_ options: [String], _ message: String) {
        #expect(provisioner.validate(mountOptions: options) == [message])
    }

    @Test func supportsEveryReclaimPolicy() {
        #expect(provisioner.provisionerName == "ballast.io/nfs")
        for policy in ["Delete", "Retain", "Recycle"] { #expect(provisioner.supports(reclaimPolicy: policy)) }
        #expect(!provisioner.supports(reclaimPolicy: "Archive"))
    }
}
