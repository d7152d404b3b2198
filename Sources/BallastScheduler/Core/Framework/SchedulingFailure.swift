/// Why a pod fits no node, counted the way kube-scheduler's FitError words it for the
/// FailedScheduling event: "0/3 nodes are available: 1 node(s) had volume node affinity
/// conflict, 2 node(s) did not have enough free storage."
public struct SchedulingFailure: Error, Sendable, Equatable, CustomStringConvertible {
    /// Every node in the cluster (the "/N").
    public var numAllNodes: Int
    /// Set when a PreFilter rejected the pod outright; then no node reasons are listed.
    public var preFilterMessage: String?
    /// Each reason and on how many nodes it was given.
    public var reasonCounts: [String: Int]
    /// The plugins that rejected the pod somewhere (what must change before it may fit).
    public var rejectingPlugins: Set<String>
    /// True when only a plugin error (not a node's unfitness) stopped the attempt.
    public var isError: Bool

    public init(numAllNodes: Int, preFilterMessage: String? = nil, reasonCounts: [String: Int] = [:],
                rejectingPlugins: Set<String> = [], isError: Bool = false) {
        self.numAllNodes = numAllNodes
        self.preFilterMessage = preFilterMessage
        self.reasonCounts = reasonCounts
        self.rejectingPlugins = rejectingPlugins
        self.isError = isError
    }

    /// kube-scheduler's text when the cluster has no node at all.
    public static let noNodesAvailable = "no nodes available to schedule pods"

    /// The FailedScheduling message. Reasons are "count reason" strings sorted as strings,
    /// exactly as upstream sorts them (so "10 …" comes before "2 …").
    public var message: String {
        if isError, let preFilterMessage { return preFilterMessage }
        if numAllNodes == 0 && preFilterMessage == nil { return Self.noNodesAvailable }
        var text = "0/\(numAllNodes) nodes are available:"
        if let preFilterMessage {
            text += " \(preFilterMessage)."
        } else {
            let histogram = reasonCounts.map { "\($0.value) \($0.key)" }.sorted()
            if !histogram.isEmpty { text += " " + histogram.joined(separator: ", ") + "." }
        }
        return text
    }

    public var description: String { message }
}
