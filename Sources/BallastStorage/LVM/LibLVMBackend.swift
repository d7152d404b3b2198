import Foundation
import Glibc

/// `LVMBackend` over liblvm2cmd in this process (Docs/adr/0001-lvm-via-liblvm2cmd.md).
///
/// An actor on its own thread: it owns the library handle and runs one lvm command at a
/// time (the library is not thread-safe, INTEROP pitfall 10), and the blocking calls never
/// hold a thread of the cooperative pool. It writes its own lvm.conf into its state
/// directory (see `LVMConfiguration.lvmConf`), so the host's /etc/lvm is never read and only
/// the configured devices are scanned.
public actor LibLVMBackend: LVMBackend {
    /// How lvm runs: the state directory and the devices it may see.
    public private(set) var configuration: LVMConfiguration
    private let executor: LVMExecutor
    /// Opened on first use, on the actor's thread; closed when the configuration changes.
    private var library: LVMLibrary?

    /// Every command on the actor's own thread.
    public nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }

    /// Prepares the state directory and writes lvm.conf; lvm itself starts on first use.
    /// - Throws: `LVMError` `.invalidArgument` for a bad device or directory, `.failed` if
    ///   the directory cannot be written.
    public init(configuration: LVMConfiguration) throws(LVMError) {
        try Self.validate(configuration)
        try Self.write(configuration)
        self.configuration = configuration
        self.executor = LVMExecutor(name: "ballast-lvm")
    }

    /// Replaces the devices lvm may see, rewriting lvm.conf. The next command starts lvm
    /// afresh, so the new filter is certain to apply.
    public func setDevices(_ devices: [String]) throws(LVMError) {
        var changed = configuration
        var seen = Set<String>()
        changed.devices = devices.filter { seen.insert($0).inserted }
        guard changed != configuration else { return }
        try Self.validate(changed)
        try Self.write(changed)
        configuration = changed
        library?.close()
        library = nil
    }

    /// Adds `devices` to those lvm may see.
    public func allowDevices(_ devices: [String]) throws(LVMError) {
        try setDevices(configuration.devices + devices)
    }

    /// `lvm fullreport` with `LVMReport.fullReportArguments`; see `LVMBackend.report`.
    public func report() throws(LVMError) -> LVMReport {
        let output = try run(LVMReport.fullReportArguments)
        guard let start = output.json.firstIndex(of: "{") else {
            throw LVMError(.failed, command: "fullreport", returnCode: output.returnCode, messages: ["no report printed"] + output.messages)
        }
        return try LVMReport(fullReportJSON: Data(output.json[start...].utf8))
    }

    /// `pvcreate -qq`; see `LVMBackend.createPhysicalVolume(on:)`.
    public func createPhysicalVolume(on device: String) throws(LVMError) {
        try LVMName.validateDevice(device)
        // -qq answers "no" to lvm's "Wipe it?", so a signature is never wiped.
        try run(["pvcreate", "-qq", device])
    }

    /// `vgcreate`; see `LVMBackend.createVolumeGroup`.
    public func createVolumeGroup(_ name: String, on devices: [String], tags: [String]) throws(LVMError) {
        try LVMName.validateVolumeGroup(name)
        for device in devices { try LVMName.validateDevice(device) }
        for tag in tags { try LVMName.validateTag(tag) }
        guard !devices.isEmpty else { throw LVMError(.invalidArgument, command: "vgcreate \(name)", messages: ["no devices given"]) }
        try run(["vgcreate", "-qq"] + tags.flatMap { ["--addtag", $0] } + [name] + devices)
    }

    /// `lvcreate`, with -an -Zn where activation is off; see `LVMBackend.createLogicalVolume`.
    public func createLogicalVolume(_ request: LogicalVolumeRequest) throws(LVMError) {
        try LVMName.validateLogicalVolume(request.name)
        try LVMName.validateVolumeGroup(request.volumeGroup)
        for tag in request.tags { try LVMName.validateTag(tag) }
        guard request.size > 0 else {
            throw LVMError(.invalidArgument, command: "lvcreate \(request.name)", messages: ["size must be positive"])
        }
        var arguments = ["lvcreate", "-n", request.name]
        if let pool = request.thinPool {
            try LVMName.validateLogicalVolume(pool)
            arguments += ["-V", "\(request.size)b", "--thinpool", pool]
        } else {
            arguments += ["-L", "\(request.size)b"]
        }
        if request.contiguous && request.thinPool == nil { arguments += ["--alloc", "contiguous"] }
        if configuration.activation {
            // A new volume may sit on a removed one's blocks: zero its start and wipe old
            // signatures (answering lvm's question with yes, for this new volume only).
            arguments += ["-ay", "-Zy", "-Wy", "--yes"]
        } else {
            // Nothing to activate, nothing to zero through (pitfall 11): LinearLVDevice
            // clears the start through its loop device instead.
            arguments += ["-an", "-Zn", "-Wn", "-qq"]
        }
        arguments += request.tags.flatMap { ["--addtag", $0] }
        try run(arguments + [request.volumeGroup])
    }

    /// `lvextend`, treating "already that size" as done; see `LVMBackend.extendLogicalVolume`.
    public func extendLogicalVolume(_ name: String, in volumeGroup: String, to size: Int64, contiguous: Bool) throws(LVMError) {
        try LVMName.validateLogicalVolume(name)
        try LVMName.validateVolumeGroup(volumeGroup)
        guard size > 0 else { throw LVMError(.invalidArgument, command: "lvextend \(volumeGroup)/\(name)", messages: ["size must be positive"]) }
        var arguments = ["lvextend", "-qq", "-L", "\(size)b"]
        // Explicit either way: lvextend would otherwise inherit the policy the volume was
        // created with.
        arguments += ["--alloc", contiguous ? "contiguous" : "normal"]
        do {
            try run(arguments + ["\(volumeGroup)/\(name)"])
        } catch where error.kind == .sizeUnchanged {
            return
        }
    }

    /// `lvremove -f`; see `LVMBackend.removeLogicalVolume`.
    public func removeLogicalVolume(_ name: String, in volumeGroup: String) throws(LVMError) {
        try LVMName.validateLogicalVolume(name)
        try LVMName.validateVolumeGroup(volumeGroup)
        // -f: no "really remove active volume?" question; the caller decided.
        try run(["lvremove", "-f", "\(volumeGroup)/\(name)"])
    }

    /// `vgremove` without -f; see `LVMBackend.removeVolumeGroup`.
    public func removeVolumeGroup(_ name: String) throws(LVMError) {
        try LVMName.validateVolumeGroup(name)
        // No -f: a group with volumes makes lvm ask, -qq answers no, and nothing is removed.
        try run(["vgremove", "-qq", name])
    }

    /// `pvresize -qq`; see `LVMBackend.resizePhysicalVolume(on:)`.
    public func resizePhysicalVolume(on device: String) throws(LVMError) {
        try LVMName.validateDevice(device)
        try run(["pvresize", "-qq", device])
    }

    /// `pvremove -qq`; see `LVMBackend.removePhysicalVolume(on:)`.
    public func removePhysicalVolume(on device: String) throws(LVMError) {
        try LVMName.validateDevice(device)
        try run(["pvremove", "-qq", device])
    }

    // MARK: - Plumbing

    /// Runs one command and throws its classified error unless it succeeded.
    @discardableResult
    private func run(_ arguments: [String]) throws(LVMError) -> LVMCommandOutput {
        let commandLine = arguments.joined(separator: " ")
        // lvm2_run would split an argument with whitespace into several (pitfall 9).
        if arguments.contains(where: { $0.isEmpty || $0.contains(where: \.isWhitespace) }) {
            throw LVMError(.invalidArgument, command: commandLine, messages: ["an argument is empty or contains whitespace"])
        }
        let library = try openLibrary()
        let output = library.run(arguments)
        guard output.returnCode == 1 else {
            let messages = output.messages
            throw LVMError(LVMError.classify(returnCode: output.returnCode, messages: messages), command: commandLine,
                           returnCode: output.returnCode, messages: messages)
        }
        return output
    }

    private func openLibrary() throws(LVMError) -> LVMLibrary {
        if let library { return library }
        let opened = try LVMLibrary(systemDirectory: configuration.systemDirectory)
        library = opened
        return opened
    }

    private static func validate(_ configuration: LVMConfiguration) throws(LVMError) {
        for device in configuration.devices { try LVMName.validateDevice(device) }
        let directory = configuration.stateDirectory
        guard directory.hasPrefix("/"), !directory.contains(where: { "\"\\\n".contains($0) }) else {
            throw LVMError(.invalidArgument, command: "(configuration)", messages: ["state directory \"\(directory)\" must be an absolute path without quotes, backslashes or newlines"])
        }
    }

    private static func write(_ configuration: LVMConfiguration) throws(LVMError) {
        do {
            for directory in [configuration.systemDirectory, configuration.lockDirectory, configuration.backupDirectory,
                              configuration.archiveDirectory] {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                        attributes: [.posixPermissions: 0o700])
            }
            // Atomic replace: lvm never reads half a file.
            try configuration.lvmConf.write(toFile: "\(configuration.systemDirectory)/lvm.conf", atomically: true, encoding: .utf8)
        } catch {
            throw LVMError(.failed, command: "(writing lvm.conf)", messages: ["\(configuration.stateDirectory): \(error)"])
        }
    }
}
