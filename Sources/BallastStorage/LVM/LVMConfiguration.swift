import Foundation

/// Where and how `LibLVMBackend` runs lvm: its state directory and the lvm.conf it writes
/// there, which is the only configuration lvm reads (LVM_SYSTEM_DIR).
public struct LVMConfiguration: Sendable, Equatable {
    /// Holds etc/lvm.conf, the lock directory and lvm's metadata backups and archives
    /// (what `vgcfgrestore` needs after an accident), e.g. /var/lib/ballast/lvm.
    public var stateDirectory: String
    /// The only devices lvm may look at (physical volumes, present and future). The host's
    /// other disks, and the loop devices Ballast puts over logical volumes, are never
    /// scanned.
    public var devices: [String]
    /// Whether lvm activates logical volumes through device-mapper; off where the kernel has
    /// none (then lvcreate runs with -an -Zn and `LinearLVDevice` maps volumes by loop).
    public var activation: Bool
    /// Whether lvm leaves /dev nodes to udev (udev_sync, udev_rules).
    public var udev: Bool
    /// The umask lvm2_init sets for the whole process and leaves there (INTEROP pitfall 8):
    /// lvm's default, 077, would make every file the agent creates afterwards private.
    public var umask: UInt16

    /// A configuration; activation and udev follow what this host has.
    public init(stateDirectory: String, devices: [String] = [], activation: Bool = DeviceMapper.isAvailable,
                udev: Bool = DeviceMapper.udevIsRunning, umask: UInt16 = 0o022) {
        self.stateDirectory = stateDirectory
        self.devices = devices
        self.activation = activation
        self.udev = udev
        self.umask = umask
    }

    /// LVM_SYSTEM_DIR: the directory of lvm.conf.
    public var systemDirectory: String { "\(stateDirectory)/etc" }
    /// Where lvm's file locks live.
    public var lockDirectory: String { "\(stateDirectory)/lock" }
    /// Where lvm keeps the latest metadata of each volume group.
    public var backupDirectory: String { "\(stateDirectory)/backup" }
    /// Where lvm keeps earlier metadata versions.
    public var archiveDirectory: String { "\(stateDirectory)/archive" }

    /// The text of lvm.conf.
    ///
    /// Every setting says what lvm would otherwise do on its own: scan every disk, wait for
    /// udev, write /run/lvm/hints, talk to lvmpolld, dmeventd or D-Bus, lock in /run/lock/lvm,
    /// or set the process umask to 077.
    public var lvmConf: String {
        // Only letters, digits and /_.-:+ reach here (LVMName.validateDevice); '.' and '+'
        // are regex metacharacters, bracketed rather than backslashed, which lvm.conf would
        // need escaped again.
        let accepted = devices.map { device -> String in
            let pattern = device.replacingOccurrences(of: ".", with: "[.]").replacingOccurrences(of: "+", with: "[+]")
            return "\"a|^\(pattern)$|\""
        }
        let filter = (accepted + ["\"r|.*|\""]).joined(separator: ", ")
        let flag = { (value: Bool) in value ? "1" : "0" }
        return """
            # Written by Ballast (LibLVMBackend) and rewritten when its devices change: edits are lost.
            config {
                checks = 1
            }
            devices {
                dir = "/dev"
                scan = [ "/dev" ]
                global_filter = [ \(filter) ]
                obtain_device_list_from_udev = 0
                external_device_info_source = "none"
                use_devicesfile = 0
                hints = "none"
                scan_lvs = 0
            }
            global {
                umask = 0\(String(umask, radix: 8))
                activation = \(flag(activation))
                locking_dir = "\(lockDirectory)"
                use_lvmlockd = 0
                use_lvmpolld = 0
                notify_dbus = 0
                event_activation = 0
                system_id_source = "none"
            }
            activation {
                udev_sync = \(flag(udev))
                udev_rules = \(flag(udev))
                monitoring = 0
            }
            backup {
                backup = 1
                backup_dir = "\(backupDirectory)"
                archive = 1
                archive_dir = "\(archiveDirectory)"
                retain_min = 10
                retain_days = 30
            }
            log {
                syslog = 0
                verbose = 0
                command_names = 0
            }

            """
    }
}
