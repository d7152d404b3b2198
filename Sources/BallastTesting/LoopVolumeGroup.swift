import Foundation
import Glibc

/// A throwaway LVM volume group on a sparse file attached as a loop device, for tests that
/// need real LVM.
///
/// The fixture does its own plumbing with util-linux's `losetup` and the `lvm` command, so it
/// never depends on the code it helps to test. Its lvm.conf (in its own directory) accepts
/// only its own loop device, so the host's disks are never scanned.
///
/// Teardown removes exactly what the fixture made: it unmounts and detaches the loop devices
/// stacked on its physical volume (the ones `LinearLVDevice` attaches over logical volumes),
/// removes the VG and the PV, detaches its own loop device (after checking that the device
/// still shows its file) and deletes the file. `with(size:_:)` tears down even when the body
/// throws or a `#require` fails.
///
/// Crashed runs: every artefact a fixture makes lives in `directory` under a name that starts
/// with `<pid>-<process start time>-`, and a volume group also leaves a state file
/// (`…-vg-<id>.json`) recording its file, loop device and lvm directory. The first fixture a
/// test process makes calls `cleanUpAbandoned()`, which tears down everything whose owning
/// process is gone. To clean up by hand after a crash, run the tests again, or:
///
///     for f in /tmp/ballast-storage-fixtures/*-vg-*.json; do cat "$f"; done   # what was left
///     losetup -a | grep ballast-storage-fixtures                             # its loop devices
///     umount -l /dev/loopN; losetup -d /dev/loopN    # LV loops first (backing file /dev/loopM)
///     LVM_SYSTEM_DIR=<lvmDirectory from the state file> lvm vgremove -f <name>
///     losetup -d /dev/loopM; rm -rf /tmp/ballast-storage-fixtures/<pid>-*
public final class LoopVolumeGroup: Sendable {
    /// The volume group's name, unique per fixture ("ballastvg-1a2b3c4d").
    public let name: String
    /// The sparse file that holds the physical volume.
    public let backingFile: String
    /// The loop device over `backingFile`, which is the physical volume ("/dev/loop3").
    public let device: String
    /// The file's (and so the PV's) size in bytes.
    public let size: UInt64
    /// The LVM_SYSTEM_DIR the fixture's lvm commands use.
    public let lvmDirectory: String
    /// Where this fixture's state is recorded for crash cleanup.
    public let stateFile: String

    /// Where every fixture artefact lives (`BALLAST_TEST_FIXTURES` overrides it).
    public static let directory = ProcessInfo.processInfo.environment["BALLAST_TEST_FIXTURES"] ?? "/tmp/ballast-storage-fixtures"

    private init(name: String, backingFile: String, device: String, size: UInt64, lvmDirectory: String, stateFile: String) {
        self.name = name
        self.backingFile = backingFile
        self.device = device
        self.size = size
        self.lvmDirectory = lvmDirectory
        self.stateFile = stateFile
    }

    /// Makes a sparse file of `size` bytes, attaches it, and creates a PV and a VG on it.
    /// - Throws: `TestEnvironmentError` when a prerequisite is missing or a step fails; what
    ///   was made before the failure is torn down.
    /// - Parameter name: the group's name; by default a unique one. Groups of the same name
    ///   can coexist because each fixture's lvm sees only its own device (as each node of a
    ///   cluster sees only its own disks).
    public static func make(size: UInt64 = 4 << 30, name: String? = nil) throws -> LoopVolumeGroup {
        try Prerequisites.require(tools: ["losetup", "lvm"])
        try prepareDirectory()
        let unique = "ballastvg-\(UUID().uuidString.prefix(8).lowercased())"
        let name = name ?? unique
        let stateFile = scratchPath("vg-\(unique).json")
        let lvmDirectory = scratchPath("vg-\(unique)-lvm")
        let backingFile = try makeSparseFile(size: size, tag: "vg-\(unique)")
        var state = State(pid: getpid(), name: name, backingFile: backingFile, device: nil, lvmDirectory: lvmDirectory)
        try state.write(to: stateFile)
        do {
            let device = try attach(backingFile)
            state.device = device
            try state.write(to: stateFile)
            try writeLVMConfig(in: lvmDirectory, device: device)
            let fixture = LoopVolumeGroup(name: name, backingFile: backingFile, device: device, size: size,
                                          lvmDirectory: lvmDirectory, stateFile: stateFile)
            try fixture.lvm(["pvcreate", "-qq", device])
            try fixture.lvm(["vgcreate", "-qq", name, device])
            return fixture
        } catch {
            tearDown(state)
            throw error
        }
    }

    /// Runs `body` with a fresh volume group and tears it down afterwards, whether `body`
    /// returns or throws.
    public static func with<T>(size: UInt64 = 4 << 30, name: String? = nil, _ body: (LoopVolumeGroup) async throws -> T) async throws -> T {
        let fixture = try make(size: size, name: name)
        do {
            let result = try await body(fixture)
            fixture.tearDown()
            return result
        } catch {
            fixture.tearDown()
            throw error
        }
    }

    /// Removes everything the fixture made; safe to call more than once.
    public func tearDown() {
        Self.tearDown(State(pid: getpid(), name: name, backingFile: backingFile, device: device, lvmDirectory: lvmDirectory))
        try? FileManager.default.removeItem(atPath: stateFile)
    }

    /// Runs `lvm <arguments>` with the fixture's configuration: an independent view of the
    /// volume group for assertions.
    @discardableResult
    public func lvm(_ arguments: [String]) throws -> CommandResult {
        let result = try CommandRunner.run(try Prerequisites.tool("lvm"), arguments, environment: Self.lvmEnvironment(lvmDirectory))
        guard result.succeeded else { throw TestEnvironmentError("lvm \(arguments.joined(separator: " ")) failed: \(result)") }
        return result
    }

    /// The loop devices stacked on this fixture's physical volume (logical volumes made
    /// usable without device-mapper), as /dev paths.
    public var stackedLoopDevices: [String] { Self.loopDevices(backedBy: device) }

    // MARK: - Scratch files for any storage test

    /// A fresh path in `directory`, named so that `cleanUpAbandoned()` can tell when its
    /// owner has died. Nothing is created.
    public static func scratchPath(_ tag: String) -> String {
        "\(directory)/\(ownerPrefix)-\(tag)-\(UUID().uuidString.prefix(8).lowercased())"
    }

    /// Creates a sparse file of `size` bytes at a fresh scratch path and returns its path.
    public static func makeSparseFile(size: UInt64, tag: String = "file") throws -> String {
        try prepareDirectory()
        let path = scratchPath(tag) + ".img"
        guard FileManager.default.createFile(atPath: path, contents: nil) else { throw TestEnvironmentError("cannot create \(path)") }
        guard truncate(path, off_t(size)) == 0 else { throw TestEnvironmentError("cannot size \(path): errno \(errno)") }
        return path
    }

    /// Creates a directory at a fresh scratch path (a mount point, a state directory).
    public static func makeScratchDirectory(tag: String = "dir") throws -> String {
        try prepareDirectory()
        let path = scratchPath(tag)
        // Reachable by the unprivileged users tests run commands as, whatever the umask
        // (lvm2_init sets the process's to 077 for a moment).
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)
        return path
    }

    /// Detaches (after unmounting) every loop device over `file` and the loop devices stacked
    /// on those, then deletes the file. For tests that attach scratch files themselves.
    public static func removeScratchFile(_ file: String) {
        detachLoopDevices(over: file)
        try? FileManager.default.removeItem(atPath: file)
    }

    /// Detaches (after unmounting) every loop device over `file` and those stacked on them,
    /// as a reboot would leave it.
    public static func detachLoopDevices(over file: String) {
        for loop in loopDevices(backedBy: file) { releaseLoop(loop) }
    }

    /// Unmounts whatever is mounted at or below `path` (lazily), then removes the directory;
    /// it is left in place if something stays mounted, so a mounted filesystem is never
    /// emptied by the removal.
    public static func removeScratchDirectory(_ path: String) {
        for mountPoint in mountPoints(under: path).reversed() { _ = umount2(mountPoint, 2) }
        guard mountPoints(under: path).isEmpty else { return }
        try? FileManager.default.removeItem(atPath: path)
    }

    // MARK: - Crash cleanup

    /// Tears down what test processes that no longer run left in `directory`: volume groups
    /// from their state files, then loop devices over their files, mounts under their
    /// directories, and the files themselves. Returns what it removed.
    @discardableResult
    public static func cleanUpAbandoned() -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        var removed: [String] = []
        let abandoned = names.filter { name in
            guard let owner = Owner(prefixOf: name) else { return false }
            return !owner.isRunning
        }
        for name in abandoned where name.hasSuffix(".json") {
            let path = "\(directory)/\(name)"
            if let data = FileManager.default.contents(atPath: path), let state = try? JSONDecoder().decode(State.self, from: data) {
                tearDown(state)
                removed.append("volume group \(state.name)")
            }
            try? FileManager.default.removeItem(atPath: path)
        }
        for name in abandoned where !name.hasSuffix(".json") {
            let path = "\(directory)/\(name)"
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { continue }
            if isDirectory.boolValue {
                removeScratchDirectory(path)
            } else {
                removeScratchFile(path)
            }
            removed.append(path)
        }
        return removed
    }

    // MARK: - Plumbing

    struct State: Codable {
        var pid: Int32
        var name: String
        var backingFile: String
        var device: String?
        var lvmDirectory: String

        func write(to path: String) throws {
            try JSONEncoder().encode(self).write(to: URL(fileURLWithPath: path), options: .atomic)
        }
    }

    /// The process that made an artefact, from its name: pid and start time (so a reused
    /// pid is not mistaken for the owner).
    struct Owner: Equatable {
        var pid: Int32
        var startTime: UInt64

        init(pid: Int32, startTime: UInt64) {
            self.pid = pid
            self.startTime = startTime
        }

        init?(prefixOf name: String) {
            let parts = name.split(separator: "-", maxSplits: 2)
            guard parts.count == 3, let pid = Int32(parts[0]), let start = UInt64(parts[1]) else { return nil }
            self.init(pid: pid, startTime: start)
        }

        static func startTime(of pid: Int32) -> UInt64? {
            guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                  let close = text.lastIndex(of: ")") else { return nil }
            // Field 22 (starttime); fields after the command name start at field 3.
            let fields = text[text.index(after: close)...].split(separator: " ")
            return fields.count > 19 ? UInt64(fields[19]) : nil
        }

        var isRunning: Bool { Owner.startTime(of: pid) == startTime }
    }

    static let ownerPrefix: String = {
        let pid = getpid()
        return "\(pid)-\(Owner.startTime(of: pid) ?? 0)"
    }()

    /// Runs once per test process, before its first fixture.
    private static let abandonedCleanedUp: Void = { cleanUpAbandoned() }()

    private static func prepareDirectory() throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: directory)
        _ = abandonedCleanedUp
    }

    private static func lvmEnvironment(_ lvmDirectory: String) -> [String: String] {
        ["LVM_SYSTEM_DIR": lvmDirectory, "LVM_SUPPRESS_FD_WARNINGS": "1"]
    }

    private static func writeLVMConfig(in lvmDirectory: String, device: String) throws {
        try FileManager.default.createDirectory(atPath: lvmDirectory + "/lock", withIntermediateDirectories: true)
        let deviceMapper = FileManager.default.fileExists(atPath: "/dev/mapper/control")
        let config = """
            devices {
                global_filter = [ "a|^\(device)$|", "r|.*|" ]
                obtain_device_list_from_udev = 0
                external_device_info_source = "none"
                use_devicesfile = 0
                hints = "none"
            }
            global {
                activation = \(deviceMapper ? 1 : 0)
                locking_dir = "\(lvmDirectory)/lock"
                use_lvmpolld = 0
                notify_dbus = 0
            }
            activation {
                udev_sync = 0
                udev_rules = 0
                monitoring = 0
            }
            backup {
                backup = 0
                archive = 0
            }

            """
        try config.write(toFile: lvmDirectory + "/lvm.conf", atomically: true, encoding: .utf8)
    }

    /// Attaches `file` with losetup on a free loop device, making its node first if the host
    /// has no udev to make it.
    private static func attach(_ file: String) throws -> String {
        var lastError = ""
        for _ in 0..<16 {
            let number = try freeLoopNumber()
            let node = "/dev/loop\(number)"
            try ensureNode(number)
            let result = try CommandRunner.run(try Prerequisites.tool("losetup"), [node, file])
            if result.succeeded { return node }
            lastError = result.description  // taken by another process meanwhile: try the next
        }
        throw TestEnvironmentError("cannot attach \(file): \(lastError)")
    }

    private static func freeLoopNumber() throws -> Int32 {
        let control = open("/dev/loop-control", O_RDWR | O_CLOEXEC)
        guard control >= 0 else { throw TestEnvironmentError("cannot open /dev/loop-control: errno \(errno) (root and the loop module are needed)") }
        defer { close(control) }
        let number = ioctl(control, 0x4C82)  // LOOP_CTL_GET_FREE
        guard number >= 0 else { throw TestEnvironmentError("LOOP_CTL_GET_FREE failed: errno \(errno)") }
        return number
    }

    private static func ensureNode(_ number: Int32) throws {
        let node = "/dev/loop\(number)"
        if FileManager.default.fileExists(atPath: node) { return }
        guard let text = try? String(contentsOfFile: "/sys/block/loop\(number)/dev", encoding: .utf8) else {
            throw TestEnvironmentError("no /sys/block/loop\(number)/dev")
        }
        let parts = text.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ":").compactMap { UInt64($0) }
        guard parts.count == 2 else { throw TestEnvironmentError("bad major:minor in /sys/block/loop\(number)/dev") }
        let (major, minor) = (parts[0], parts[1])
        let device = ((major & 0xfff) << 8) | ((major & ~0xfff) << 32) | (minor & 0xff) | ((minor & ~0xff) << 12)
        guard mknod(node, S_IFBLK | 0o660, dev_t(device)) == 0 || errno == EEXIST else {
            throw TestEnvironmentError("mknod \(node) failed: errno \(errno)")
        }
    }

    /// Loop devices whose backing file is `path`, from sysfs.
    static func loopDevices(backedBy path: String) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: "/sys/block")) ?? []
        return names.filter { $0.hasPrefix("loop") }.sorted().compactMap { name in
            guard let backing = try? String(contentsOfFile: "/sys/block/\(name)/loop/backing_file", encoding: .utf8) else { return nil }
            let trimmed = backing.trimmingCharacters(in: .newlines)
            return trimmed == path || trimmed == path + " (deleted)" ? "/dev/\(name)" : nil
        }
    }

    /// Releases `loop` and everything stacked on it: loops over it first, then its mounts.
    private static func releaseLoop(_ loop: String) {
        for stacked in loopDevices(backedBy: loop) { releaseLoop(stacked) }
        // umount by device name unmounts its most recent mount; repeat for the others.
        for _ in 0..<16 {
            guard (try? CommandRunner.run(try Prerequisites.tool("umount"), ["-l", loop]))?.succeeded == true else { break }
        }
        _ = try? CommandRunner.run(try Prerequisites.tool("losetup"), ["-d", loop])
    }

    private static func tearDown(_ state: State) {
        if let device = state.device, loopDevices(backedBy: state.backingFile).contains(device) {
            for stacked in loopDevices(backedBy: device) { releaseLoop(stacked) }
            let environment = lvmEnvironment(state.lvmDirectory)
            _ = try? CommandRunner.run(try Prerequisites.tool("lvm"), ["vgremove", "-f", state.name], environment: environment)
            _ = try? CommandRunner.run(try Prerequisites.tool("lvm"), ["pvremove", "-qq", device], environment: environment)
        }
        // Whatever losetup attached over the file (the device above, or one attached by a
        // crash between losetup and the state file's update).
        removeScratchFile(state.backingFile)
        try? FileManager.default.removeItem(atPath: state.lvmDirectory)
    }

    /// Mount points at or below `path`, in mount order.
    private static func mountPoints(under path: String) -> [String] {
        guard let text = try? String(contentsOfFile: "/proc/self/mountinfo", encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap { line -> String? in
            let fields = line.split(separator: " ")
            guard fields.count > 4 else { return nil }
            let mountPoint = String(fields[4]).replacingOccurrences(of: "\\040", with: " ")
            return mountPoint == path || mountPoint.hasPrefix(path + "/") ? mountPoint : nil
        }
    }

    /// Whether storage tests can run here, and failing loudly in CI when they cannot.
    public enum Prerequisites {
        /// Whether CI=true: there a missing prerequisite must fail a test, never skip it.
        public static var isCI: Bool { ProcessInfo.processInfo.environment["CI"] == "true" }

        /// What is missing for tests that need root, loop devices and `tools`; empty when
        /// nothing is.
        public static func missing(tools: [String] = []) -> [String] {
            var missing: [String] = []
            if getuid() != 0 { missing.append("root") }
            if !FileManager.default.fileExists(atPath: "/dev/loop-control") { missing.append("/dev/loop-control") }
            for tool in tools where (try? self.tool(tool)) == nil {
                missing.append(tool)
            }
            return missing
        }

        /// Whether a test with these needs should run: always in CI (so it fails there if
        /// something is missing), elsewhere only when nothing is missing.
        public static func shouldRun(tools: [String] = []) -> Bool {
            isCI || missing(tools: tools).isEmpty
        }

        /// The absolute path of `name`, looked up on PATH and in the sbin directories (a
        /// test runner's PATH often lacks them).
        public static func tool(_ name: String) throws -> String {
            if let path = try? CommandRunner.which(name) { return path }
            for directory in ["/usr/sbin", "/sbin", "/usr/bin", "/bin"] where FileManager.default.isExecutableFile(atPath: "\(directory)/\(name)") {
                return "\(directory)/\(name)"
            }
            throw TestEnvironmentError("\(name) is not installed (run Scripts/bootstrap)")
        }

        /// Throws, naming what is missing, unless everything is present.
        public static func require(tools: [String] = []) throws {
            let missing = missing(tools: tools)
            guard missing.isEmpty else {
                throw TestEnvironmentError("storage test prerequisites missing: \(missing.joined(separator: ", ")) (run as root after Scripts/bootstrap)")
            }
        }
    }
}
