public import BallastAPI
import Glibc

/// One volume of one pod to set up: the volume, the pod it belongs to, and what the agent
/// resolved for it.
public struct VolumeSetUpRequest: Sendable {
    /// The pod volume (spec.volumes[] entry).
    public var volume: Volume
    /// The pod (its uid, namespace, labels and security context matter to some kinds).
    public var pod: Pod
    /// The pod's directory on the host.
    public var podDirectory: String
    /// What the agent looked up.
    public var inputs: PodVolumeInputs

    /// Makes a request.
    public init(volume: Volume, pod: Pod, podDirectory: String, inputs: PodVolumeInputs) {
        self.volume = volume
        self.pod = pod
        self.podDirectory = podDirectory
        self.inputs = inputs
    }

    /// The pod's fsGroup, when set.
    var fsGroup: gid_t? { pod.spec?.securityContext?.fsGroup.flatMap { gid_t(exactly: $0) } }

    /// The pod's fsGroupChangePolicy.
    var fsGroupChangePolicy: String? { pod.spec?.securityContext?.fsGroupChangePolicy }
}

/// Sets up and tears down the volumes of one kind (the node half of a volume driver).
///
/// Both operations must be idempotent, because the agent repeats them after a crash: a
/// repeated `setUp` finds what the first one made (a mount already there is kept, never
/// stacked), and a repeated `tearDown` of a volume that is gone succeeds. `tearDown` works
/// from the host alone (the pod may be gone from the API): it needs only the volume's name
/// and the pod directory.
public protocol VolumeMounter: Sendable {
    /// The kind this mounter serves.
    var kind: VolumeKind { get }

    /// Makes the volume ready on the host and returns the path containers bind.
    /// - Throws: `VolumeError` whose message is what a FailedMount event says (`.unavailable`
    ///   when retrying later may succeed: a ConfigMap not created yet, an NFS server down).
    func setUp(_ request: VolumeSetUpRequest) async throws(VolumeError) -> MountedVolume

    /// Unmounts and removes everything `setUp` made for volume `name` of the pod at
    /// `podDirectory`. Never hangs on an unreachable server.
    /// - Throws: `VolumeError` when something stays mounted (the directory is then kept, so
    ///   mounted data is never deleted).
    func tearDown(volumeName name: String, podDirectory: String) async throws(VolumeError)
}
