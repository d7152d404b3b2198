/// What the LVM driver needs from LVM: the state, read in one go, and the handful of
/// changes it makes.
///
/// The real implementation is `LibLVMBackend`. Every method is safe to call again after a
/// crash; creates report `.alreadyExists` and removals `.notFound` rather than deciding for
/// the caller whether that is success (for the driver, "made before" and "already gone").
public protocol LVMBackend: Sendable {
    /// Volume groups, physical volumes, logical volumes and their segments, from one
    /// `lvm fullreport`.
    /// - Throws: `LVMError` when lvm fails or prints something that is not a report.
    func report() async throws(LVMError) -> LVMReport

    /// Labels `device` as a physical volume. Refuses (`.signatureFound`) a device that
    /// carries a filesystem or other signature; relabelling a device that is already an
    /// unused physical volume succeeds.
    /// - Throws: `LVMError` (`.deviceRejected` if `device` is not among the allowed devices).
    func createPhysicalVolume(on device: String) async throws(LVMError)

    /// Creates volume group `name` on `devices` (physical volumes, or devices it labels).
    /// - Throws: `LVMError` `.alreadyExists` if a group of that name exists.
    func createVolumeGroup(_ name: String, on devices: [String], tags: [String]) async throws(LVMError)

    /// Creates a logical volume.
    /// - Throws: `LVMError` `.alreadyExists` if one of that name exists in the group,
    ///   `.insufficientSpace` if it does not fit, `.notFound` if the group is missing.
    func createLogicalVolume(_ request: LogicalVolumeRequest) async throws(LVMError)

    /// Grows logical volume `name` to at least `size` bytes (rounded up to extents).
    /// Succeeds without change if it is that large already.
    /// - Parameter contiguous: keep its extents adjacent (needed without device-mapper);
    ///   false lets lvm put the new extents anywhere, whatever the volume was created with.
    /// - Throws: `LVMError` `.insufficientSpace`, `.notFound`.
    func extendLogicalVolume(_ name: String, in volumeGroup: String, to size: Int64, contiguous: Bool) async throws(LVMError)

    /// Removes logical volume `name` and its data.
    /// - Throws: `LVMError` `.notFound` if it does not exist.
    func removeLogicalVolume(_ name: String, in volumeGroup: String) async throws(LVMError)

    /// Removes the empty volume group `name`; a group that still holds volumes is refused.
    /// - Throws: `LVMError` `.notFound` if it does not exist.
    func removeVolumeGroup(_ name: String) async throws(LVMError)

    /// Grows the physical volume on `device` to the device's size (pvresize), so that its
    /// group gets the new extents; nothing changes when it spans the device already.
    /// - Throws: `LVMError` `.notFound` if `device` is no physical volume.
    func resizePhysicalVolume(on device: String) async throws(LVMError)

    /// Removes the physical volume label from `device` (which must be in no group).
    /// - Throws: `LVMError` `.notFound` if it carries none.
    func removePhysicalVolume(on device: String) async throws(LVMError)
}

extension LVMBackend {
    /// The logical volumes in `volumeGroup` (all groups if nil) carrying `tag` (any if nil).
    public func logicalVolumes(in volumeGroup: String? = nil, taggedWith tag: String? = nil) async throws(LVMError) -> [LVMReport.LogicalVolume] {
        try await report().logicalVolumes(in: volumeGroup, taggedWith: tag)
    }
}
