import BallastAPI
import Testing

/// Pods that Kubernetes refuses, with the exact field and message it gives.
struct PodValidationTests {
    /// A defaulted Pod with one container, changed by `edit` before validation.
    static func errors(_ edit: (inout PodSpec) -> Void) -> [String] {
        var pod = Pod(metadata: ObjectMeta(name: "p"), spec: PodSpec(containers: [Container(name: "app", image: "busybox")]))
        pod = preparedForCreate(pod)
        var spec = pod.spec ?? PodSpec()
        edit(&spec)
        pod.spec = spec
        return pod.validate().map(\.description)
    }

    @Test func twoVolumeSourcesAreRefused() {
        let errors = Self.errors { spec in
            spec.volumes = [Volume(name: "data", source: VolumeSource(hostPath: HostPathVolumeSource(path: "/tmp", type: ""), emptyDir: EmptyDirVolumeSource()))]
        }
        #expect(errors == ["spec.volumes[0].hostPath: Forbidden: may not specify more than 1 volume type"])
    }

    @Test func aVolumeWithoutSourceIsRefused() {
        let errors = Self.errors { spec in spec.volumes = [Volume(name: "data")] }
        #expect(errors == ["spec.volumes[0]: Required value: must specify a volume type"])
    }

    @Test func aVolumeWithoutSourceBecomesAnEmptyDirWhenDefaulted() throws {
        let pod = preparedForCreate(try decodeManifest(Pod.self, #"{"metadata":{"name":"p"},"spec":{"volumes":[{"name":"data"}],"containers":[{"name":"c","image":"i"}]}}"#))
        #expect(pod.spec?.volumes?.first?.source == VolumeSource(emptyDir: EmptyDirVolumeSource()))
        #expect(pod.validate().isEmpty)
    }

    @Test func aLimitBelowTheRequestIsRefused() throws {
        let errors = Self.errors { spec in
            spec.containers?[0].resources = ResourceRequirements(limits: ["cpu": parsedQuantity("500m")], requests: ["cpu": parsedQuantity("1")])
        }
        #expect(errors == [#"spec.containers[0].resources.requests: Invalid value: "1": must be less than or equal to cpu limit of 500m"#])
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var edit: @Sendable (inout PodSpec) -> Void
        var expected: [String]
        var testDescription: String { name }
    }

    static let refused: [Case] = [
        Case(name: "container name not a DNS label", edit: { $0.containers?[0].name = "App" },
             expected: [#"spec.containers[0].name: Invalid value: "App": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"#]),
        Case(name: "duplicate container names", edit: { spec in if let first = spec.containers?.first { spec.containers?.append(first) } },
             expected: [#"spec.containers[1].name: Duplicate value: "app""#]),
        Case(name: "image required", edit: { $0.containers?[0].image = nil },
             expected: ["spec.containers[0].image: Required value"]),
        Case(name: "no containers", edit: { $0.containers = [] },
             expected: ["spec.containers: Required value"]),
        Case(name: "mount of an unknown volume", edit: { $0.containers?[0].volumeMounts = [VolumeMount(name: "data", mountPath: "/data")] },
             expected: [#"spec.containers[0].volumeMounts[0].name: Not found: "data""#]),
        Case(name: "duplicate volume names", edit: {
                 $0.volumes = [Volume(name: "v", source: VolumeSource(emptyDir: EmptyDirVolumeSource())), Volume(name: "v", source: VolumeSource(emptyDir: EmptyDirVolumeSource()))]
             },
             expected: [#"spec.volumes[1].name: Duplicate value: "v""#]),
        Case(name: "volume name not a DNS label", edit: { $0.volumes = [Volume(name: "Data", source: VolumeSource(emptyDir: EmptyDirVolumeSource()))] },
             expected: [#"spec.volumes[0].name: Invalid value: "Data": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"#]),
        Case(name: "mount path required and unique", edit: {
                 $0.volumes = [Volume(name: "v", source: VolumeSource(emptyDir: EmptyDirVolumeSource()))]
                 $0.containers?[0].volumeMounts = [VolumeMount(name: "v", mountPath: "/a"), VolumeMount(name: "v", mountPath: "/a"), VolumeMount(name: "v", mountPath: "")]
             },
             expected: [#"spec.containers[0].volumeMounts[1].mountPath: Invalid value: "/a": must be unique"#,
                        "spec.containers[0].volumeMounts[2].mountPath: Required value"]),
        Case(name: "subPath escaping the volume", edit: {
                 $0.volumes = [Volume(name: "v", source: VolumeSource(emptyDir: EmptyDirVolumeSource()))]
                 $0.containers?[0].volumeMounts = [VolumeMount(name: "v", mountPath: "/a", subPath: "../etc"), VolumeMount(name: "v", mountPath: "/b", subPath: "/abs")]
             },
             expected: [#"spec.containers[0].volumeMounts.subPath: Invalid value: "../etc": must not contain '..'"#,
                        #"spec.containers[0].volumeMounts.subPath: Invalid value: "/abs": must be a relative path"#]),
        Case(name: "restart policy", edit: { $0.restartPolicy = "Sometimes" },
             expected: [#"spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never""#]),
        Case(name: "dns policy", edit: { $0.dnsPolicy = "Google" },
             expected: [#"spec.dnsPolicy: Unsupported value: "Google": supported values: "ClusterFirstWithHostNet", "ClusterFirst", "Default", "None""#]),
        Case(name: "container port out of range", edit: { $0.containers?[0].ports = [ContainerPort(containerPort: 70000, protocol: "TCP")] },
             expected: ["spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive"]),
        Case(name: "port protocol", edit: { $0.containers?[0].ports = [ContainerPort(containerPort: 80, protocol: "HTTP")] },
             expected: [#"spec.containers[0].ports[0].protocol: Unsupported value: "HTTP": supported values: "SCTP", "TCP", "UDP""#]),
        Case(name: "env name", edit: { $0.containers?[0].env = [EnvVar(name: "A=B", value: "x")] },
             expected: [#"spec.containers[0].env[0].name: Invalid value: "A=B": a valid environment variable name must consist only of printable ASCII characters other than '='"#]),
        Case(name: "hostPath path required", edit: { $0.volumes = [Volume(name: "h", source: VolumeSource(hostPath: HostPathVolumeSource(path: "")))] },
             expected: ["spec.volumes[0].hostPath.path: Required value"]),
        Case(name: "hostPath type", edit: { $0.volumes = [Volume(name: "h", source: VolumeSource(hostPath: HostPathVolumeSource(path: "/x", type: "Folder")))] },
             expected: [#"spec.volumes[0].hostPath.type: Unsupported value: "Folder": supported values: "", "BlockDevice", "CharDevice", "Directory", "DirectoryOrCreate", "File", "FileOrCreate", "Socket""#]),
        Case(name: "negative emptyDir size", edit: { $0.volumes = [Volume(name: "e", source: VolumeSource(emptyDir: EmptyDirVolumeSource(sizeLimit: parsedQuantity("-1Gi"))))] },
             expected: ["spec.volumes[0].emptyDir.sizeLimit: Forbidden: SizeLimit field must be a valid resource quantity"]),
        Case(name: "claim name required", edit: { $0.volumes = [Volume(name: "c", source: VolumeSource(persistentVolumeClaim: PersistentVolumeClaimVolumeSource(claimName: "")))] },
             expected: ["spec.volumes[0].persistentVolumeClaim.claimName: Required value"]),
        Case(name: "node selector label", edit: { $0.nodeSelector = ["disk": "ss d"] },
             expected: [#"spec.nodeSelector[disk]: Invalid value: "ss d": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"#]),
        Case(name: "toleration without key must be Exists", edit: { $0.tolerations = [Toleration(operator: "Equal", value: "x")] },
             expected: [#"spec.tolerations[0].operator: Invalid value: "Equal": operator must be Exists when `key` is empty, which means "match all values and all keys""#]),
        Case(name: "toleration seconds need NoExecute", edit: { $0.tolerations = [Toleration(key: "k", operator: "Exists", effect: "NoSchedule", tolerationSeconds: 5)] },
             expected: [#"spec.tolerations[0].effect: Invalid value: "NoSchedule": effect must be 'NoExecute' when `tolerationSeconds` is set"#]),
        Case(name: "negative grace period", edit: { $0.terminationGracePeriodSeconds = -1 },
             expected: ["spec.terminationGracePeriodSeconds: Invalid value: -1: must be greater than or equal to 0"]),
        Case(name: "pull policy", edit: { $0.containers?[0].imagePullPolicy = "Sometimes" },
             expected: [#"spec.containers[0].imagePullPolicy: Unsupported value: "Sometimes": supported values: "Always", "IfNotPresent", "Never""#]),
        Case(name: "probe with two handlers", edit: {
                 $0.containers?[0].livenessProbe = Probe(exec: ExecAction(command: ["true"]), tcpSocket: TCPSocketAction(port: .int(80)), timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3)
             },
             expected: ["spec.containers[0].livenessProbe.tcpSocket: Forbidden: may not specify more than 1 handler type"]),
        Case(name: "required node affinity without terms", edit: { $0.affinity = Affinity(nodeAffinity: NodeAffinity(required: NodeSelector(nodeSelectorTerms: []))) },
             expected: ["spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms: Required value: must have at least one node selector term"]),
    ]

    @Test(arguments: refused)
    func refusesWithUpstreamsMessage(_ test: Case) {
        #expect(Self.errors(test.edit) == test.expected)
    }

    @Test func aPodNeedsANamespaceAndAValidName() {
        var pod = Pod(metadata: ObjectMeta(name: "Web_1"), spec: PodSpec(containers: [Container(name: "app", image: "busybox")]))
        pod.applyDefaults()
        // ObjectMeta rules are the server's (ObjectMetaValidation), checked here the same way.
        #expect((ObjectMetaValidation.validate(pod) + pod.validate()).map(\.description) == [
            #"metadata.name: Invalid value: "Web_1": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"#,
            "metadata.namespace: Required value",
        ])
    }

    @Test func requestsAreCopiedFromLimitsOnPodsOnly() throws {
        let json = #"{"metadata":{"name":"p"},"spec":{"containers":[{"name":"c","image":"i","resources":{"limits":{"cpu":"1","memory":"128Mi"}}}]}}"#
        let pod = preparedForCreate(try decodeManifest(Pod.self, json))
        #expect(pod.spec?.containers?.first?.resources?.requests == ["cpu": try Quantity(parsing: "1"), "memory": try Quantity(parsing: "128Mi")])
        #expect(pod.status?.qosClass == "Guaranteed")
        #expect(pod.validate().isEmpty)
    }

    @Test(arguments: [("busybox", "Always"), ("busybox:latest", "Always"), ("nginx:1.27", "IfNotPresent"),
                      ("registry:5000/app", "Always"), ("registry:5000/app:v1", "IfNotPresent"), ("app@sha256:abcd", "IfNotPresent")])
    func pullPolicyFollowsTheTag(_ image: String, _ policy: String) {
        #expect(Container.defaultPullPolicy(for: image) == policy)
    }

    @Test func selectableFieldsAreAlwaysPresent() {
        let pod = Pod(metadata: ObjectMeta(name: "p"))
        #expect(pod.selectableFields == [
            "spec.nodeName": "", "spec.restartPolicy": "", "spec.schedulerName": "", "spec.serviceAccountName": "",
            "spec.hostNetwork": "false", "status.phase": "", "status.podIP": "", "status.nominatedNodeName": "",
        ])
    }

    @Test func unknownVolumeSourcesRoundTripAndCountAsASource() throws {
        let json = #"{"metadata":{"name":"p"},"spec":{"volumes":[{"name":"disk","iscsi":{"targetPortal":"10.0.0.1:3260","iqn":"iqn.2001-04.com.example:storage","lun":0}}],"containers":[{"name":"c","image":"i"}]}}"#
        let pod = preparedForCreate(try decodeManifest(Pod.self, json))
        let volume = try #require(pod.spec?.volumes?.first)
        #expect(volume.source.emptyDir == nil)
        #expect(volume.source.setSourceNames == ["iscsi"])
        let encoded = APICodec.encodeValue(pod)
        #expect(encoded[path: ["spec"]]?["volumes"]?.arrayValue?.first?["iscsi"]?["lun"] == 0)
        #expect(encoded[path: ["spec"]]?["volumes"]?.arrayValue?.first?["name"] == "disk")
        #expect(pod.validate().isEmpty)
    }
}
