import BallastAPI

/// VolumeZone: a bound volume labelled with a zone or region can only be used from nodes
/// in that zone or region.
public struct VolumeZonePlugin: FilterPlugin {
    public let name = "VolumeZone"
    /// ErrReasonConflict.
    public static let reason = "node(s) had no available volume zone"
    /// The topology labels a volume may carry; a value may list several zones joined by "__".
    public static let topologyLabels = [
        "topology.kubernetes.io/zone", "topology.kubernetes.io/region",
        "failure-domain.beta.kubernetes.io/zone", "failure-domain.beta.kubernetes.io/region",
    ]

    public init() {}

    public func preFilter(_ pod: PodInfo, state: CycleState, in cache: SchedulerCache) -> PreFilterResult {
        var required: [(key: String, values: Set<String>)] = []
        for key in pod.claimKeys {
            guard let volumeName = cache.claims[key]?.spec?.volumeName, !volumeName.isEmpty,
                let labels = cache.volumes[volumeName]?.metadata.labels
            else { continue }
            for label in Self.topologyLabels {
                if let value = labels[label] {
                    required.append((label, Set(value.split(separator: "__").map(String.init))))
                }
            }
        }
        return required.isEmpty ? .skip : .filter(Filter(required: required, plugin: name))
    }

    struct Filter: NodeFilter {
        let required: [(key: String, values: Set<String>)]
        let plugin: String

        func filter(_ node: NodeInfo, in cache: SchedulerCache) -> PluginStatus? {
            for (key, values) in required {
                guard let value = node.labels[key], values.contains(value) else {
                    return PluginStatus(.unschedulableAndUnresolvable, VolumeZonePlugin.reason, plugin: plugin)
                }
            }
            return nil
        }
    }
}
