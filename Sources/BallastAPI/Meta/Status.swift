/// metav1.Status: the body of every error response and of an immediate delete.
public struct Status: Codable, Sendable, Equatable {
    public var apiVersion: String? = "v1"
    public var kind: String? = "Status"
    public var metadata: ListMeta? = ListMeta()
    public var status: String?
    public var message: String?
    public var reason: String?
    public var details: StatusDetails?
    public var code: Int?

    public init(status: String?, message: String? = nil, reason: String? = nil, details: StatusDetails? = nil, code: Int? = nil) {
        self.status = status
        self.message = message
        self.reason = reason
        self.details = details
        self.code = code
    }
}

public struct StatusDetails: Codable, Sendable, Equatable {
    public var name: String?
    public var group: String?
    public var kind: String?
    public var uid: String?
    public var causes: [StatusCause]?
    public var retryAfterSeconds: Int?

    public init(name: String? = nil, group: String? = nil, kind: String? = nil, uid: String? = nil, causes: [StatusCause]? = nil) {
        self.name = name
        self.group = group
        self.kind = kind
        self.uid = uid
        self.causes = causes
    }
}

public struct StatusCause: Codable, Sendable, Equatable {
    public var reason: String?
    public var message: String?
    public var field: String?

    public init(reason: String?, message: String?, field: String?) {
        self.reason = reason
        self.message = message
        self.field = field
    }
}

/// metav1.DeleteOptions, as kubectl sends it in a DELETE body.
public struct DeleteOptions: Codable, Sendable, Equatable {
    public var apiVersion: String?
    public var kind: String?
    public var gracePeriodSeconds: Int64?
    public var propagationPolicy: String?
    public var orphanDependents: Bool?
    public var preconditions: Preconditions?
    public var dryRun: [String]?

    public struct Preconditions: Codable, Sendable, Equatable {
        public var uid: String?
        public var resourceVersion: String?
        public init(uid: String? = nil, resourceVersion: String? = nil) {
            self.uid = uid
            self.resourceVersion = resourceVersion
        }
    }

    public init(gracePeriodSeconds: Int64? = nil, propagationPolicy: String? = nil, preconditions: Preconditions? = nil) {
        self.gracePeriodSeconds = gracePeriodSeconds
        self.propagationPolicy = propagationPolicy
        self.preconditions = preconditions
    }
}
