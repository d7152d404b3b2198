import BallastAPI

/// The pod-template-hash of a template and the semantic template equality the deployment
/// controller relies on (controller.ComputeHash and deploymentutil.EqualIgnoreHash).
///
/// Upstream hashes the Go structure with FNV-32a and renders the number with the
/// "safe" alphabet. Ballast hashes the canonical JSON of the template instead: keys sorted,
/// nulls and empty lists and maps dropped, so two templates that mean the same thing give
/// the same hash in every process and across restarts.
enum PodTemplateHash {
    /// The label every ReplicaSet and Pod of a Deployment carries.
    static let label = "pod-template-hash"

    /// The hash of `template`, salted with the collision count as upstream does.
    static func compute(_ template: PodTemplateSpec?, collisionCount: Int32? = nil) -> String {
        var bytes = canonical(template).serialized()
        if let collisionCount {
            // Upstream appends the count's decimal digits to what it hashes.
            bytes += Array(String(collisionCount).utf8)
        }
        return safeEncode(String(fnv32a(bytes)))
    }

    /// Whether two templates are the same once the hash label and empty values are ignored
    /// (kubectl-compat G10: `rollout undo` must find the old ReplicaSet this way).
    static func equalIgnoringHash(_ a: PodTemplateSpec?, _ b: PodTemplateSpec?) -> Bool {
        canonical(withoutHash(a)) == canonical(withoutHash(b))
    }

    /// The template with the pod-template-hash label removed.
    static func withoutHash(_ template: PodTemplateSpec?) -> PodTemplateSpec? {
        guard var template else { return nil }
        template.metadata?.setLabel(label, nil)
        return template
    }

    /// The template as JSON with nulls, empty lists, empty maps and the (server-set, never
    /// meaningful) creationTimestamp removed.
    static func canonical(_ template: PodTemplateSpec?) -> JSONValue {
        guard let template else { return .object([:]) }
        var value = APICodec.encodeValue(template)
        value["metadata"]?["creationTimestamp"] = nil
        return pruned(value) ?? .object([:])
    }

    private static func pruned(_ value: JSONValue) -> JSONValue? {
        switch value {
        case .null: return nil
        case .array(let items):
            let kept = items.map { pruned($0) ?? .null }
            return kept.isEmpty ? nil : .array(kept)
        case .object(let members):
            var kept: [String: JSONValue] = [:]
            for (key, member) in members {
                if let member = pruned(member) { kept[key] = member }
            }
            return kept.isEmpty ? nil : .object(kept)
        default: return value
        }
    }

    /// FNV-1a, 32 bits.
    static func fnv32a(_ bytes: [UInt8]) -> UInt32 {
        var hash: UInt32 = 2_166_136_261
        for byte in bytes {
            hash ^= UInt32(byte)
            hash = hash &* 16_777_619
        }
        return hash
    }

    /// rand.SafeEncodeString: each character mapped into an alphabet without vowels (so
    /// no words) and without 0, 1 and 3 (so nothing is misread).
    static func safeEncode(_ text: String) -> String {
        let alphabet = Array("bcdfghjklmnpqrstvwxz2456789")
        return String(text.utf8.map { alphabet[Int($0) % alphabet.count] })
    }
}
