public import Foundation

/// `kubectl get pvc`, as printPersistentVolumeClaim prints it.
extension PersistentVolumeClaim {
    public static var tableColumns: [TableColumn] {
        [
            TableColumn("Status", description: "phase represents the current phase of PersistentVolumeClaim."),
            TableColumn("Volume", description: "volumeName is the binding reference to the PersistentVolume backing this claim."),
            TableColumn("Capacity", description: "capacity represents the actual resources of the underlying volume."),
            TableColumn("Access Modes", description: "accessModes contains the actual access modes the volume backing the PVC has."),
            TableColumn("StorageClass", description: "StorageClass of the pvc"),
            TableColumn("VolumeAttributesClass", description: "VolumeAttributesClass of the pvc"),
            TableColumn.age,
            TableColumn("VolumeMode", priority: 1, description: "volumeMode defines what type of volume is required by the claim."),
        ]
    }

    /// Capacity and access modes come from the status, and only once the claim names a
    /// volume; before that both cells are empty.
    public func tableCells(now: Date) -> [JSONValue] {
        let phase = metadata.isDeleting ? "Terminating" : (status?.phase ?? "")
        let volumeName = spec?.volumeName ?? ""
        var capacity = ""
        var accessModes = ""
        if !volumeName.isEmpty {
            accessModes = PersistentVolumeAccessMode.abbreviated(status?.accessModes)
            capacity = (status?.storageCapacity ?? Quantity(0)).description
        }
        return [
            .string(name),
            .string(phase),
            .string(volumeName),
            .string(capacity),
            .string(accessModes),
            .string(storageClassName),
            .string(spec?.volumeAttributesClassName ?? "<unset>"),
            .string(HumanDuration.since(metadata.creationTimestamp, now: now)),
            .string(spec?.volumeMode ?? "<unset>"),
        ]
    }
}
