import BallastAPI
import Testing

/// The example manifests users apply every day: each decodes, takes its defaults and
/// validates without a single error.
struct WorkloadManifestTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var file: String
        var errors: @Sendable () throws -> [FieldError]
        var testDescription: String { file }

        static func of<T: APIResource>(_ type: T.Type, _ file: String, _ json: String) -> Case {
            Case(file: file) { preparedForCreate(try decodeManifest(T.self, json)).validate() }
        }
    }

    static let cases: [Case] = [
        .of(Pod.self, "pod-gitrepo.yaml", WorkloadManifests.podGitRepo),
        .of(Pod.self, "pod-hostpath.yaml", WorkloadManifests.podHostPath),
        .of(Pod.self, "pod-memory-emptydir.yaml", WorkloadManifests.podMemoryEmptyDir),
        .of(Pod.self, "pod-shared-emptydir.yaml", WorkloadManifests.podSharedEmptyDir),
        .of(Deployment.self, "deployment-nginx.yaml", WorkloadManifests.deploymentNginx),
        .of(ReplicaSet.self, "replicaset.yaml", WorkloadManifests.replicaSet),
        .of(StatefulSet.self, "statefulset-postgres.yaml", WorkloadManifests.statefulSetPostgres),
        .of(DaemonSet.self, "daemonset.yaml", WorkloadManifests.daemonSet),
        .of(Job.self, "job-pi.yaml", WorkloadManifests.jobPi),
        .of(CronJob.self, "cronjob.yaml", WorkloadManifests.cronJob),
    ]

    @Test(arguments: cases)
    func decodesDefaultsAndValidates(_ manifest: Case) throws {
        let errors = try manifest.errors()
        #expect(errors.map(\.description) == [])
    }

    @Test func podDefaultsAreUpstreams() throws {
        let pod = preparedForCreate(try decodeManifest(Pod.self, WorkloadManifests.podHostPath))
        let spec = try #require(pod.spec)
        #expect(spec.restartPolicy == "Always")
        #expect(spec.terminationGracePeriodSeconds == 30)
        #expect(spec.dnsPolicy == "ClusterFirst")
        #expect(spec.schedulerName == "default-scheduler")
        #expect(spec.securityContext == PodSecurityContext())
        #expect(spec.enableServiceLinks == true)
        #expect(spec.priority == 0)
        #expect(spec.preemptionPolicy == "PreemptLowerPriority")
        #expect(spec.tolerations == nil)
        let container = try #require(spec.containers?.first)
        #expect(container.terminationMessagePath == "/dev/termination-log")
        #expect(container.terminationMessagePolicy == "File")
        #expect(container.imagePullPolicy == "Always")
        #expect(spec.volumes?.first?.source.hostPath == HostPathVolumeSource(path: "/tmp", type: "Directory"))
        #expect(pod.status == PodStatus(phase: "Pending", qosClass: "BestEffort"))
    }

    @Test func gitRepoPodKeepsItsPortProtocolAndPullsIfNotPresent() throws {
        let pod = preparedForCreate(try decodeManifest(Pod.self, WorkloadManifests.podGitRepo))
        let container = try #require(pod.spec?.containers?.first)
        #expect(container.imagePullPolicy == "IfNotPresent")
        #expect(container.ports == [ContainerPort(containerPort: 80, protocol: "TCP")])
        #expect(pod.spec?.volumes?.first?.source.gitRepo == GitRepoVolumeSource(repository: "http://127.0.0.1:9418/website.git", revision: "master", directory: "."))
    }

    @Test func memoryEmptyDirKeepsItsLimit() throws {
        let pod = preparedForCreate(try decodeManifest(Pod.self, WorkloadManifests.podMemoryEmptyDir))
        let emptyDir = try #require(pod.spec?.volumes?.first?.source.emptyDir)
        #expect(emptyDir.medium == "Memory")
        #expect(emptyDir.sizeLimit == (try Quantity(parsing: "64Mi")))
    }

    @Test func workloadDefaultsAreAppsV1s() throws {
        let deployment = preparedForCreate(try decodeManifest(Deployment.self, WorkloadManifests.deploymentNginx))
        #expect(deployment.spec?.strategy == DeploymentStrategy(type: "RollingUpdate", rollingUpdate: RollingUpdateDeployment(maxUnavailable: .string("25%"), maxSurge: .string("25%"))))
        #expect(deployment.spec?.revisionHistoryLimit == 10)
        #expect(deployment.spec?.progressDeadlineSeconds == 600)
        #expect(deployment.spec?.template?.spec?.restartPolicy == "Always")
        #expect(deployment.spec?.template?.spec?.enableServiceLinks == nil)
        #expect(deployment.status == nil)

        let statefulSet = preparedForCreate(try decodeManifest(StatefulSet.self, WorkloadManifests.statefulSetPostgres))
        let spec = try #require(statefulSet.spec)
        #expect(spec.podManagementPolicy == "OrderedReady")
        #expect(spec.updateStrategy == StatefulSetUpdateStrategy(type: "RollingUpdate", rollingUpdate: RollingUpdateStatefulSetStrategy(partition: 0)))
        #expect(spec.persistentVolumeClaimRetentionPolicy == StatefulSetPersistentVolumeClaimRetentionPolicy(whenDeleted: "Retain", whenScaled: "Retain"))
        #expect(spec.revisionHistoryLimit == 10)
        let claim = try #require(spec.volumeClaimTemplates?.first)
        #expect(claim.name == "data")
        #expect(claim.spec?["volumeMode"] == "Filesystem")
        #expect(claim.spec?["storageClassName"] == "local-lvm")

        let daemonSet = preparedForCreate(try decodeManifest(DaemonSet.self, WorkloadManifests.daemonSet))
        #expect(daemonSet.spec?.updateStrategy == DaemonSetUpdateStrategy(type: "RollingUpdate", rollingUpdate: RollingUpdateDaemonSet(maxUnavailable: .int(1), maxSurge: .int(0))))

        let replicaSet = preparedForCreate(try decodeManifest(ReplicaSet.self, #"{"metadata":{"name":"r"},"spec":{"selector":{"matchLabels":{"a":"b"}},"template":{"metadata":{"labels":{"a":"b"}},"spec":{"containers":[{"name":"c","image":"i"}]}}}}"#))
        #expect(replicaSet.spec?.replicas == 1)
    }

    @Test func batchDefaultsAreBatchV1s() throws {
        let job = preparedForCreate(try decodeManifest(Job.self, WorkloadManifests.jobPi))
        #expect(job.spec?.backoffLimit == 4)
        #expect(job.spec?.completions == 5)
        #expect(job.spec?.parallelism == 2)
        #expect(job.spec?.completionMode == "NonIndexed")
        #expect(job.spec?.suspend == false)

        let single = preparedForCreate(try decodeManifest(Job.self, #"{"metadata":{"name":"one"},"spec":{"template":{"spec":{"restartPolicy":"Never","containers":[{"name":"c","image":"i"}]}}}}"#))
        #expect(single.spec?.completions == 1)
        #expect(single.spec?.parallelism == 1)
        #expect(single.spec?.backoffLimit == 6)

        let cronJob = preparedForCreate(try decodeManifest(CronJob.self, WorkloadManifests.cronJob))
        #expect(cronJob.spec?.concurrencyPolicy == "Allow")
        #expect(cronJob.spec?.suspend == false)
        #expect(cronJob.spec?.successfulJobsHistoryLimit == 3)
        #expect(cronJob.spec?.failedJobsHistoryLimit == 1)
        #expect(cronJob.spec?.jobTemplate?.spec?.template?.spec?.terminationGracePeriodSeconds == 30)
        #expect(cronJob.spec?.jobTemplate?.spec?.backoffLimit == nil)
    }

    @Test func everyKindDecodesFromBareMetadata() throws {
        _ = try decodeManifest(Pod.self, #"{"metadata":{}}"#)
        _ = try decodeManifest(Deployment.self, #"{"metadata":{}}"#)
        _ = try decodeManifest(ReplicaSet.self, #"{"metadata":{}}"#)
        _ = try decodeManifest(StatefulSet.self, #"{"metadata":{}}"#)
        _ = try decodeManifest(DaemonSet.self, #"{"metadata":{}}"#)
        _ = try decodeManifest(Job.self, #"{"metadata":{}}"#)
        _ = try decodeManifest(CronJob.self, #"{"metadata":{}}"#)
        _ = try decodeManifest(Scale.self, #"{"metadata":{}}"#)
    }
}
