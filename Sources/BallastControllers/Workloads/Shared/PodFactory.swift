import BallastAPI

/// Pods made from a workload's template (controller.GetPodFromTemplate upstream).
enum PodFactory {
    /// A Pod of `template` in `namespace`, controlled by `owner`: the template's labels,
    /// annotations, finalizers and spec, and a controller reference that blocks the
    /// owner's foreground deletion.
    static func pod(from template: PodTemplateSpec?, name: String, namespace: String, owner: OwnerReference) -> Pod {
        let meta = template?.metadata
        var metadata = ObjectMeta(name: name, namespace: namespace)
        metadata.labels = meta?.labels
        metadata.annotations = meta?.annotations
        metadata.finalizers = meta?.finalizers
        metadata.ownerReferences = [owner]
        return Pod(metadata: metadata, spec: template?.spec ?? PodSpec())
    }

    /// "<prefix>-" and five random characters from the alphabet generateName uses; the
    /// prefix is cut to 57 characters so the name stays a valid label value (63).
    static func randomName(prefix: String) -> String {
        let alphabet = Array("bcdfghjklmnpqrstvwxz2456789")
        var base = prefix + "-"
        if base.count > 58 { base = String(base.prefix(58)) }
        var suffix = ""
        for _ in 0..<5 { suffix.append(alphabet.randomElement() ?? "x") }
        return base + suffix
    }
}
