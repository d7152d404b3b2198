import BallastStorage
import Foundation
import Glibc

/// Stops what a node agent leaves behind under its root when it stops: an agent that exits
/// keeps its pods' containers and mounts (so a restarted agent adopts them), which is right
/// for a crash and wrong for `ballast down`. Kills and deletes every container the agent's
/// runtime knows, unmounts everything below the root (deepest first; an NFS volume's FUSE
/// daemon exits with its mount) and removes the node's cgroups. Data on volumes is untouched:
/// emptyDirs and the pods' records stay until the agent, started again, decides about them.
public enum NodeTeardown {
    public static func run(root: String, nodeName: String) async {
        let paths = NodePaths(root: root)
        for kind in RuntimeKind.allCases {
            guard let runtime = try? RuntimeCLI(kind: kind, stateDirectory: paths.runtimeState, toolDirectory: paths.tools) else { continue }
            for id in (try? FileIO.entries(paths.runtimeState)) ?? [] {
                try? await runtime.kill(id, signal: SIGKILL, all: true)
                try? await runtime.delete(id, force: true)
            }
        }
        let mounter = LinuxMounter()
        for _ in 0..<5 {
            let below = ((try? mounter.mounts()) ?? []).map(\.mountPoint).filter { $0.hasPrefix(root + "/") }
            if below.isEmpty { break }
            for mountPoint in below.sorted(by: { $0.count > $1.count }) { try? mounter.unmount(mountPoint, lazy: true) }
        }
        CgroupCleanup.removeNode(nodeName)
    }
}
