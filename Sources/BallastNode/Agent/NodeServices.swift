import BallastStorage
import Foundation

/// What every pod worker of one agent shares: the node's name and directories, the
/// container runner, the image puller, the sandbox and volume managers, and the restart
/// back-off settings.
struct NodeServices: Sendable {
    var nodeName: String
    var paths: NodePaths
    var runner: ContainerRunner
    var images: ImagePuller
    var sandbox: PodSandbox
    var volumes: PodVolumeManager
    /// The host's address, shown as hostIP (and podIP for hostNetwork pods).
    var hostIP: String
    /// The first restart back-off step; it doubles up to `backoffMaximum` (Kubernetes: 10 s, 5 min).
    var backoffInitial: Double = 10
    var backoffMaximum: Double = 300
}
