import BallastAPI
import BallastClient
import BallastStorage
import Logging

/// Looks up what a pod's volumes and variables name: ConfigMaps and Secrets in its
/// namespace, and the PersistentVolume behind each bound claim. Objects that cannot be
/// read are left out; the volume or variable that needs them then reports the error.
enum PodInputs {
    static func resolve(pod: Pod, client: KubeClient, lvm: LVMProvisioner?, logger: Logger) async -> PodVolumeInputs {
        let namespace = pod.metadata.namespace ?? "default"
        var configMapNames: Set<String> = []
        var secretNames: Set<String> = []
        var claimNames: Set<String> = []
        for volume in pod.spec?.volumes ?? [] {
            let source = volume.source
            if let name = source.configMap?.name { configMapNames.insert(name) }
            if let name = source.secret?.secretName { secretNames.insert(name) }
            for projection in source.projected?.sources ?? [] {
                if let name = projection.configMap?.name { configMapNames.insert(name) }
                if let name = projection.secret?.name { secretNames.insert(name) }
            }
            if let claim = source.persistentVolumeClaim?.claimName { claimNames.insert(claim) }
            if source.ephemeral != nil { claimNames.insert("\(pod.metadata.name ?? "")-\(volume.name)") }
        }
        for container in pod.spec?.allContainers ?? [] {
            for source in container.envFrom ?? [] {
                if let name = source.configMapRef?.name { configMapNames.insert(name) }
                if let name = source.secretRef?.name { secretNames.insert(name) }
            }
            for variable in container.env ?? [] {
                if let name = variable.valueFrom?.configMapKeyRef?.name { configMapNames.insert(name) }
                if let name = variable.valueFrom?.secretKeyRef?.name { secretNames.insert(name) }
            }
        }
        var inputs = PodVolumeInputs(nodeAllocatableMemory: HostFacts.memoryBytes)
        for name in configMapNames {
            if let object = try? await client.getIfPresent(ConfigMap.self, namespace: namespace, name: name) { inputs.configMaps[name] = object }
        }
        for name in secretNames {
            if let object = try? await client.getIfPresent(Secret.self, namespace: namespace, name: name) { inputs.secrets[name] = object }
        }
        for name in claimNames {
            guard let claim = try? await client.getIfPresent(PersistentVolumeClaim.self, namespace: namespace, name: name),
                  let volumeName = claim.spec?.volumeName, !volumeName.isEmpty,
                  let volume = try? await client.getIfPresent(PersistentVolume.self, name: volumeName),
                  let spec = volume.spec else { continue }
            let readOnly = pod.spec?.volumes?.first { $0.source.persistentVolumeClaim?.claimName == name }?.source.persistentVolumeClaim?.readOnly ?? false
            let options = spec.mountOptions ?? []
            if let hostPath = spec.hostPath {
                inputs.claims[name] = ResolvedClaim(volumeName: volumeName, source: .hostPath(hostPath), readOnly: readOnly, mountOptions: options)
            } else if let local = spec.local {
                inputs.claims[name] = ResolvedClaim(volumeName: volumeName, source: .local(path: local.path, fsType: local.fsType),
                                                    readOnly: readOnly, mountOptions: options)
            } else if let nfs = spec.nfs {
                switch NFSMountOptions.parse(options) {
                case .success(let parsed):
                    inputs.claims[name] = ResolvedClaim(volumeName: volumeName, source: .nfs(nfs, mountOptions: parsed), readOnly: readOnly)
                case .failure(let error):
                    logger.warning("bad NFS mount options", metadata: ["pv": "\(volumeName)", "error": "\(error)"])
                }
            } else if let csi = spec.csi, csi.driver == LVMProvisioner.csiDriver, let lvm {
                do {
                    let device = try await lvm.device(for: csi.volumeHandle)
                    let type = FilesystemType(rawValue: csi.fsType ?? "") ?? .ext4
                    inputs.claims[name] = ResolvedClaim(volumeName: volumeName, source: .blockDevice(path: device, fsType: type),
                                                        readOnly: readOnly || (csi.readOnly ?? false), mountOptions: options)
                } catch {
                    logger.warning("cannot attach logical volume", metadata: ["pv": "\(volumeName)", "error": "\(error)"])
                }
            }
        }
        return inputs
    }
}
