import Foundation

/// The StorageClass `pathPattern` of the NFS driver: where, under the share, a claim's
/// directory goes. The variables are those of nfs-subdir-external-provisioner plus the
/// volume name: `${.PVC.namespace}`, `${.PVC.name}`, `${.PVC.labels.<key>}`,
/// `${.PVC.annotations.<key>}` and `${.PV.name}`.
///
/// Unlike upstream, which silently replaces an unknown variable or a missing label with
/// "" and then falls back to its default name, a pattern with an unknown variable is
/// refused when the class is validated, and an expansion that is not a clean relative
/// path (an empty segment, ".", "..", a leading "/") is refused at provisioning.
public struct NFSPathPattern: Sendable, Equatable, CustomStringConvertible {
    /// Upstream's default directory name: "<namespace>-<claim name>-<volume name>".
    public static let defaultPattern = "${.PVC.namespace}-${.PVC.name}-${.PV.name}"

    /// Longest directory name most servers accept (NAME_MAX).
    static let maximumSegmentLength = 255

    enum Variable: Sendable, Equatable {
        case claimNamespace
        case claimName
        case volumeName
        case label(String)
        case annotation(String)
    }

    enum Piece: Sendable, Equatable {
        case literal(String)
        case variable(Variable)
    }

    /// The pattern as written.
    public let text: String
    let pieces: [Piece]

    /// Parses `text`.
    /// - Throws: a message naming what is wrong (unknown variable, unclosed "${").
    public init(_ text: String) throws(NFSPatternError) {
        self.text = text
        var pieces: [Piece] = []
        var literal = ""
        var rest = Substring(text)
        while let start = rest.range(of: "${") {
            literal += rest[..<start.lowerBound]
            guard let end = rest[start.upperBound...].firstIndex(of: "}") else {
                throw NFSPatternError("\"${\" without a closing \"}\" in \(text.nfsQuoted)")
            }
            let name = String(rest[start.upperBound..<end])
            if !literal.isEmpty { pieces.append(.literal(literal)) }
            literal = ""
            pieces.append(.variable(try Self.variable(name)))
            rest = rest[rest.index(after: end)...]
        }
        literal += rest
        if !literal.isEmpty { pieces.append(.literal(literal)) }
        self.pieces = pieces
        // A pattern must give a valid path whatever the claim: try it with plain values.
        let sample = expandUnchecked { _ in "x" }
        if let problem = Self.problem(inRelativePath: sample) {
            throw NFSPatternError("\(text.nfsQuoted) cannot give a valid path (\(problem))")
        }
    }

    private static func variable(_ name: String) throws(NFSPatternError) -> Variable {
        switch name {
        case ".PVC.namespace": return .claimNamespace
        case ".PVC.name": return .claimName
        case ".PV.name": return .volumeName
        default:
            for (prefix, make) in [(".PVC.labels.", Variable.label), (".PVC.annotations.", Variable.annotation)] where name.hasPrefix(prefix) {
                let key = String(name.dropFirst(prefix.count))
                guard !key.isEmpty else { throw NFSPatternError("\"${\(name)}\" names no key") }
                return make(key)
            }
            throw NFSPatternError(
                "unknown variable \"${\(name)}\" (known: ${.PVC.namespace}, ${.PVC.name}, ${.PV.name}, ${.PVC.labels.<key>}, ${.PVC.annotations.<key>})")
        }
    }

    /// The relative directory path for a claim's volume.
    /// - Throws: when the expansion is not a clean relative path, naming the cause (for
    ///   example a label the claim lacks, which expands to an empty segment).
    public func expand(claim: ClaimInfo, volumeName: String) throws(NFSPatternError) -> String {
        var missing: [String] = []
        let path = expandUnchecked { variable in
            switch variable {
            case .claimNamespace: return claim.namespace
            case .claimName: return claim.name
            case .volumeName: return volumeName
            case .label(let key):
                if claim.labels[key] == nil { missing.append("label \(key.nfsQuoted)") }
                return claim.labels[key] ?? ""
            case .annotation(let key):
                if claim.annotations[key] == nil { missing.append("annotation \(key.nfsQuoted)") }
                return claim.annotations[key] ?? ""
            }
        }
        if let problem = Self.problem(inRelativePath: path) {
            let cause = missing.isEmpty ? "" : "; the claim has no " + missing.joined(separator: ", no ")
            throw NFSPatternError("\(text.nfsQuoted) expands to \(path.nfsQuoted) for claim \(claim.namespace)/\(claim.name): \(problem)\(cause)")
        }
        return path
    }

    private func expandUnchecked(_ value: (Variable) -> String) -> String {
        pieces.map { piece in
            switch piece {
            case .literal(let text): return text
            case .variable(let variable): return value(variable)
            }
        }.joined()
    }

    /// What makes `path` unusable as a directory path relative to the share, or nil.
    static func problem(inRelativePath path: String) -> String? {
        if path.isEmpty { return "the path is empty" }
        if path.hasPrefix("/") { return "the path is absolute" }
        if path.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7f }) { return "the path contains a control character" }
        for segment in path.split(separator: "/", omittingEmptySubsequences: false) {
            if segment.isEmpty { return "the path has an empty segment" }
            if segment == "." || segment == ".." { return "the path has a \(String(segment).nfsQuoted) segment" }
            if segment.utf8.count > maximumSegmentLength { return "a segment is longer than \(maximumSegmentLength) bytes" }
        }
        return nil
    }

    /// The pattern as written.
    public var description: String { text }
}

/// Why a path pattern or its expansion is unusable.
public struct NFSPatternError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What is wrong, quoting the pattern.
    public var message: String

    /// Wraps `message`.
    public init(_ message: String) { self.message = message }

    /// The message.
    public var description: String { message }
}

extension String {
    /// The string in double quotes with quotes and backslashes escaped, as Go's %q does
    /// for printable text: how Ballast's messages quote user input.
    var nfsQuoted: String {
        var result = "\""
        for scalar in unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\t": result += "\\t"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7f {
                    result += "\\x" + String(scalar.value, radix: 16, uppercase: false).leftPadded(to: 2)
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result + "\""
    }

    private func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
