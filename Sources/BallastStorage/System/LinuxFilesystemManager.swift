import Foundation
// A release build resolves struct statvfs to the copy in fuse3's headers: without this
// import its members are not visible there (MemberImportVisibility).
import CFuse3
import Glibc

/// `FilesystemManager` running e2fsprogs and xfsprogs as processes, guarded by a
/// `BlockProbe`.
public struct LinuxFilesystemManager: FilesystemManager {
    /// The probe that decides whether a device is blank.
    public var probe: any BlockProbe
    /// How long mkfs and the grow tools may run.
    public var timeout: Duration

    /// A manager probing with `probe` (libblkid by default).
    public init(probe: any BlockProbe = BlkidProbe(), timeout: Duration = .seconds(600)) {
        self.probe = probe
        self.timeout = timeout
    }

    /// Probes, then runs mkfs.ext4 or mkfs.xfs without a force flag; see `FilesystemManager.format`.
    public func format(_ device: String, as type: FilesystemType, label: String?, uuid: String?) async throws(VolumeError) -> BlockSignature {
        try Self.validate(label: label, uuid: uuid, for: type)
        if let existing = try currentSignature(of: device) {
            throw VolumeError(.unsafe, "refusing to format \(device) as \(type.rawValue): it already carries \(existing)")
        }
        // Between the probe and mkfs nothing else may write the device: the caller owns it
        // (a volume being published). mkfs.xfs would refuse an existing filesystem by itself;
        // mkfs.ext4 would not, which is why the probe comes first.
        var arguments = ["-q"]
        switch type {
        case .ext4:
            if let label { arguments += ["-L", label] }
            if let uuid { arguments += ["-U", uuid] }
        case .xfs:
            if let label { arguments += ["-L", label] }
            if let uuid { arguments += ["-m", "uuid=\(uuid)"] }
        }
        try await run(Subprocess("mkfs.\(type.rawValue)", arguments + [device], timeout: timeout))
        guard let made = try currentSignature(of: device), made.type == type.rawValue else {
            throw VolumeError(.failed, "mkfs.\(type.rawValue) \(device) succeeded but no \(type.rawValue) signature is found on it")
        }
        return made
    }

    /// See `FilesystemManager.formatIfBlank`.
    public func formatIfBlank(_ device: String, as type: FilesystemType, label: String?, uuid: String?) async throws(VolumeError) -> FormatOutcome {
        if let existing = try currentSignature(of: device) {
            guard existing.type == type.rawValue else {
                throw VolumeError(.unsafe, "\(device) carries \(existing), not \(type.rawValue); refusing to format it")
            }
            // With a UUID the caller names its own filesystem: one with another UUID is
            // someone else's (a stale volume on reused extents) and must not be handed out.
            if let uuid, existing.uuid?.lowercased() != uuid.lowercased() {
                throw VolumeError(.unsafe, "\(device) carries \(existing), not the filesystem \(uuid) expected; refusing to use it")
            }
            return .alreadyFormatted(existing)
        }
        return .formatted(try await format(device, as: type, label: label, uuid: uuid))
    }

    /// resize2fs (after e2fsck when unmounted) or xfs_growfs; see `FilesystemManager.grow`.
    public func grow(_ device: String, mountedAt mountPoint: String?, type: FilesystemType) async throws(VolumeError) {
        switch (type, mountPoint) {
        case (.ext4, .some):
            guard Self.hasCapability(Self.capabilitySysResource) else {
                throw VolumeError(.failed, "cannot grow ext4 on \(device) while it is mounted: online resize needs CAP_SYS_RESOURCE, which this process lacks; grow it before mounting")
            }
            // resize2fs finds the mount itself and resizes online.
            try await run(Subprocess("resize2fs", [device], timeout: timeout))
        case (.ext4, nil):
            // resize2fs refuses a filesystem not checked since it was last mounted. -p
            // repairs only what is safe without a human; anything worse fails here.
            try await run(Subprocess("e2fsck", ["-f", "-p", device], timeout: timeout))
            try await run(Subprocess("resize2fs", [device], timeout: timeout))
        case (.xfs, let mountPoint?):
            try await run(Subprocess("xfs_growfs", [mountPoint], timeout: timeout))
        case (.xfs, nil):
            throw VolumeError(.invalid, "xfs on \(device) can only grow while mounted")
        }
    }

    /// CAP_SYS_RESOURCE, which online ext4 growth needs.
    static let capabilitySysResource = 24

    /// Whether this process holds the capability numbered `bit` (from /proc/self/status).
    static func hasCapability(_ bit: Int) -> Bool {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("CapEff:") }),
              let mask = UInt64(line.dropFirst("CapEff:".count).trimmingCharacters(in: .whitespaces), radix: 16)
        else { return false }
        return mask & (1 << UInt64(bit)) != 0
    }

    /// Whether this process may grow a mounted ext4 filesystem (it holds CAP_SYS_RESOURCE).
    public static var canGrowMountedExt4: Bool { hasCapability(capabilitySysResource) }

    /// statvfs(3); see `FilesystemManager.usage(at:)`.
    public func usage(at mountPoint: String) throws(VolumeError) -> FilesystemUsage {
        var info = statvfs()
        guard statvfs(mountPoint, &info) == 0 else {
            throw VolumeError(.failed, SystemCallError("statvfs", path: mountPoint, errno: errno).description)
        }
        let unit = UInt64(info.f_frsize)
        return FilesystemUsage(
            totalBytes: UInt64(info.f_blocks) * unit,
            availableBytes: UInt64(info.f_bavail) * unit,
            usedBytes: UInt64(info.f_blocks - min(info.f_bfree, info.f_blocks)) * unit,
            totalInodes: UInt64(info.f_files),
            freeInodes: UInt64(info.f_ffree))
    }

    // MARK: - Plumbing

    private func currentSignature(of device: String) throws(VolumeError) -> BlockSignature? {
        do {
            return try probe.signature(of: device)
        } catch {
            // Not knowing is not "blank".
            throw VolumeError(.unsafe, "cannot tell whether \(device) is blank: \(error)")
        }
    }

    private func run(_ command: Subprocess) async throws(VolumeError) {
        do {
            try await command.check()
        } catch {
            throw VolumeError(.failed, error.description)
        }
    }

    static func validate(label: String?, uuid: String?, for type: FilesystemType) throws(VolumeError) {
        if let label {
            let allowed = label.utf8.allSatisfy { byte in
                (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
                    || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")
                    || byte == UInt8(ascii: ".")
            }
            guard !label.isEmpty, allowed, !label.hasPrefix("-") else {
                throw VolumeError(.invalid, "filesystem label \"\(label)\" may only contain letters, digits, '-', '_' and '.', and may not start with '-'")
            }
            guard label.utf8.count <= type.maximumLabelLength else {
                throw VolumeError(.invalid, "filesystem label \"\(label)\" is longer than \(type.rawValue)'s \(type.maximumLabelLength) bytes")
            }
        }
        if let uuid, UUID(uuidString: uuid) == nil {
            throw VolumeError(.invalid, "\"\(uuid)\" is not a UUID")
        }
    }
}
