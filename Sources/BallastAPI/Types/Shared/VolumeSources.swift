/// Volume sources that both a Pod's volumes and a PersistentVolume can name.

/// core/v1 HostPathVolumeSource: a path on the node, with an optional type check.
public struct HostPathVolumeSource: Codable, Sendable, Equatable, Hashable {
    public var path: String
    public var type: String?

    public init(path: String, type: String? = nil) {
        self.path = path
        self.type = type
    }

    /// The hostPath types, "" meaning no check.
    public static let types = ["", "BlockDevice", "CharDevice", "Directory", "DirectoryOrCreate", "File", "FileOrCreate", "Socket"]
}

/// core/v1 NFSVolumeSource: an export on an NFS server.
public struct NFSVolumeSource: Codable, Sendable, Equatable, Hashable {
    public var server: String
    public var path: String
    public var readOnly: Bool?

    public init(server: String, path: String, readOnly: Bool? = nil) {
        self.server = server
        self.path = path
        self.readOnly = readOnly
    }
}

/// core/v1 LocalVolumeSource: a directory or device on one node (PV only).
public struct LocalVolumeSource: Codable, Sendable, Equatable, Hashable {
    public var path: String
    public var fsType: String?

    public init(path: String, fsType: String? = nil) {
        self.path = path
        self.fsType = fsType
    }
}

/// core/v1 CSIPersistentVolumeSource: a volume served by a named driver.
public struct CSIPersistentVolumeSource: Codable, Sendable, Equatable, Hashable {
    public var driver: String
    public var volumeHandle: String
    public var readOnly: Bool?
    public var fsType: String?
    public var volumeAttributes: [String: String]?
    public var controllerPublishSecretRef: SecretReference?
    public var nodeStageSecretRef: SecretReference?
    public var nodePublishSecretRef: SecretReference?
    public var controllerExpandSecretRef: SecretReference?
    public var nodeExpandSecretRef: SecretReference?

    public init(driver: String, volumeHandle: String, fsType: String? = nil, volumeAttributes: [String: String]? = nil) {
        self.driver = driver
        self.volumeHandle = volumeHandle
        self.fsType = fsType
        self.volumeAttributes = volumeAttributes
    }
}

/// core/v1 CSIVolumeSource: an inline ephemeral CSI volume in a Pod.
public struct CSIVolumeSource: Codable, Sendable, Equatable, Hashable {
    public var driver: String
    public var readOnly: Bool?
    public var fsType: String?
    public var volumeAttributes: [String: String]?
    public var nodePublishSecretRef: LocalObjectReference?

    public init(driver: String, readOnly: Bool? = nil, fsType: String? = nil, volumeAttributes: [String: String]? = nil) {
        self.driver = driver
        self.readOnly = readOnly
        self.fsType = fsType
        self.volumeAttributes = volumeAttributes
    }
}
