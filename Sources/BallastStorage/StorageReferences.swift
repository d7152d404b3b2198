public import BallastAPI

/// Which PersistentVolumes and claims account for a piece of storage: the rules that decide
/// whether a logical volume, a local-path directory or an NFS directory is an orphan. Both
/// `ballast storage orphans` (to list and re-check) and the node agent (to re-check at the
/// moment it removes one) use them, so the two never disagree.
///
/// They lean towards "accounted for": a volume that names the object, anything inside it or
/// anything around it counts, whatever node its affinity names. A false orphan could be
/// purged; a missed one only stays listed as in use.
public enum StorageReferences {
    /// The volumes whose source names logical volume `handle` ("vg/lv"), or that are named
    /// like it (a PersistentVolume "pvc-…" is the volume its driver made as "pvc-…").
    public static func volumes(namingLogicalVolume handle: String, in volumes: [PersistentVolume]) -> [PersistentVolume] {
        let name = handle.split(separator: "/").last.map(String.init) ?? handle
        return volumes.filter { volume in
            if volume.name == name { return true }
            guard let csi = volume.spec?.csi else { return false }
            return csi.volumeHandle == handle
        }
    }

    /// The volumes whose local or hostPath path is `path`, inside it or around it.
    public static func volumes(namingPath path: String, in volumes: [PersistentVolume]) -> [PersistentVolume] {
        volumes.filter { volume in
            [volume.spec?.local?.path, volume.spec?.hostPath?.path].compactMap { $0 }.contains { overlaps($0, path) }
        }
    }

    /// The pods on `node` (or on no node yet) with a hostPath volume at `path`, inside it or
    /// around it: a directory a pod uses directly is in use without any volume naming it.
    public static func pods(usingHostPath path: String, node: String, in pods: [Pod]) -> [Pod] {
        pods.filter { pod in
            guard (pod.spec?.nodeName ?? node) == node else { return false }
            return (pod.spec?.volumes ?? []).contains { volume in
                guard let hostPath = volume.source.hostPath else { return false }
                return overlaps(hostPath.path, path)
            }
        }
    }

    /// The NFS volumes whose path is `path`, inside it or around it, on any server: one
    /// server has several names (an address, a host name, an alias), and telling two
    /// servers apart by name could call a directory in use an orphan.
    public static func volumes(namingNFSPath path: String, in volumes: [PersistentVolume]) -> [PersistentVolume] {
        volumes.filter { volume in
            guard let nfs = volume.spec?.nfs else { return false }
            return overlaps(nfs.path, path)
        }
    }

    /// The claim being provisioned under `name`: the one whose UID appears in it as
    /// "pvc-<uid>", as the name of the storage a driver makes for it does between making the
    /// storage and writing its PersistentVolume (crash point node-provision-before-pv).
    public static func provisioningClaim(for name: String, in claims: [PersistentVolumeClaim]) -> PersistentVolumeClaim? {
        claims.first { claim in
            let uid = claim.metadata.uid ?? ""
            return !uid.isEmpty && name.contains("pvc-" + uid)
        }
    }

    /// Whether one of two absolute paths is the other or lies inside it.
    public static func overlaps(_ first: String, _ second: String) -> Bool {
        let a = normalized(first), b = normalized(second)
        return a == b || a.hasPrefix(b == "/" ? "/" : b + "/") || b.hasPrefix(a == "/" ? "/" : a + "/")
    }

    /// `path` without repeated or trailing slashes ("/" stays "/").
    public static func normalized(_ path: String) -> String {
        "/" + path.split(separator: "/").joined(separator: "/")
    }
}
