/// ValidateVolumes and validateVolumeSource, with upstream's messages and field paths.
extension Volume {
    /// Validates a Pod's volumes. Returns the sources of the valid ones by name (what
    /// volume mounts may refer to) and the errors.
    ///
    /// - Parameter podName: the Pod's name, when validating a Pod rather than a template; a
    ///   generic ephemeral volume's claim is named `<pod>-<volume>`.
    public static func validate(_ volumes: [Volume], podName: String?, at path: FieldPath) -> (valid: [String: VolumeSource], errors: [FieldError]) {
        var errors: [FieldError] = []
        var valid: [String: VolumeSource] = [:]
        var createdClaims = Set<String>()
        if let podName, !podName.isEmpty {
            for volume in volumes where volume.source.ephemeral != nil { createdClaims.insert("\(podName)-\(volume.name)") }
        }
        for (index, volume) in volumes.enumerated() {
            let itemPath = path.index(index)
            let namePath = itemPath.child("name")
            var own = volume.source.validate(at: itemPath, volumeName: volume.name, podName: podName)
            if volume.name.isEmpty {
                own.append(.required(namePath))
            } else {
                own += CoreRules.dns1123Label(volume.name, namePath)
            }
            if valid[volume.name] != nil { own.append(.duplicate(namePath, volume.name)) }
            if own.isEmpty {
                valid[volume.name] = volume.source
            } else {
                errors += own
            }
            if let claim = volume.source.persistentVolumeClaim?.claimName, createdClaims.contains(claim) {
                errors.append(.invalid(itemPath.child("persistentVolumeClaim").child("claimName"), claim,
                                       "must not reference a PVC that gets created for an ephemeral volume"))
            }
        }
        return (valid, errors)
    }
}

extension VolumeSource {
    /// validateVolumeSource: exactly one source, each checked; later sources are reported
    /// as "may not specify more than 1 volume type" in upstream's order.
    func validate(at path: FieldPath, volumeName: String, podName: String?) -> [FieldError] {
        var errors: [FieldError] = []
        var count = 0
        func take(_ name: String, reportedAs reported: String? = nil, _ check: () -> [FieldError]) {
            if count > 0 {
                errors.append(.forbidden(path.child(reported ?? name), "may not specify more than 1 volume type"))
            } else {
                count += 1
                errors += check()
            }
        }
        if let emptyDir {
            count += 1
            if let limit = emptyDir.sizeLimit, limit < Quantity(0) {
                errors.append(.forbidden(path.child("emptyDir").child("sizeLimit"), "SizeLimit field must be a valid resource quantity"))
            }
        }
        if let hostPath { take("hostPath") { hostPath.validate(at: path.child("hostPath")) } }
        if let gitRepo { take("gitRepo") { gitRepo.validate(at: path.child("gitRepo")) } }
        if let secret { take("secret") { secret.validate(at: path.child("secret")) } }
        if let nfs { take("nfs") { nfs.validate(at: path.child("nfs")) } }
        if let persistentVolumeClaim {
            take("persistentVolumeClaim") {
                persistentVolumeClaim.claimName.isEmpty ? [.required(path.child("persistentVolumeClaim").child("claimName"))] : []
            }
        }
        // Upstream misspells this path; clients match on it, so it is kept.
        if let downwardAPI { take("downwardAPI", reportedAs: "downwarAPI") { downwardAPI.validate(at: path.child("downwardAPI")) } }
        if let configMap { take("configMap") { configMap.validate(at: path.child("configMap")) } }
        if let projected { take("projected") { projected.validate(at: path.child("projected")) } }
        if let csi { take("csi") { csi.validateInline(at: path.child("csi")) } }
        if let ephemeral {
            take("ephemeral") {
                var found: [FieldError] = []
                let templatePath = path.child("ephemeral").child("volumeClaimTemplate")
                if let template = ephemeral.volumeClaimTemplate {
                    found += template.validateMetadata(at: templatePath.child("metadata"))
                } else {
                    found.append(.required(templatePath))
                }
                if let podName, !podName.isEmpty, !volumeName.isEmpty {
                    let claim = "\(podName)-\(volumeName)"
                    found += NameRules.dns1123Subdomain(claim).map {
                        FieldError.invalid(path.child("name"), volumeName, "PVC name \(FieldError.quote(claim)): \($0)")
                    }
                }
                return found
            }
        }
        if let image {
            take("image") { (image.reference ?? "").isEmpty ? [.required(path.child("image").child("reference"), "")] : [] }
        }
        for name in (otherSources ?? [:]).keys.sorted() { take(name) { [] } }
        if count == 0 { errors.append(.required(path, "must specify a volume type")) }
        return errors
    }
}

extension HostPathVolumeSource {
    func validate(at path: FieldPath) -> [FieldError] {
        if self.path.isEmpty { return [.required(path.child("path"))] }
        var errors = CoreRules.noBacksteps(self.path, path.child("path"))
        if let type, !HostPathVolumeSource.types.contains(type) {
            errors.append(.notSupported(path.child("type"), type, HostPathVolumeSource.types))
        }
        return errors
    }
}

extension GitRepoVolumeSource {
    func validate(at path: FieldPath) -> [FieldError] {
        var errors: [FieldError] = []
        if repository.isEmpty { errors.append(.required(path.child("repository"))) }
        errors += CoreRules.localDescendingPath(directory ?? "", path.child("directory"))
        return errors
    }
}

extension SecretVolumeSource {
    func validate(at path: FieldPath) -> [FieldError] {
        var errors: [FieldError] = []
        if (secretName ?? "").isEmpty { errors.append(.required(path.child("secretName"))) }
        errors += CoreRules.fileMode(defaultMode, path.child("defaultMode"))
        for (index, item) in (items ?? []).enumerated() { errors += item.validate(at: path.child("items").index(index)) }
        return errors
    }
}

extension ConfigMapVolumeSource {
    func validate(at path: FieldPath) -> [FieldError] {
        var errors: [FieldError] = []
        if (name ?? "").isEmpty { errors.append(.required(path.child("name"))) }
        errors += CoreRules.fileMode(defaultMode, path.child("defaultMode"))
        for (index, item) in (items ?? []).enumerated() { errors += item.validate(at: path.child("items").index(index)) }
        return errors
    }
}

extension KeyToPath {
    func validate(at path: FieldPath) -> [FieldError] {
        var errors: [FieldError] = []
        if key.isEmpty { errors.append(.required(path.child("key"))) }
        if self.path.isEmpty { errors.append(.required(path.child("path"))) }
        errors += CoreRules.localNonReservedPath(self.path, path.child("path"))
        errors += CoreRules.fileMode(mode, path.child("mode"))
        return errors
    }
}

extension NFSVolumeSource {
    func validate(at path: FieldPath) -> [FieldError] {
        var errors: [FieldError] = []
        if server.isEmpty { errors.append(.required(path.child("server"))) }
        if self.path.isEmpty { errors.append(.required(path.child("path"))) }
        if !self.path.hasPrefix("/") { errors.append(.invalid(path.child("path"), self.path, "must be an absolute path")) }
        return errors
    }
}

extension CSIVolumeSource {
    func validateInline(at path: FieldPath) -> [FieldError] {
        var errors: [FieldError] = []
        let driverPath = path.child("driver")
        if driver.isEmpty { errors.append(.required(driverPath)) }
        if driver.utf8.count > 63 { errors.append(.tooLong(driverPath, max: 63)) }
        errors += NameRules.dns1123Subdomain(driver.lowercased()).map { FieldError.invalid(driverPath, driver, $0) }
        if let secret = nodePublishSecretRef {
            if let name = secret.name, !name.isEmpty {
                errors += CoreRules.dns1123Subdomain(name, path.child("name"))
            } else {
                errors.append(.required(path.child("nodePublishSecretRef").child("name")))
            }
        }
        return errors
    }
}

extension DownwardAPIVolumeSource {
    /// Paths of upstream's downward API fields that a volume file may name.
    static let volumeFieldPaths = ["metadata.annotations", "metadata.labels", "metadata.name", "metadata.namespace", "metadata.uid"]

    func validate(at path: FieldPath) -> [FieldError] {
        var errors = CoreRules.fileMode(defaultMode, path.child("defaultMode"))
        for item in items ?? [] { errors += item.validate(at: path) }
        return errors
    }
}

extension DownwardAPIVolumeFile {
    /// validateDownwardAPIVolumeFile; note upstream reports at the volume's path, not the item's.
    func validate(at path: FieldPath) -> [FieldError] {
        var errors: [FieldError] = []
        if self.path.isEmpty { errors.append(.required(path.child("path"))) }
        errors += CoreRules.localNonReservedPath(self.path, path.child("path"))
        if let fieldRef {
            errors += fieldRef.validate(allowed: DownwardAPIVolumeSource.volumeFieldPaths, at: path.child("fieldRef"))
            if resourceFieldRef != nil {
                errors.append(.invalid(path, "resource", "fieldRef and resourceFieldRef can not be specified simultaneously"))
            }
        } else if let resourceFieldRef {
            errors += resourceFieldRef.validate(requireContainerName: true, at: path.child("resourceFieldRef"))
        } else {
            errors.append(.required(path, "one of fieldRef and resourceFieldRef is required"))
        }
        errors += CoreRules.fileMode(mode, path.child("mode"))
        return errors
    }
}

extension ProjectedVolumeSource {
    func validate(at path: FieldPath) -> [FieldError] {
        var errors = CoreRules.fileMode(defaultMode, path.child("defaultMode"))
        var paths = Set<String>()
        func claim(_ item: String, reportAs value: String) {
            guard !item.isEmpty else { return }
            if !paths.insert(item).inserted { errors.append(.invalid(path, value, "conflicting duplicate paths")) }
        }
        for (index, source) in (sources ?? []).enumerated() {
            let sourcePath = path.child("sources").index(index)
            var count = 0
            if let secret = source.secret {
                count += 1
                let secretPath = sourcePath.child("secret")
                if (secret.name ?? "").isEmpty { errors.append(.required(secretPath.child("name"))) }
                for (itemIndex, item) in (secret.items ?? []).enumerated() {
                    errors += item.validate(at: secretPath.child("items").index(itemIndex))
                    claim(item.path, reportAs: secret.name ?? "")
                }
            }
            if let configMap = source.configMap {
                count += 1
                let configMapPath = sourcePath.child("configMap")
                if (configMap.name ?? "").isEmpty { errors.append(.required(configMapPath.child("name"))) }
                for (itemIndex, item) in (configMap.items ?? []).enumerated() {
                    errors += item.validate(at: configMapPath.child("items").index(itemIndex))
                    claim(item.path, reportAs: configMap.name ?? "")
                }
            }
            if let downward = source.downwardAPI {
                count += 1
                for item in downward.items ?? [] {
                    errors += item.validate(at: sourcePath.child("downwardAPI"))
                    claim(item.path, reportAs: item.path)
                }
            }
            if let token = source.serviceAccountToken {
                count += 1
                let tokenPath = sourcePath.child("serviceAccountToken")
                let seconds = token.expirationSeconds ?? 3600
                if seconds < 600 {
                    errors.append(.invalid(tokenPath.child("expirationSeconds"), number: seconds, "may not specify a duration less than 10 minutes"))
                }
                if seconds > 1 << 32 {
                    errors.append(.invalid(tokenPath.child("expirationSeconds"), number: seconds, "may not specify a duration larger than 2^32 seconds"))
                }
                if token.path.isEmpty {
                    errors.append(.required(path.child("path")))
                } else {
                    errors += CoreRules.localNonReservedPath(token.path, path.child("path"))
                }
            }
            if source.clusterTrustBundle != nil { count += 1 }
            if count > 1 { errors.append(.forbidden(sourcePath, "may not specify more than 1 volume type per source")) }
        }
        return errors
    }
}

extension PersistentVolumeClaimTemplate {
    /// ValidateTemplateObjectMeta: only labels and annotations may be set. The spec is
    /// validated by whoever owns PersistentVolumeClaimSpec.
    func validateMetadata(at path: FieldPath) -> [FieldError] {
        guard let metadata else { return [] }
        var errors = NameRules.validateAnnotations(metadata.annotations, field: path.child("annotations"))
        errors += NameRules.validateLabels(metadata.labels, field: path.child("labels"))
        var stripped = ObjectMeta()
        stripped.labels = metadata.labels
        stripped.annotations = metadata.annotations
        if stripped != metadata {
            for name in ObjectMeta.setFieldNames(metadata) where name != "labels" && name != "annotations" {
                errors.append(.forbidden(path.child(name), "cannot be set"))
            }
        }
        return errors
    }
}

extension ObjectMeta {
    /// The JSON names of the fields that are set, in declaration order.
    static func setFieldNames(_ meta: ObjectMeta) -> [String] {
        guard case .object(let members) = APICodec.encodeValue(meta) else { return [] }
        let order = ["name", "generateName", "namespace", "selfLink", "uid", "resourceVersion", "generation", "creationTimestamp",
                     "deletionTimestamp", "deletionGracePeriodSeconds", "labels", "annotations", "ownerReferences", "finalizers",
                     "managedFields"]
        return order.filter { members[$0] != nil }
    }
}
