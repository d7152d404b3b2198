/// Which lists merge and how, for strategic merge patch and server-side apply: the
/// `patchStrategy`/`patchMergeKey` struct tags of k8s.io/api, reduced to field names.
///
/// Kubernetes gives a field name the same strategy wherever it appears, with one exception:
/// `ports` merges by `containerPort` inside a container and by `port` in a Service spec. So a
/// field is looked up by its name together with its parent field (`containers/ports`,
/// `spec/ports`) first, then by its name alone; list elements do not count as a level, so
/// the parent of `spec.containers[0].ports` is `containers`.
public struct PatchSchema: Sendable, Equatable {
    /// How a list field combines with a patch.
    public enum ListStrategy: Sendable, Equatable {
        /// The patch's list replaces the whole list (the default).
        case atomic
        /// Elements are objects identified by this key; matching elements merge.
        case merge(key: String)
        /// Elements are scalars; the patch's elements are added (a set union).
        case set
    }

    /// Strategies by field name.
    public var lists: [String: ListStrategy]
    /// Strategies by "parent/field", which win over `lists`.
    public var listsInContext: [String: ListStrategy]
    /// Object fields that server-side apply owns as a whole (structType/mapType=atomic),
    /// so that applying one replaces it and its members are never owned one by one.
    public var atomicObjects: Set<String>

    /// A schema from its tables: unlisted lists are atomic, unlisted objects merge member
    /// by member.
    public init(lists: [String: ListStrategy] = [:], listsInContext: [String: ListStrategy] = [:], atomicObjects: Set<String> = []) {
        self.lists = lists
        self.listsInContext = listsInContext
        self.atomicObjects = atomicObjects
    }

    /// The strategy of list field `field` whose nearest enclosing field is `parent`.
    public func strategy(of field: String, in parent: String?) -> ListStrategy {
        if let parent, let strategy = listsInContext[parent + "/" + field] { return strategy }
        return lists[field] ?? .atomic
    }

    /// Whether object field `field` is atomic for server-side apply.
    public func isAtomicObject(_ field: String) -> Bool { atomicObjects.contains(field) }

    /// No merge lists at all: every list is replaced, as in a JSON merge patch.
    public static let none = PatchSchema()

    /// The merge lists of core/v1, apps/v1, batch/v1, storage/v1 and meta/v1.
    public static let kubernetes: PatchSchema = {
        var lists: [String: ListStrategy] = [:]
        let byName = [
            "containers", "initContainers", "ephemeralContainers", "volumes", "env", "imagePullSecrets",
            "resourceClaims", "resourceClaimStatuses", "schedulingGates", "allocatedResourcesStatus",
            "secrets", "drivers",
        ]
        for field in byName { lists[field] = .merge(key: "name") }
        lists["volumeMounts"] = .merge(key: "mountPath")
        lists["volumeDevices"] = .merge(key: "devicePath")
        lists["conditions"] = .merge(key: "type")
        lists["addresses"] = .merge(key: "type")
        lists["ownerReferences"] = .merge(key: "uid")
        for field in ["hostAliases", "podIPs", "hostIPs"] { lists[field] = .merge(key: "ip") }
        lists["topologySpreadConstraints"] = .merge(key: "topologyKey")
        lists["finalizers"] = .set
        lists["podCIDRs"] = .set

        var inContext: [String: ListStrategy] = [:]
        for container in ["containers", "initContainers", "ephemeralContainers"] {
            inContext[container + "/ports"] = .merge(key: "containerPort")
        }
        inContext["spec/ports"] = .merge(key: "port")
        // Endpoints' subsets[].addresses are plain atomic lists of EndpointAddress.
        inContext["subsets/addresses"] = .atomic
        inContext["subsets/notReadyAddresses"] = .atomic

        // LabelSelector and NodeSelector are structType=atomic, and Service's selector map
        // is mapType=atomic; these are the field names that hold them.
        let atomicObjects: Set<String> = [
            "selector", "labelSelector", "namespaceSelector", "podSelector",
            "requiredDuringSchedulingIgnoredDuringExecution",
        ]
        return PatchSchema(lists: lists, listsInContext: inContext, atomicObjects: atomicObjects)
    }()
}
