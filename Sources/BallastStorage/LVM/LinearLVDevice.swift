import Foundation
import Glibc

/// Makes a logical volume usable as a block device.
///
/// With device-mapper, lvm activates volumes and this only names /dev/VG/LV. Without it
/// (DESIGN.md, "This machine"), lvm runs with activation off and this attaches a loop device
/// over exactly the volume's extents on its physical volume: offset = pe_start + first
/// extent × extent size, length = the volume's size. Those are the bytes dm's linear
/// target would map, so the data is the same either way. Only single-segment linear
/// volumes can be mapped like that; `LogicalVolumeRequest.contiguous` keeps them so.
public struct LinearLVDevice: Sendable {
    /// Attaches and finds loop devices.
    public var loops: any LoopDeviceManager
    /// Whether lvm activates volumes itself (device-mapper present).
    public var deviceMapper: Bool

    /// A mapper for this host.
    public init(loops: any LoopDeviceManager = LinuxLoopDeviceManager(), deviceMapper: Bool = DeviceMapper.isAvailable) {
        self.loops = loops
        self.deviceMapper = deviceMapper
    }

    /// Where volume `name` lies on its physical volume.
    public struct ExtentRange: Sendable, Equatable {
        /// The physical volume's device.
        public var device: String
        /// The volume's first byte on that device.
        public var offset: UInt64
        /// The volume's size in bytes.
        public var length: UInt64

        /// Makes a value.
        public init(device: String, offset: UInt64, length: UInt64) {
            self.device = device
            self.offset = offset
            self.length = length
        }
    }

    /// The block device of `name` in `volumeGroup`, as `report` (read after the last change
    /// to the volume) describes it.
    ///
    /// Idempotent: the loop device attached earlier (by this or an earlier process) is found
    /// and returned, and if the volume has grown since, the device is grown to match.
    /// - Throws: `LVMError` `.notFound` when the volume is not in the report, `.unsupported`
    ///   for a layout a loop device cannot map, `.failed` when attaching fails.
    public func attach(_ name: String, in volumeGroup: String, report: LVMReport) throws(LVMError) -> String {
        if deviceMapper {
            guard let volume = report.logicalVolume(name, in: volumeGroup) else { throw Self.missing(name, volumeGroup) }
            return volume.path
        }
        let range = try Self.extentRange(of: name, in: volumeGroup, report: report)
        do {
            return try loops.attach(range.device, offset: range.offset, sizeLimit: range.length, readOnly: false).path
        } catch {
            throw LVMError(.failed, command: "attach \(volumeGroup)/\(name)", messages: [error.description])
        }
    }

    /// The loop device attached over the volume, if any (always nil with device-mapper).
    public func attachment(of name: String, in volumeGroup: String, report: LVMReport) throws(LVMError) -> LoopDevice? {
        guard !deviceMapper else { return nil }
        let range = try Self.extentRange(of: name, in: volumeGroup, report: report)
        do {
            return try loops.attachments(of: range.device).first { $0.offset == range.offset }
        } catch {
            throw LVMError(.failed, command: "find \(volumeGroup)/\(name)", messages: [error.description])
        }
    }

    /// Detaches the loop device over the volume, before the volume is removed; nothing to
    /// do with device-mapper (lvremove deactivates) or when none is attached.
    public func detach(_ name: String, in volumeGroup: String, report: LVMReport) throws(LVMError) {
        guard let loop = try attachment(of: name, in: volumeGroup, report: report) else { return }
        do {
            try loops.detach(loop)
        } catch {
            throw LVMError(.failed, command: "detach \(volumeGroup)/\(name)", messages: [error.description])
        }
    }

    /// Zeroes the first and last MiB of a newly created volume's device: what lvcreate's
    /// -Zy and -Wy do where device-mapper exists, so that a signature left by an earlier
    /// volume on the same extents is not mistaken for this one's filesystem. Call it once,
    /// right after a create that did not report `.alreadyExists`.
    public func clearStaleSignatures(on device: String) throws(LVMError) {
        let fd = open(device, O_WRONLY | O_CLOEXEC)
        guard fd >= 0 else { throw Self.ioError("open", device) }
        defer { close(fd) }
        let size: UInt64
        do {
            size = try LinuxLoopDeviceManager.blockDeviceSize(device)
        } catch {
            throw LVMError(.failed, command: "clear \(device)", messages: [error.description])
        }
        let chunk = min(UInt64(1 << 20), size)
        let zeros = [UInt8](repeating: 0, count: Int(chunk))
        for offset in Set([0, size - chunk]) {
            var written = 0
            while written < zeros.count {
                let count = zeros.withUnsafeBytes { buffer in
                    pwrite(fd, buffer.baseAddress! + written, buffer.count - written, off_t(offset) + off_t(written))
                }
                if count < 0 {
                    if errno == EINTR { continue }
                    throw Self.ioError("pwrite", device)
                }
                written += count
            }
        }
        guard fsync(fd) == 0 else { throw Self.ioError("fsync", device) }
    }

    /// Where the single linear segment of volume `name` lies.
    /// - Throws: `LVMError` `.notFound`, or `.unsupported` for thin, striped or
    ///   multi-segment volumes (their bytes are not one range of one device).
    public static func extentRange(of name: String, in volumeGroup: String, report: LVMReport) throws(LVMError) -> ExtentRange {
        guard let volume = report.logicalVolume(name, in: volumeGroup) else { throw missing(name, volumeGroup) }
        guard let group = report.volumeGroup(named: volumeGroup) else { throw missing(name, volumeGroup) }
        let command = "map \(volume.fullName)"
        if volume.isThinVolume || volume.isThinPool || volume.pool != nil {
            throw LVMError(.unsupported, command: command, messages: ["thin volumes need device-mapper, which this host lacks"])
        }
        guard volume.segments.count == 1, let segment = volume.segments.first else {
            throw LVMError(.unsupported, command: command, messages: [
                "\(volume.fullName) has \(volume.segments.count) segments; without device-mapper only a volume on one run of adjacent extents can be mapped (create and extend it with contiguous allocation)",
            ])
        }
        guard segment.type == "linear" || (segment.type == "striped" && segment.stripes == 1), segment.devices.count == 1,
              let place = segment.devices.first, let physical = report.physicalVolume(on: place.device)
        else {
            throw LVMError(.unsupported, command: command, messages: [
                "\(volume.fullName) is \(segment.type) over \(segment.devices.count) devices; without device-mapper only linear volumes can be mapped",
            ])
        }
        let offset = physical.extentStart + place.startExtent * group.extentSize
        return ExtentRange(device: physical.name, offset: UInt64(offset), length: UInt64(segment.extentCount * group.extentSize))
    }

    private static func missing(_ name: String, _ volumeGroup: String) -> LVMError {
        LVMError(.notFound, command: "map \(volumeGroup)/\(name)", messages: ["Failed to find logical volume \"\(volumeGroup)/\(name)\""])
    }

    private static func ioError(_ operation: String, _ device: String) -> LVMError {
        LVMError(.failed, command: "clear \(device)", messages: [SystemCallError(operation, path: device, errno: errno).description])
    }
}
