import Foundation

/// A failed LVM operation, with what lvm said, classified once (STYLE.md rule 3).
///
/// Callers ask `kind` (or `isNotFound` …) and never match message text themselves.
public struct LVMError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong, as far as Ballast needs to tell.
    public enum Kind: Sendable, Equatable {
        /// The volume group, logical volume or physical volume does not exist.
        case notFound
        /// Something of that name already exists (a retry after a crash finds its own work).
        case alreadyExists
        /// The volume group has too few free (or, with contiguous allocation, too few
        /// adjacent) extents.
        case insufficientSpace
        /// The logical volume already has the requested size (lvextend's "matches existing
        /// size" or "not larger than existing size").
        case sizeUnchanged
        /// A name, tag, size or device path Ballast refused before running lvm (INTEROP
        /// pitfall 9), or lvm's own "invalid" answer.
        case invalidArgument
        /// The device is outside the devices lvm.conf lets lvm see.
        case deviceRejected
        /// The device carries a filesystem or other signature that lvm would have to wipe.
        case signatureFound
        /// The volume's layout cannot be used here (e.g. striped or thin without
        /// device-mapper).
        case unsupported
        /// Anything else.
        case failed
    }

    /// What went wrong.
    public var kind: Kind
    /// The lvm command line ("lvcreate -n pvc-… -L 1073741824b vg0"), or what was refused.
    public var command: String
    /// lvm2_run's return code (1 succeeded, 2 no such command, 3 invalid parameters,
    /// 4 init failed, 5 processing failed); 0 when lvm did not run.
    public var returnCode: Int32
    /// lvm's error and warning lines for the command, in order.
    public var messages: [String]

    /// Makes an error; `classify` decides the kind of one lvm returned.
    public init(_ kind: Kind, command: String, returnCode: Int32 = 0, messages: [String] = []) {
        self.kind = kind
        self.command = command
        self.returnCode = returnCode
        self.messages = messages
    }

    /// Whether the volume group or volume is missing (a delete of it is already done).
    public var isNotFound: Bool { kind == .notFound }
    /// Whether the thing to create exists already.
    public var isAlreadyExists: Bool { kind == .alreadyExists }
    /// Whether the volume group is too full.
    public var isInsufficientSpace: Bool { kind == .insufficientSpace }

    /// "lvcreate … failed (5): Volume group "vg0" has insufficient free space (47 extents): 256 required."
    public var description: String {
        let text = messages.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }.joined(separator: "; ")
        return "lvm \(command) failed\(returnCode == 0 ? "" : " (\(returnCode))")\(text.isEmpty ? "" : ": \(text)")"
    }

    /// The same failure as a driver reports it.
    public var volumeError: VolumeError {
        switch kind {
        case .invalidArgument, .unsupported, .deviceRejected: VolumeError(.invalid, description)
        case .signatureFound: VolumeError(.unsafe, description)
        case .notFound, .alreadyExists, .insufficientSpace, .sizeUnchanged, .failed: VolumeError(.failed, description)
        }
    }

    /// lvm2_run's "processing failed", the code every not-found / exists / space error has.
    static let processingFailed: Int32 = 5
    /// lvm2_run's "invalid parameters".
    static let invalidParameters: Int32 = 3

    /// Decides what a failed lvm command meant, from its return code and its messages.
    ///
    /// Messages are lvm 2.03's (lib/metadata, tools/*): TopoLVM matches the same ones
    /// (internal/lvmd/command/lvm_error.go) and, as here, only under return code 5.
    static func classify(returnCode: Int32, messages: [String]) -> Kind {
        let text = messages.joined(separator: "\n")
        func says(_ fragments: String...) -> Bool { fragments.contains { text.contains($0) } }

        if returnCode == invalidParameters {
            return .invalidArgument
        }
        guard returnCode == processingFailed else { return .failed }
        if says("device is rejected by filter", "excluded by a filter") { return .deviceRejected }
        if messages.contains(where: { $0.contains("Volume group \"") && $0.contains("\" not found") }) { return .notFound }
        if says("Failed to find logical volume", "Failed to find physical volume", "No PV found on device", "No device found for") {
            return .notFound
        }
        if says("already exists in volume group", "already exists.") { return .alreadyExists }
        if says("insufficient free space", "Insufficient free space", "Insufficient suitable") { return .insufficientSpace }
        if says("matches existing size", "not larger than existing size") { return .sizeUnchanged }
        if says("signature detected on", "existing signature left on the device") { return .signatureFound }
        return .failed
    }
}
