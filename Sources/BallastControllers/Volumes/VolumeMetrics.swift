public import BallastMetrics
public import Foundation

/// What the volume controllers measure, in the registry of the process that runs them (the
/// control plane's binder, an agent's node-local provisioner):
///
/// - `ballast_volume_binding_duration_seconds{storageclass}`: from a claim's creation to its
///   becoming Bound. The creation time is stored in whole seconds, so a value can be up to
///   a second longer than the wait was.
/// - `ballast_volume_provisioning_duration_seconds{provisioner}`: from asking the driver for
///   a volume to its PersistentVolume being written.
/// - `ballast_volume_provisioning_failures_total{provisioner}`: provisioning attempts that
///   failed (the driver refused or failed, or the PersistentVolume could not be written).
public struct VolumeMetrics: Sendable {
    /// Buckets from 100 ms to 10 minutes: a WaitForFirstConsumer claim waits for its pod.
    public static let buckets: [Double] = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15, 30, 60, 120, 300, 600]

    public let bindingDuration: Histogram
    public let provisioningDuration: Histogram
    public let provisioningFailures: Counter

    /// The metrics, made in (or found again in) `registry`.
    public init(registry: MetricsRegistry) {
        bindingDuration = registry.histogram(
            "ballast_volume_binding_duration_seconds",
            help: "Time from the creation of a PersistentVolumeClaim to its binding, in seconds, by storage class.",
            labels: ["storageclass"], buckets: Self.buckets)
        provisioningDuration = registry.histogram(
            "ballast_volume_provisioning_duration_seconds",
            help: "Time to provision a volume and write its PersistentVolume, in seconds, by provisioner.",
            labels: ["provisioner"], buckets: Self.buckets)
        provisioningFailures = registry.counter(
            "ballast_volume_provisioning_failures_total",
            help: "Volume provisioning attempts that failed, by provisioner.",
            labels: ["provisioner"])
    }

    /// Records a claim's binding at `now`.
    public func claimBound(storageClass: String, created: Date?, now: Date) {
        guard let created else { return }
        bindingDuration.observe(max(0, now.timeIntervalSince(created)), labels: [storageClass])
    }

    /// Records a provisioning that succeeded after `elapsed`.
    public func provisioned(by provisioner: String, elapsed: Duration) {
        provisioningDuration.observe(elapsed, labels: [provisioner])
    }

    /// Records a provisioning that failed.
    public func provisioningFailed(by provisioner: String) {
        provisioningFailures.increment(labels: [provisioner])
    }
}
