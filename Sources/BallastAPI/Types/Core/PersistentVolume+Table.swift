public import Foundation

/// `kubectl get pv`, as printPersistentVolume prints it.
extension PersistentVolume {
    public static var tableColumns: [TableColumn] {
        [
            TableColumn("Capacity", description: "capacity is the description of the persistent volume's resources and capacity."),
            TableColumn("Access Modes", description: "accessModes contains all ways the volume can be mounted."),
            TableColumn("Reclaim Policy", description: "persistentVolumeReclaimPolicy defines what happens to a persistent volume when released from its claim."),
            TableColumn("Status", description: "phase indicates if a volume is available, bound to a claim, or released by a claim."),
            TableColumn("Claim", description: "claimRef is part of a bi-directional binding between PersistentVolume and PersistentVolumeClaim."),
            TableColumn("StorageClass", description: "StorageClass of the pv"),
            TableColumn("VolumeAttributesClass", description: "VolumeAttributesClass of the pv"),
            TableColumn("Reason", description: "reason is a brief CamelCase string that describes any failure and is meant for machine parsing and tidy display in the CLI."),
            TableColumn.age,
            TableColumn("VolumeMode", priority: 1, description: "volumeMode defines if a volume is intended to be used with a formatted filesystem or to remain in raw block state."),
        ]
    }

    public func tableCells(now: Date) -> [JSONValue] {
        let claim = spec?.claimRef.map { "\($0.namespace ?? "")/\($0.name ?? "")" } ?? ""
        let phase = metadata.isDeleting ? "Terminating" : (status?.phase ?? "")
        return [
            .string(name),
            .string((storageCapacity ?? Quantity(0)).description),
            .string(PersistentVolumeAccessMode.abbreviated(spec?.accessModes)),
            .string(spec?.persistentVolumeReclaimPolicy ?? ""),
            .string(phase),
            .string(claim),
            .string(storageClassName),
            .string(spec?.volumeAttributesClassName ?? "<unset>"),
            .string(status?.reason ?? ""),
            .string(HumanDuration.since(metadata.creationTimestamp, now: now)),
            .string(spec?.volumeMode ?? "<unset>"),
        ]
    }
}
