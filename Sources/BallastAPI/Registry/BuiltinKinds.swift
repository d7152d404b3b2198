/// Every kind Ballast serves, in the order discovery lists them (core first).
public enum BuiltinKinds {
    public static let all: [any APIResource.Type] = [
        Namespace.self, Node.self, Pod.self, PersistentVolume.self, PersistentVolumeClaim.self, Event.self, ConfigMap.self,
        Secret.self, Service.self, Endpoints.self,
        Deployment.self, ReplicaSet.self, StatefulSet.self, DaemonSet.self,
        Job.self, CronJob.self,
        StorageClass.self, CSIStorageCapacity.self, VolumeHistory.self,
        Lease.self,
    ]
}
