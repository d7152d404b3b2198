import BallastAPI
import BallastClient

/// Finding or creating the ReplicaSet of the current template, and keeping revisions in
/// step (getAllReplicaSetsAndSyncRevision and getNewReplicaSet upstream).
extension DeploymentController {
    /// The new ReplicaSet (its template equals the deployment's, ignoring the hash label)
    /// and the old ones, oldest first. The new set gets revision max(old)+1 when its own is
    /// lower (an old set being rolled back to keeps its former number in revision-history),
    /// and the deployment's revision annotation follows. With `create`, a missing new set is
    /// created.
    func replicaSetsSyncingRevision(_ deployment: inout Deployment, sets: [ReplicaSet],
                                    create: Bool) async throws -> (new: ReplicaSet?, old: [ReplicaSet]) {
        let sorted = sets.sorted(by: ReplicaSetOrder.byCreation)
        let existing = sorted.first { PodTemplateHash.equalIgnoringHash($0.spec?.template, deployment.spec?.template) }
        let old = sorted.filter { $0.uid != existing?.uid }
        let new = try await newReplicaSet(&deployment, existing: existing, old: old, create: create)
        return (new, old)
    }

    private func newReplicaSet(_ deployment: inout Deployment, existing: ReplicaSet?, old: [ReplicaSet],
                               create: Bool) async throws -> ReplicaSet? {
        let newRevision = DeploymentRevisions.maxRevision(old) + 1
        if var set = existing {
            let annotationsChanged = DeploymentRevisions.setNewReplicaSetAnnotations(deployment, &set, newRevision: newRevision, exists: true)
            if annotationsChanged || set.spec?.minReadySeconds != deployment.spec?.minReadySeconds {
                set.spec?.minReadySeconds = deployment.spec?.minReadySeconds
                set = try await client.update(set)
            }
            var needsUpdate = setRevision(&deployment, set.metadata.annotation(DeploymentRevisions.revision))
            if DeploymentConditions.hasProgressDeadline(deployment),
                DeploymentConditions.condition(deployment.status, DeploymentConditions.progressing) == nil {
                var status = deployment.status ?? DeploymentStatus()
                DeploymentConditions.set(&status, DeploymentConditions.make(
                    DeploymentConditions.progressing, "True", DeploymentConditions.Reason.foundNewReplicaSet,
                    "Found new replica set \"\(set.name)\"", now: clock.time()))
                deployment.status = status
                needsUpdate = true
            }
            if needsUpdate { deployment = try await client.updateStatus(deployment) }
            return set
        }
        guard create else { return nil }

        let hash = PodTemplateHash.compute(deployment.spec?.template, collisionCount: deployment.status?.collisionCount)
        var template = deployment.spec?.template ?? PodTemplateSpec()
        var templateMeta = template.metadata ?? ObjectMeta()
        templateMeta.setLabel(PodTemplateHash.label, hash)
        template.metadata = templateMeta
        var selector = deployment.spec?.selector ?? LabelSelector()
        var matchLabels = selector.matchLabels ?? [:]
        matchLabels[PodTemplateHash.label] = hash
        selector.matchLabels = matchLabels
        var set = ReplicaSet(metadata: ObjectMeta(name: "\(deployment.name)-\(hash)", namespace: deployment.namespace,
                                                  labels: templateMeta.labels,
                                                  ownerReferences: [deployment.ownerReference(controller: true, blockOwnerDeletion: true)]),
                             spec: ReplicaSetSpec(replicas: 0, minReadySeconds: deployment.spec?.minReadySeconds, selector: selector,
                                                  template: template))
        let initialReplicas = DeploymentMath.newReplicaSetReplicas(deployment, all: old + [set], new: set)
        set.spec?.replicas = initialReplicas
        _ = DeploymentRevisions.setNewReplicaSetAnnotations(deployment, &set, newRevision: newRevision, exists: false)

        let created: ReplicaSet
        let alreadyExisted: Bool
        do {
            created = try await client.create(set)
            alreadyExisted = false
        } catch {
            guard error.isAlreadyExists else {
                await recordFailedCreate(set, &deployment, error)
                throw error
            }
            created = try await adoptExisting(set, &deployment, error: error)
            alreadyExisted = true
        }
        var needsUpdate = setRevision(&deployment, String(newRevision))
        if !alreadyExisted, DeploymentConditions.hasProgressDeadline(deployment) {
            var status = deployment.status ?? DeploymentStatus()
            DeploymentConditions.set(&status, DeploymentConditions.make(
                DeploymentConditions.progressing, "True", DeploymentConditions.Reason.newReplicaSetCreated,
                "Created new replica set \"\(created.name)\"", now: clock.time()))
            deployment.status = status
            needsUpdate = true
        }
        if needsUpdate { deployment = try await client.updateStatus(deployment) }
        return created
    }

    /// The set of this name that already exists, when it is ours with the same template (a
    /// cache that lags). Otherwise another template hashed to the same name: the collision
    /// count goes up, so the next attempt hashes differently, and `error` is thrown.
    private func adoptExisting(_ set: ReplicaSet, _ deployment: inout Deployment, error: ClientError) async throws -> ReplicaSet {
        let found = try await client.getIfPresent(ReplicaSet.self, namespace: set.namespace, name: set.name)
        if let found, found.metadata.controllerReference?.uid == deployment.uid,
            PodTemplateHash.equalIgnoringHash(found.spec?.template, deployment.spec?.template) {
            return found
        }
        var status = deployment.status ?? DeploymentStatus()
        status.collisionCount = (status.collisionCount ?? 0) + 1
        deployment.status = status
        deployment = try await client.updateStatus(deployment)
        throw error
    }

    /// Says in the Progressing condition that the new set could not be created.
    private func recordFailedCreate(_ set: ReplicaSet, _ deployment: inout Deployment, _ error: ClientError) async {
        guard DeploymentConditions.hasProgressDeadline(deployment) else { return }
        var status = deployment.status ?? DeploymentStatus()
        DeploymentConditions.set(&status, DeploymentConditions.make(
            DeploymentConditions.progressing, "False", DeploymentConditions.Reason.failedCreate,
            "Failed to create new replica set \"\(set.name)\": \(error.message)", now: clock.time()))
        deployment.status = status
        if let updated = try? await client.updateStatus(deployment) { deployment = updated }
    }

    /// SetDeploymentRevision: returns whether the annotation changed.
    private func setRevision(_ deployment: inout Deployment, _ revision: String?) -> Bool {
        guard let revision, deployment.metadata.annotation(DeploymentRevisions.revision) != revision else { return false }
        deployment.metadata.setAnnotation(DeploymentRevisions.revision, revision)
        return true
    }
}
