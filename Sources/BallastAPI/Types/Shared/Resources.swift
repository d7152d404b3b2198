/// core/v1 ResourceRequirements: a container's requests and limits ("cpu", "memory", ...).
public struct ResourceRequirements: Codable, Sendable, Equatable {
    public var limits: [String: Quantity]?
    public var requests: [String: Quantity]?
    public var claims: [ResourceClaim]?

    public init(limits: [String: Quantity]? = nil, requests: [String: Quantity]? = nil) {
        self.limits = limits
        self.requests = requests
    }

    public struct ResourceClaim: Codable, Sendable, Equatable {
        public var name: String
        public var request: String?
    }
}

/// core/v1 VolumeResourceRequirements: a claim's storage request and limit.
public struct VolumeResourceRequirements: Codable, Sendable, Equatable {
    public var limits: [String: Quantity]?
    public var requests: [String: Quantity]?

    public init(limits: [String: Quantity]? = nil, requests: [String: Quantity]? = nil) {
        self.limits = limits
        self.requests = requests
    }

    /// requests["storage"].
    public var storage: Quantity? { requests?["storage"] }
}

/// The standard resource names.
public enum ResourceName {
    public static let cpu = "cpu"
    public static let memory = "memory"
    public static let storage = "storage"
    public static let ephemeralStorage = "ephemeral-storage"
    public static let pods = "pods"
}
