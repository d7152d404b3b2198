/// Why a plugin rejects a pod, on one node or (from PreFilter) on all of them.
public struct PluginStatus: Error, Sendable, Equatable {
    /// How final the rejection is (framework.Code).
    public enum Code: Sendable, Equatable {
        /// The node does not fit now; preemption or a change on the node could help.
        case unschedulable
        /// Nothing on the node can make it fit (node affinity, taints, volume topology).
        case unschedulableAndUnresolvable
        /// Something is wrong with the inputs; the attempt fails as a whole.
        case error
    }

    public var code: Code
    /// The reasons as kube-scheduler words them, each counted in FailedScheduling.
    public var reasons: [String]
    /// The plugin that said so.
    public var plugin: String

    public init(_ code: Code, _ reasons: [String], plugin: String) {
        self.code = code
        self.reasons = reasons
        self.plugin = plugin
    }

    public init(_ code: Code, _ reason: String, plugin: String) {
        self.init(code, [reason], plugin: plugin)
    }

    /// The reasons joined as one message (Status.Message).
    public var message: String { reasons.joined(separator: ", ") }
}
