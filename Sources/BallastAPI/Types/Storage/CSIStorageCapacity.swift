public import Foundation

/// storage.k8s.io/v1 CSIStorageCapacity: how much a class can still provision on the nodes a
/// topology selects. Ballast's node agents publish one per node and class; the scheduler
/// reads them.
public struct CSIStorageCapacity: KubernetesObject {
    public static let gvk = GroupVersionKind(group: "storage.k8s.io", version: "v1", kind: "CSIStorageCapacity")

    public var apiVersion: String?
    public var kind: String?
    public var metadata: ObjectMeta
    /// The nodes this capacity applies to; nil means none.
    public var nodeTopology: LabelSelector?
    public var storageClassName: String
    /// The total free space; nil when unknown.
    public var capacity: Quantity?
    /// The largest single volume that can be made; when nil, `capacity` is the limit.
    public var maximumVolumeSize: Quantity?

    public init(metadata: ObjectMeta = ObjectMeta(), nodeTopology: LabelSelector? = nil, storageClassName: String = "",
                capacity: Quantity? = nil, maximumVolumeSize: Quantity? = nil) {
        self.apiVersion = Self.gvk.apiVersion
        self.kind = Self.gvk.kind
        self.metadata = metadata
        self.nodeTopology = nodeTopology
        self.storageClassName = storageClassName
        self.capacity = capacity
        self.maximumVolumeSize = maximumVolumeSize
    }

    enum CodingKeys: String, CodingKey {
        case apiVersion, kind, metadata, nodeTopology, storageClassName, capacity, maximumVolumeSize
    }

    /// Decodes with storageClassName "" when absent, so that validation reports it.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        apiVersion = try container.decodeIfPresent(String.self, forKey: .apiVersion)
        kind = try container.decodeIfPresent(String.self, forKey: .kind)
        metadata = try container.decodeIfPresent(ObjectMeta.self, forKey: .metadata) ?? ObjectMeta()
        nodeTopology = try container.decodeIfPresent(LabelSelector.self, forKey: .nodeTopology)
        storageClassName = try container.decodeIfPresent(String.self, forKey: .storageClassName) ?? ""
        capacity = try container.decodeIfPresent(Quantity.self, forKey: .capacity)
        maximumVolumeSize = try container.decodeIfPresent(Quantity.self, forKey: .maximumVolumeSize)
    }

    /// The largest volume this record admits: maximumVolumeSize, else capacity.
    public var largestVolume: Quantity? { maximumVolumeSize ?? capacity }
}

/// How the API server stores and serves CSIStorageCapacities
/// (pkg/registry/storage/csistoragecapacity).
extension CSIStorageCapacity: APIResource {
    public static let resource = ResourceInfo(
        gvk: gvk, plural: "csistoragecapacities", singular: "csistoragecapacity", namespaced: true)

    /// ValidateCSIStorageCapacity.
    public func validate() -> [FieldError] {
        var errors: [FieldError] = []
        if let nodeTopology {
            errors += nodeTopology.validate(field: FieldPath("nodeTopology"))
        }
        errors += NameRules.dns1123Subdomain(storageClassName).map { FieldError.invalid(FieldPath("storageClassName"), storageClassName, $0) }
        if let capacity, capacity.mantissa < 0 {
            errors.append(.invalid(FieldPath("capacity"), capacity.description, "must be greater than or equal to 0"))
        }
        return errors
    }

    /// The inputs of the capacity query (topology and class) are fixed at creation.
    public func validateUpdate(old: CSIStorageCapacity) -> [FieldError] {
        var errors = validate()
        if nodeTopology != old.nodeTopology {
            let shown = nodeTopology.map { APICodec.encodeValue($0).jsonString } ?? FieldError.quote("null")
            errors.append(.invalid(FieldPath("nodeTopology"), raw: shown, "field is immutable"))
        }
        if storageClassName != old.storageClassName {
            errors.append(.invalid(FieldPath("storageClassName"), storageClassName, "field is immutable"))
        }
        return errors
    }

    /// Kubernetes prints no Age for these.
    public static var tableColumns: [TableColumn] {
        [
            TableColumn("StorageClassName", description: "storageClassName represents the name of the StorageClass that the reported capacity applies to."),
            TableColumn("Capacity", description: "capacity is the value reported by the CSI driver in its GetCapacityResponse for a GetCapacityRequest with topology and parameters that match the previous fields."),
        ]
    }

    public func tableCells(now: Date) -> [JSONValue] {
        [.string(name), .string(storageClassName), .string(capacity?.description ?? "<unset>")]
    }
}
