/// Why a patch could not be applied. Each case knows the HTTP status kube-apiserver answers
/// with, so the server renders it as a `Status` without guessing.
public enum PatchError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The patch document itself is malformed (not the JSON shape its type requires, a
    /// directive with a bad value). kube-apiserver answers 400 BadRequest.
    case badRequest(String)
    /// The patch is well formed but does not apply to this object (a JSON-patch path that is
    /// missing, a failed "test", a merge list element without its key). 422 Invalid.
    case invalid(String)
    /// A server-side apply would change fields that other managers own. 409 Conflict.
    case conflicts([ApplyConflict])

    /// The HTTP status code kube-apiserver uses for this error.
    public var code: Int {
        switch self {
        case .badRequest: return 400
        case .invalid: return 422
        case .conflicts: return 409
        }
    }

    /// The `Status.reason` that goes with `code`.
    public var reason: String {
        switch self {
        case .badRequest: return "BadRequest"
        case .invalid: return "Invalid"
        case .conflicts: return "Conflict"
        }
    }

    /// The message exactly as kube-apiserver words it.
    public var description: String {
        switch self {
        case .badRequest(let message), .invalid(let message): return message
        case .conflicts(let conflicts): return ApplyConflict.message(for: conflicts)
        }
    }

    /// `details.causes` of the Status: one `FieldManagerConflict` per conflicting field.
    public var causes: [StatusCause] {
        guard case .conflicts(let conflicts) = self else { return [] }
        return conflicts.map {
            StatusCause(reason: "FieldManagerConflict", message: "conflict with \($0.managerDescription)", field: $0.field)
        }
    }
}

/// One field a server-side apply would take from another manager.
public struct ApplyConflict: Sendable, Equatable {
    /// The other manager's name ("kubectl-edit").
    public var manager: String
    /// Its operation: "Apply" or "Update".
    public var operation: String
    /// The API version it wrote with (shown for Update managers).
    public var apiVersion: String?
    /// The subresource it wrote through, if any ("status").
    public var subresource: String?
    /// The field in structured-merge-diff notation: `.spec.replicas`,
    /// `.spec.template.spec.containers[name="nginx"].image`.
    public var field: String

    /// A conflict on `field` with the manager identified by the other parameters.
    public init(manager: String, operation: String, apiVersion: String? = nil, subresource: String? = nil, field: String) {
        self.manager = manager
        self.operation = operation
        self.apiVersion = apiVersion
        self.subresource = subresource
        self.field = field
    }

    /// The manager as kube-apiserver prints it: `"kubectl"` for appliers,
    /// `"kubectl-edit" using apps/v1` for updaters.
    public var managerDescription: String {
        var text = quoted(manager)
        if let subresource, !subresource.isEmpty { text += " with subresource \(quoted(subresource))" }
        if operation == "Update" { text += " using \(apiVersion ?? "")" }
        return text
    }

    /// The 409 message for a set of conflicts, grouped by manager as upstream does.
    static func message(for conflicts: [ApplyConflict]) -> String {
        if conflicts.count == 1, let only = conflicts.first {
            return "Apply failed with 1 conflict: conflict with \(only.managerDescription): \(only.field)"
        }
        var order: [String] = []
        var fields: [String: [String]] = [:]
        for conflict in conflicts {
            let who = conflict.managerDescription
            if fields[who] == nil { order.append(who) }
            fields[who, default: []].append(conflict.field)
        }
        var lines: [String] = []
        for who in order.sorted() {
            lines.append("conflicts with \(who):")
            lines += (fields[who] ?? []).map { "- \($0)" }
        }
        return "Apply failed with \(conflicts.count) conflicts: " + lines.joined(separator: "\n")
    }

    private func quoted(_ text: String) -> String { JSONValue.string(text).jsonString }
}
