public import BallastAPI

/// An error that reaches the user as a Kubernetes Status with an HTTP code (STYLE rule 10).
public protocol APIStatusError: Error, Sendable {
    var status: Status { get }
}

/// The errors the API server answers with, each rendered as upstream renders it.
public struct APIError: APIStatusError, CustomStringConvertible {
    public var status: Status

    public init(code: Int, reason: String, message: String, details: StatusDetails? = nil) {
        status = Status(status: "Failure", message: message, reason: reason, details: details, code: code)
    }

    public var code: Int { status.code ?? 500 }
    public var description: String { "\(code) \(status.reason ?? ""): \(status.message ?? "")" }

    /// 400: the request itself is malformed.
    public static func badRequest(_ message: String) -> APIError {
        APIError(code: 400, reason: "BadRequest", message: message)
    }

    /// 401: no valid credentials.
    public static let unauthorized = APIError(code: 401, reason: "Unauthorized", message: "Unauthorized")

    /// 403: authenticated, but not allowed.
    public static func forbidden(_ message: String, resource: ResourceInfo? = nil, name: String? = nil) -> APIError {
        APIError(code: 403, reason: "Forbidden", message: message,
                 details: resource.map { StatusDetails(name: name, group: $0.group.isEmpty ? nil : $0.group, kind: $0.plural) })
    }

    /// 404 for an object: `persistentvolumeclaims "data" not found`.
    public static func notFound(_ resource: ResourceInfo, name: String) -> APIError {
        APIError(code: 404, reason: "NotFound", message: "\(resource.qualifiedName) \"\(name)\" not found",
                 details: StatusDetails(name: name, group: resource.group.isEmpty ? nil : resource.group, kind: resource.plural))
    }

    /// 404 for an unknown path.
    public static let pathNotFound = APIError(code: 404, reason: "NotFound", message: "the server could not find the requested resource")

    /// 404 for a namespace that does not exist (on create in it).
    public static func namespaceNotFound(_ namespace: String) -> APIError {
        APIError(code: 404, reason: "NotFound", message: "namespaces \"\(namespace)\" not found",
                 details: StatusDetails(name: namespace, kind: "namespaces"))
    }

    /// 405 for a verb the resource does not serve.
    public static func methodNotAllowed(_ message: String = "the server does not allow this method on the requested resource") -> APIError {
        APIError(code: 405, reason: "MethodNotAllowed", message: message)
    }

    /// 409 on create of an existing name.
    public static func alreadyExists(_ resource: ResourceInfo, name: String) -> APIError {
        APIError(code: 409, reason: "AlreadyExists", message: "\(resource.qualifiedName) \"\(name)\" already exists",
                 details: StatusDetails(name: name, group: resource.group.isEmpty ? nil : resource.group, kind: resource.plural))
    }

    /// 409 on a stale resourceVersion.
    public static func conflict(_ resource: ResourceInfo, name: String, reason: String? = nil) -> APIError {
        let why = reason ?? "the object has been modified; please apply your changes to the latest version and try again"
        return APIError(code: 409, reason: "Conflict", message: "Operation cannot be fulfilled on \(resource.qualifiedName) \"\(name)\": \(why)",
                        details: StatusDetails(name: name, group: resource.group.isEmpty ? nil : resource.group, kind: resource.plural))
    }

    /// 410 for a watch or continue token older than the retained history.
    public static func expired(_ message: String) -> APIError {
        APIError(code: 410, reason: "Expired", message: message)
    }

    /// 415 for a body the server cannot read.
    public static func unsupportedMediaType(_ contentType: String) -> APIError {
        APIError(code: 415, reason: "UnsupportedMediaType", message: "the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf (unsupported here: \(contentType))")
    }

    /// 422 with one cause per bad field: `The PersistentVolumeClaim "data" is invalid: …`.
    public static func invalid(kind: String, group: String, name: String, errors: [FieldError]) -> APIError {
        let causes = errors.map { StatusCause(reason: $0.kind.rawValue, message: $0.errorBody, field: $0.field) }
        let summary: String
        if errors.count == 1, let only = errors.first {
            summary = only.description
        } else {
            summary = "[" + errors.map(\.description).joined(separator: ", ") + "]"
        }
        return APIError(code: 422, reason: "Invalid", message: "\(kind) \"\(name)\" is invalid: \(summary)",
                        details: StatusDetails(name: name, group: group.isEmpty ? nil : group, kind: kind, causes: causes))
    }

    /// 422 without field detail (e.g. a JSON patch that does not apply).
    public static func unprocessable(_ message: String) -> APIError {
        APIError(code: 422, reason: "Invalid", message: message)
    }

    /// 429 when the server sheds load.
    public static func tooManyRequests(_ message: String) -> APIError {
        APIError(code: 429, reason: "TooManyRequests", message: message)
    }

    /// 500 for what should not happen.
    public static func internalError(_ message: String) -> APIError {
        APIError(code: 500, reason: "InternalError", message: "Internal error occurred: \(message)")
    }
}
