import BallastAPI
import BallastClient

/// Adopts and releases the children an owner selects, as Kubernetes' ControllerRefManager
/// (ClaimPods, ClaimReplicaSets) does:
/// - a child controlled by the owner stays its own while the selector matches it, and is
///   released (its reference removed) once its labels stop matching;
/// - an orphan that matches is adopted (a controller reference is added), unless the owner
///   or the orphan is being deleted; the owner is re-read first so that a deletion the
///   cache has not shown yet does not adopt children that should be let go;
/// - a child controlled by someone else is never touched.
struct ControllerRefManager<Owner: APIResource, Child: APIResource> {
    let client: KubeClient
    let owner: Owner
    /// Whether the child is one the owner selects.
    let matches: @Sendable (Child) -> Bool

    /// The children the owner controls after adopting and releasing.
    /// - Throws: `ClientError` when an adoption fails for another reason than the child
    ///   having gone or changed.
    func claim(_ children: [Child]) async throws -> [Child] {
        var claimed: [Child] = []
        var orphans: [Child] = []
        for child in children where child.namespace == owner.namespace {
            if let reference = child.metadata.controllerReference {
                guard reference.uid == owner.uid else { continue }
                if matches(child) {
                    claimed.append(child)
                } else if !owner.metadata.isDeleting && !child.metadata.isDeleting {
                    try await release(child)
                }
                continue
            }
            if !owner.metadata.isDeleting, !child.metadata.isDeleting, matches(child) { orphans.append(child) }
        }
        guard !orphans.isEmpty else { return claimed }
        let fresh = try await client.getIfPresent(Owner.self, namespace: owner.namespace, name: owner.name)
        guard let fresh, fresh.uid == owner.uid, !fresh.metadata.isDeleting else { return claimed }
        for orphan in orphans {
            if let adopted = try await adopt(orphan) { claimed.append(adopted) }
        }
        return claimed
    }

    /// Adds the owner as the child's controller; nil if the child went or changed meanwhile.
    private func adopt(_ child: Child) async throws -> Child? {
        let references = (child.metadata.ownerReferences ?? []) + [owner.ownerReference(controller: true, blockOwnerDeletion: true)]
        do {
            return try await client.patch(Child.self, namespace: child.namespace, name: child.name,
                                          patch: Self.ownerPatch(references, child: child), as: .merge)
        } catch {
            guard error.isGoneOrChanged else { throw error }
            return nil
        }
    }

    /// Removes the owner's reference from a child it no longer selects.
    private func release(_ child: Child) async throws {
        let references = (child.metadata.ownerReferences ?? []).filter { $0.uid != owner.uid }
        do {
            _ = try await client.patch(Child.self, namespace: child.namespace, name: child.name,
                                       patch: Self.ownerPatch(references, child: child), as: .merge)
        } catch {
            guard error.isGoneOrChanged else { throw error }
            // Gone, or changed since the cache saw it: the next sync looks again.
        }
    }

    /// A merge patch of the owner references, conditional on the child's uid and version.
    static func ownerPatch(_ references: [OwnerReference], child: Child) -> JSONValue {
        var metadata: [String: JSONValue] = [
            "ownerReferences": references.isEmpty ? .null : APICodec.encodeValue(references),
            "uid": .string(child.uid),
        ]
        if let version = child.metadata.resourceVersion { metadata["resourceVersion"] = .string(version) }
        return ["metadata": .object(metadata)]
    }
}
