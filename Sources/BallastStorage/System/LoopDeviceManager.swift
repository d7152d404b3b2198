/// Attaches files, or byte ranges of files and block devices, as loop block devices.
///
/// Loop devices outlive the process that made them, so every operation is written to be
/// repeated after a crash: `attach` finds the device an earlier run made, and `detach`
/// leaves alone a device that is now bound to something else.
public protocol LoopDeviceManager: Sendable {
    /// Makes `backingFile` from `offset` for `sizeLimit` bytes (0: to its end) available as a
    /// loop device.
    ///
    /// Idempotent: if a loop device already maps the same file (by device and inode, not by
    /// path) from the same offset with the same read-only flag, that device is returned. If
    /// its size limit is smaller than `sizeLimit`, it is grown first (how a grown logical
    /// volume becomes visible); a larger one is refused, because shrinking a device under a
    /// filesystem destroys data.
    /// - Throws: `SystemCallError` naming the failing call (EBUSY from the refused shrink).
    func attach(_ backingFile: String, offset: UInt64, sizeLimit: UInt64, readOnly: Bool) throws(SystemCallError) -> LoopDevice

    /// Detaches `device` if it is still bound to the same backing file at the same offset;
    /// succeeds if it is already detached or bound to something else now (the device number
    /// was reused). While the device is open (mounted), the kernel detaches it at last close.
    func detach(_ device: LoopDevice) throws(SystemCallError)

    /// Every bound loop device on this host.
    func attachments() throws(SystemCallError) -> [LoopDevice]

    /// The loop devices bound to `backingFile` (matched by device and inode), any offset.
    func attachments(of backingFile: String) throws(SystemCallError) -> [LoopDevice]

    /// Re-reads the backing file's size (LOOP_SET_CAPACITY), after the file has grown, and
    /// returns the device's new size in bytes.
    @discardableResult
    func refreshCapacity(_ device: LoopDevice) throws(SystemCallError) -> UInt64

    /// The device's current size in bytes (BLKGETSIZE64).
    func size(of device: LoopDevice) throws(SystemCallError) -> UInt64
}

extension LoopDeviceManager {
    /// Attaches a whole file read-write.
    public func attach(_ backingFile: String) throws(SystemCallError) -> LoopDevice {
        try attach(backingFile, offset: 0, sizeLimit: 0, readOnly: false)
    }
}
