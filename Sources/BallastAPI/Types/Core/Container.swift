/// core/v1 Container: one process image in a Pod.
public struct Container: Codable, Sendable, Equatable {
    public var name: String
    public var image: String?
    public var command: [String]?
    public var args: [String]?
    public var workingDir: String?
    public var ports: [ContainerPort]?
    public var envFrom: [EnvFromSource]?
    public var env: [EnvVar]?
    public var resources: ResourceRequirements?
    public var resizePolicy: [ContainerResizePolicy]?
    /// Only "Always", and only on init containers (sidecars).
    public var restartPolicy: String?
    public var volumeMounts: [VolumeMount]?
    public var volumeDevices: [VolumeDevice]?
    public var livenessProbe: Probe?
    public var readinessProbe: Probe?
    public var startupProbe: Probe?
    public var lifecycle: Lifecycle?
    public var terminationMessagePath: String?
    public var terminationMessagePolicy: String?
    public var imagePullPolicy: String?
    public var securityContext: SecurityContext?
    public var stdin: Bool?
    public var stdinOnce: Bool?
    public var tty: Bool?

    public init(
        name: String, image: String? = nil, command: [String]? = nil, args: [String]? = nil, workingDir: String? = nil,
        ports: [ContainerPort]? = nil, envFrom: [EnvFromSource]? = nil, env: [EnvVar]? = nil,
        resources: ResourceRequirements? = nil, resizePolicy: [ContainerResizePolicy]? = nil, restartPolicy: String? = nil,
        volumeMounts: [VolumeMount]? = nil, volumeDevices: [VolumeDevice]? = nil, livenessProbe: Probe? = nil,
        readinessProbe: Probe? = nil, startupProbe: Probe? = nil, lifecycle: Lifecycle? = nil,
        terminationMessagePath: String? = nil, terminationMessagePolicy: String? = nil, imagePullPolicy: String? = nil,
        securityContext: SecurityContext? = nil, stdin: Bool? = nil, stdinOnce: Bool? = nil, tty: Bool? = nil
    ) {
        self.name = name
        self.image = image
        self.command = command
        self.args = args
        self.workingDir = workingDir
        self.ports = ports
        self.envFrom = envFrom
        self.env = env
        self.resources = resources
        self.resizePolicy = resizePolicy
        self.restartPolicy = restartPolicy
        self.volumeMounts = volumeMounts
        self.volumeDevices = volumeDevices
        self.livenessProbe = livenessProbe
        self.readinessProbe = readinessProbe
        self.startupProbe = startupProbe
        self.lifecycle = lifecycle
        self.terminationMessagePath = terminationMessagePath
        self.terminationMessagePolicy = terminationMessagePolicy
        self.imagePullPolicy = imagePullPolicy
        self.securityContext = securityContext
        self.stdin = stdin
        self.stdinOnce = stdinOnce
        self.tty = tty
    }

    /// Whether this is a restartable init container (a sidecar).
    public var isRestartable: Bool { restartPolicy == "Always" }
}

/// core/v1 EphemeralContainer: a Container added to a running Pod for debugging, with the
/// container whose namespaces it joins. On the wire its fields sit beside the container's.
public struct EphemeralContainer: Codable, Sendable, Equatable {
    public var container: Container
    public var targetContainerName: String?

    public init(container: Container, targetContainerName: String? = nil) {
        self.container = container
        self.targetContainerName = targetContainerName
    }

    private enum CodingKeys: String, CodingKey { case targetContainerName }

    public init(from decoder: any Decoder) throws {
        container = try Container(from: decoder)
        targetContainerName = try decoder.container(keyedBy: CodingKeys.self).decodeIfPresent(String.self, forKey: .targetContainerName)
    }

    public func encode(to encoder: any Encoder) throws {
        try container.encode(to: encoder)
        var keyed = encoder.container(keyedBy: CodingKeys.self)
        try keyed.encodeIfPresent(targetContainerName, forKey: .targetContainerName)
    }
}

/// core/v1 ContainerPort.
public struct ContainerPort: Codable, Sendable, Equatable {
    public var name: String?
    public var hostPort: Int32?
    public var containerPort: Int32
    public var `protocol`: String?
    public var hostIP: String?

    public init(name: String? = nil, hostPort: Int32? = nil, containerPort: Int32, protocol proto: String? = nil, hostIP: String? = nil) {
        self.name = name
        self.hostPort = hostPort
        self.containerPort = containerPort
        self.protocol = proto
        self.hostIP = hostIP
    }
}

/// core/v1 EnvVar: a value, or a reference to where the value comes from.
public struct EnvVar: Codable, Sendable, Equatable {
    public var name: String
    public var value: String?
    public var valueFrom: EnvVarSource?

    public init(name: String, value: String? = nil, valueFrom: EnvVarSource? = nil) {
        self.name = name
        self.value = value
        self.valueFrom = valueFrom
    }
}

/// core/v1 EnvVarSource: exactly one of the references.
public struct EnvVarSource: Codable, Sendable, Equatable {
    public var fieldRef: ObjectFieldSelector?
    public var resourceFieldRef: ResourceFieldSelector?
    public var configMapKeyRef: ConfigMapKeySelector?
    public var secretKeyRef: SecretKeySelector?

    public init(fieldRef: ObjectFieldSelector? = nil, resourceFieldRef: ResourceFieldSelector? = nil,
                configMapKeyRef: ConfigMapKeySelector? = nil, secretKeyRef: SecretKeySelector? = nil) {
        self.fieldRef = fieldRef
        self.resourceFieldRef = resourceFieldRef
        self.configMapKeyRef = configMapKeyRef
        self.secretKeyRef = secretKeyRef
    }
}

/// core/v1 ObjectFieldSelector: a field of the Pod ("metadata.name", "status.podIP").
public struct ObjectFieldSelector: Codable, Sendable, Equatable {
    public var apiVersion: String?
    public var fieldPath: String

    public init(apiVersion: String? = nil, fieldPath: String) {
        self.apiVersion = apiVersion
        self.fieldPath = fieldPath
    }
}

/// core/v1 ResourceFieldSelector: a container's request or limit ("limits.memory").
public struct ResourceFieldSelector: Codable, Sendable, Equatable {
    public var containerName: String?
    public var resource: String
    public var divisor: Quantity?

    public init(containerName: String? = nil, resource: String, divisor: Quantity? = nil) {
        self.containerName = containerName
        self.resource = resource
        self.divisor = divisor
    }
}

/// core/v1 ConfigMapKeySelector: one key of a ConfigMap.
public struct ConfigMapKeySelector: Codable, Sendable, Equatable {
    public var name: String?
    public var key: String
    public var optional: Bool?

    public init(name: String? = nil, key: String, optional: Bool? = nil) {
        self.name = name
        self.key = key
        self.optional = optional
    }
}

/// core/v1 SecretKeySelector: one key of a Secret.
public struct SecretKeySelector: Codable, Sendable, Equatable {
    public var name: String?
    public var key: String
    public var optional: Bool?

    public init(name: String? = nil, key: String, optional: Bool? = nil) {
        self.name = name
        self.key = key
        self.optional = optional
    }
}

/// core/v1 EnvFromSource: every key of a ConfigMap or Secret as variables.
public struct EnvFromSource: Codable, Sendable, Equatable {
    public var prefix: String?
    public var configMapRef: ConfigMapEnvSource?
    public var secretRef: SecretEnvSource?

    public init(prefix: String? = nil, configMapRef: ConfigMapEnvSource? = nil, secretRef: SecretEnvSource? = nil) {
        self.prefix = prefix
        self.configMapRef = configMapRef
        self.secretRef = secretRef
    }
}

/// core/v1 ConfigMapEnvSource: a ConfigMap whose keys become variables.
public struct ConfigMapEnvSource: Codable, Sendable, Equatable {
    public var name: String?
    public var optional: Bool?

    public init(name: String? = nil, optional: Bool? = nil) {
        self.name = name
        self.optional = optional
    }
}

/// core/v1 SecretEnvSource: a Secret whose keys become variables.
public struct SecretEnvSource: Codable, Sendable, Equatable {
    public var name: String?
    public var optional: Bool?

    public init(name: String? = nil, optional: Bool? = nil) {
        self.name = name
        self.optional = optional
    }
}

/// core/v1 VolumeMount: where a Pod volume appears in a container.
public struct VolumeMount: Codable, Sendable, Equatable {
    public var name: String
    public var readOnly: Bool?
    /// "Disabled", "IfPossible" or "Enabled".
    public var recursiveReadOnly: String?
    public var mountPath: String
    public var subPath: String?
    /// "None", "HostToContainer" or "Bidirectional".
    public var mountPropagation: String?
    public var subPathExpr: String?

    public init(name: String, readOnly: Bool? = nil, recursiveReadOnly: String? = nil, mountPath: String,
                subPath: String? = nil, mountPropagation: String? = nil, subPathExpr: String? = nil) {
        self.name = name
        self.readOnly = readOnly
        self.recursiveReadOnly = recursiveReadOnly
        self.mountPath = mountPath
        self.subPath = subPath
        self.mountPropagation = mountPropagation
        self.subPathExpr = subPathExpr
    }
}

/// core/v1 VolumeDevice: a block-mode claim exposed as a device node.
public struct VolumeDevice: Codable, Sendable, Equatable {
    public var name: String
    public var devicePath: String

    public init(name: String, devicePath: String) {
        self.name = name
        self.devicePath = devicePath
    }
}

/// core/v1 ContainerResizePolicy: whether resizing a resource restarts the container.
public struct ContainerResizePolicy: Codable, Sendable, Equatable {
    public var resourceName: String
    public var restartPolicy: String

    public init(resourceName: String, restartPolicy: String) {
        self.resourceName = resourceName
        self.restartPolicy = restartPolicy
    }
}
