import Foundation

/// Whether the kernel's device-mapper is there, which decides how LVM volumes become
/// block devices: activated by lvm as /dev/VG/LV, or (DESIGN.md, "This machine") mapped by
/// a loop device over their extents.
public enum DeviceMapper {
    /// Whether the kernel registered the device-mapper control device (/proc/misc lists
    /// "device-mapper"); libdevmapper makes /dev/mapper/control itself where no udev does.
    public static var isAvailable: Bool {
        guard let misc = try? String(contentsOfFile: "/proc/misc", encoding: .utf8) else { return false }
        return misc.split(separator: "\n").contains { $0.hasSuffix(" device-mapper") }
    }

    /// Whether udev runs here (it owns /run/udev/control), so lvm should wait for it to
    /// make device nodes instead of making them itself.
    public static var udevIsRunning: Bool {
        FileManager.default.fileExists(atPath: "/run/udev/control")
    }
}
