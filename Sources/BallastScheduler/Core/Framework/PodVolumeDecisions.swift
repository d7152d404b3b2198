/// What volume binding decided for a pod on its node: claims to bind to existing volumes
/// (the scheduler writes the volume's claimRef) and claims to provision there (the
/// scheduler writes the claim's selected-node annotation).
public struct PodVolumeDecisions: Sendable, Equatable {
    /// A claim and the volume chosen for it.
    public struct StaticBinding: Sendable, Equatable, Hashable {
        /// "namespace/name" of the claim.
        public var claim: String
        public var volume: String

        public init(claim: String, volume: String) {
            self.claim = claim
            self.volume = volume
        }
    }

    public var staticBindings: [StaticBinding]
    /// "namespace/name" of each claim to provision on the node.
    public var dynamicProvisions: [String]

    public init(staticBindings: [StaticBinding] = [], dynamicProvisions: [String] = []) {
        self.staticBindings = staticBindings
        self.dynamicProvisions = dynamicProvisions
    }

    /// Nothing to write: every claim is bound already (or there are none).
    public var isEmpty: Bool { staticBindings.isEmpty && dynamicProvisions.isEmpty }
}
