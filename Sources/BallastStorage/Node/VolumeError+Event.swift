extension VolumeError {
    /// The reason of the Warning event a failed volume set-up gives the pod.
    public static let failedMountReason = "FailedMount"

    /// The FailedMount event message upstream's kubelet gives: `MountVolume.SetUp failed for
    /// volume "html" : hostPath type check failed: /tmp is not a file, it's a Directory`.
    public func failedMountMessage(volume: String) -> String {
        "MountVolume.SetUp failed for volume \"\(volume)\" : \(message)"
    }
}
