import BallastAPI
import Testing

/// The example manifests users apply every day: each decodes, takes its defaults and
/// validates without a single error.
struct ExampleManifestTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var file: String
        var errors: @Sendable () throws -> [FieldError]
        var testDescription: String { file }

        static func of<T: APIResource>(_ type: T.Type, _ file: String, _ json: String) -> Case {
            Case(file: file) { prepareNew(try decodeObject(T.self, json)).validate() }
        }
    }

    static let cases: [Case] = [
        .of(Pod.self, "pod-gitrepo.yaml", ExampleManifests.podGitRepo),
        .of(Pod.self, "pod-hostpath.yaml", ExampleManifests.podHostPath),
        .of(Pod.self, "pod-memory-emptydir.yaml", ExampleManifests.podMemoryEmptyDir),
        .of(Pod.self, "pod-shared-emptydir.yaml", ExampleManifests.podSharedEmptyDir),
        .of(Deployment.self, "deployment-nginx.yaml", ExampleManifests.deploymentNginx),
        .of(ReplicaSet.self, "replicaset.yaml", ExampleManifests.replicaSet),
        .of(StatefulSet.self, "statefulset-postgres.yaml", ExampleManifests.statefulSetPostgres),
        .of(DaemonSet.self, "daemonset.yaml", ExampleManifests.daemonSet),
        .of(Job.self, "job-pi.yaml", ExampleManifests.jobPi),
        .of(CronJob.self, "cronjob.yaml", ExampleManifests.cronJob),
    ]

    @Test(arguments: cases)
    func decodesDefaultsAndValidates(_ manifest: Case) throws {
        let errors = try manifest.errors()
        #expect(errors.map(\.description) == [])
    }

    @Test func podDefaultsAreUpstreams() throws {
        let pod = prepareNew(try decodeObject(Pod.self, ExampleManifests.podHostPath))
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
        let pod = prepareNew(try decodeObject(Pod.self, ExampleManifests.podGitRepo))
        let container = try #require(pod.spec?.containers?.first)
        #expect(container.imagePullPolicy == "IfNotPresent")
        #expect(container.ports == [ContainerPort(containerPort: 80, protocol: "TCP")])
        #expect(pod.spec?.volumes?.first?.source.gitRepo == GitRepoVolumeSource(repository: "http://127.0.0.1:9418/website.git", revision: "master", directory: "."))
    }

    @Test func memoryEmptyDirKeepsItsLimit() throws {
        let pod = prepareNew(try decodeObject(Pod.self, ExampleManifests.podMemoryEmptyDir))
        let emptyDir = try #require(pod.spec?.volumes?.first?.source.emptyDir)
        #expect(emptyDir.medium == "Memory")
        #expect(emptyDir.sizeLimit == (try Quantity(parsing: "64Mi")))
    }

    @Test func workloadDefaultsAreAppsV1s() throws {
        let deployment = prepareNew(try decodeObject(Deployment.self, ExampleManifests.deploymentNginx))
        #expect(deployment.spec?.strategy == DeploymentStrategy(type: "RollingUpdate", rollingUpdate: RollingUpdateDeployment(maxUnavailable: .string("25%"), maxSurge: .string("25%"))))
        #expect(deployment.spec?.revisionHistoryLimit == 10)
        #expect(deployment.spec?.progressDeadlineSeconds == 600)
        #expect(deployment.spec?.template?.spec?.restartPolicy == "Always")
        #expect(deployment.spec?.template?.spec?.enableServiceLinks == nil)
        #expect(deployment.status == nil)

        let statefulSet = prepareNew(try decodeObject(StatefulSet.self, ExampleManifests.statefulSetPostgres))
        let spec = try #require(statefulSet.spec)
        #expect(spec.podManagementPolicy == "OrderedReady")
        #expect(spec.updateStrategy == StatefulSetUpdateStrategy(type: "RollingUpdate", rollingUpdate: RollingUpdateStatefulSetStrategy(partition: 0)))
        #expect(spec.persistentVolumeClaimRetentionPolicy == StatefulSetPersistentVolumeClaimRetentionPolicy(whenDeleted: "Retain", whenScaled: "Retain"))
        #expect(spec.revisionHistoryLimit == 10)
        let claim = try #require(spec.volumeClaimTemplates?.first)
        #expect(claim.name == "data")
        #expect(claim.spec?["volumeMode"] == "Filesystem")
        #expect(claim.spec?["storageClassName"] == "local-lvm")

        let daemonSet = prepareNew(try decodeObject(DaemonSet.self, ExampleManifests.daemonSet))
        #expect(daemonSet.spec?.updateStrategy == DaemonSetUpdateStrategy(type: "RollingUpdate", rollingUpdate: RollingUpdateDaemonSet(maxUnavailable: .int(1), maxSurge: .int(0))))

        let replicaSet = prepareNew(try decodeObject(ReplicaSet.self, #"{"metadata":{"name":"r"},"spec":{"selector":{"matchLabels":{"a":"b"}},"template":{"metadata":{"labels":{"a":"b"}},"spec":{"containers":[{"name":"c","image":"i"}]}}}}"#))
        #expect(replicaSet.spec?.replicas == 1)
    }

    @Test func batchDefaultsAreBatchV1s() throws {
        let job = prepareNew(try decodeObject(Job.self, ExampleManifests.jobPi))
        #expect(job.spec?.backoffLimit == 4)
        #expect(job.spec?.completions == 5)
        #expect(job.spec?.parallelism == 2)
        #expect(job.spec?.completionMode == "NonIndexed")
        #expect(job.spec?.suspend == false)

        let single = prepareNew(try decodeObject(Job.self, #"{"metadata":{"name":"one"},"spec":{"template":{"spec":{"restartPolicy":"Never","containers":[{"name":"c","image":"i"}]}}}}"#))
        #expect(single.spec?.completions == 1)
        #expect(single.spec?.parallelism == 1)
        #expect(single.spec?.backoffLimit == 6)

        let cronJob = prepareNew(try decodeObject(CronJob.self, ExampleManifests.cronJob))
        #expect(cronJob.spec?.concurrencyPolicy == "Allow")
        #expect(cronJob.spec?.suspend == false)
        #expect(cronJob.spec?.successfulJobsHistoryLimit == 3)
        #expect(cronJob.spec?.failedJobsHistoryLimit == 1)
        #expect(cronJob.spec?.jobTemplate?.spec?.template?.spec?.terminationGracePeriodSeconds == 30)
        #expect(cronJob.spec?.jobTemplate?.spec?.backoffLimit == nil)
    }

    @Test func everyKindDecodesFromBareMetadata() throws {
        _ = try decodeObject(Pod.self, #"{"metadata":{}}"#)
        _ = try decodeObject(Deployment.self, #"{"metadata":{}}"#)
        _ = try decodeObject(ReplicaSet.self, #"{"metadata":{}}"#)
        _ = try decodeObject(StatefulSet.self, #"{"metadata":{}}"#)
        _ = try decodeObject(DaemonSet.self, #"{"metadata":{}}"#)
        _ = try decodeObject(Job.self, #"{"metadata":{}}"#)
        _ = try decodeObject(CronJob.self, #"{"metadata":{}}"#)
        _ = try decodeObject(Scale.self, #"{"metadata":{}}"#)
    }
}
