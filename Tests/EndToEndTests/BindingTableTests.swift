import BallastAPI
import BallastTesting
import Foundation
import Testing

/// Issue 3: the binding rules of Kubernetes' PV controller, each case applied with the real
/// kubectl to a real `ballast server`, ending in the phases, claimRefs and annotations
/// Kubernetes reaches.
@Suite struct BindingTableTests {
    /// What one object must look like at the end.
    struct Expectation: Sendable, CustomStringConvertible {
        var resource: String
        var name: String
        var phase: String
        /// The PV a claim is bound to, or the claim a PV's claimRef names ("" for none).
        var peer: String?
        /// Annotations that must be present (value "yes" or "" for "any value").
        var annotations: [String: String] = [:]

        var description: String { "\(resource)/\(name) \(phase) \(peer ?? "-")" }
    }

    struct Case: Sendable, CustomStringConvertible {
        var rule: String
        var manifests: String
        var expectations: [Expectation]
        var description: String { rule }
    }

    static func pv(_ name: String, _ size: String, modes: [String] = ["ReadWriteOnce"], className: String = "", labels: [String: String] = [:],
                   volumeMode: String = "Filesystem", claimRef: String? = nil) -> String {
        let labelText = labels.isEmpty ? "{}" : "{" + labels.map { "\($0.key): \($0.value)" }.joined(separator: ", ") + "}"
        let ref = claimRef.map { "\n  claimRef: {namespace: default, name: \($0)}" } ?? ""
        return """
            apiVersion: v1
            kind: PersistentVolume
            metadata: {name: \(name), labels: \(labelText)}
            spec:
              capacity: {storage: \(size)}
              accessModes: [\(modes.joined(separator: ", "))]
              storageClassName: "\(className)"
              volumeMode: \(volumeMode)
              persistentVolumeReclaimPolicy: Retain\(ref)
              hostPath: {path: /tmp/ballast-binding/\(name)}
            ---

            """
    }

    static func pvc(_ name: String, _ size: String, modes: [String] = ["ReadWriteOnce"], className: String = "", selector: [String: String] = [:],
                    volumeMode: String = "Filesystem", volumeName: String? = nil) -> String {
        let selectorText = selector.isEmpty ? "" : "\n  selector: {matchLabels: {" + selector.map { "\($0.key): \($0.value)" }.joined(separator: ", ") + "}}"
        let volume = volumeName.map { "\n  volumeName: \($0)" } ?? ""
        return """
            apiVersion: v1
            kind: PersistentVolumeClaim
            metadata: {name: \(name), namespace: default}
            spec:
              accessModes: [\(modes.joined(separator: ", "))]
              storageClassName: "\(className)"
              volumeMode: \(volumeMode)
              resources: {requests: {storage: \(size)}}\(selectorText)\(volume)
            ---

            """
    }

    static let boundByController = [VolumeBindingRules.boundByController: "yes"]
    static let bindCompleted = [VolumeBindingRules.bindCompleted: "yes"]
    static let bindCompletedByController = [VolumeBindingRules.bindCompleted: "yes", VolumeBindingRules.boundByController: "yes"]

    static let cases: [Case] = [
        Case(rule: "the smallest PV that is large enough wins",
             manifests: pv("small", "1Gi") + pv("medium", "5Gi") + pv("large", "10Gi") + pvc("claim", "3Gi"),
             expectations: [
                .init(resource: "pvc", name: "claim", phase: "Bound", peer: "medium", annotations: bindCompletedByController),
                .init(resource: "pv", name: "medium", phase: "Bound", peer: "claim", annotations: boundByController),
                .init(resource: "pv", name: "small", phase: "Available", peer: ""),
                .init(resource: "pv", name: "large", phase: "Available", peer: ""),
             ]),
        Case(rule: "the smallest superset of access modes wins over a smaller size",
             manifests: pv("many-modes", "5Gi", modes: ["ReadWriteOnce", "ReadOnlyMany", "ReadWriteMany"])
                + pv("one-mode", "10Gi", modes: ["ReadWriteOnce"]) + pvc("claim", "1Gi", modes: ["ReadWriteOnce"]),
             expectations: [
                .init(resource: "pvc", name: "claim", phase: "Bound", peer: "one-mode"),
                .init(resource: "pv", name: "many-modes", phase: "Available", peer: ""),
             ]),
        Case(rule: "a claim asking for a mode no PV has stays Pending",
             manifests: pv("rwo", "5Gi") + pvc("claim", "1Gi", modes: ["ReadWriteMany"]),
             expectations: [
                .init(resource: "pvc", name: "claim", phase: "Pending", peer: ""),
                .init(resource: "pv", name: "rwo", phase: "Available", peer: ""),
             ]),
        Case(rule: "classes must be equal",
             manifests: pv("gold", "5Gi", className: "gold") + pv("plain", "5Gi") + pvc("claim", "1Gi", className: "silver"),
             expectations: [
                .init(resource: "pvc", name: "claim", phase: "Pending", peer: ""),
                .init(resource: "pv", name: "gold", phase: "Available", peer: ""),
                .init(resource: "pv", name: "plain", phase: "Available", peer: ""),
             ]),
        Case(rule: "volume modes must be equal",
             manifests: pv("block", "5Gi", volumeMode: "Block") + pvc("claim", "1Gi"),
             expectations: [
                .init(resource: "pvc", name: "claim", phase: "Pending", peer: ""),
                .init(resource: "pv", name: "block", phase: "Available", peer: ""),
             ]),
        Case(rule: "a label selector narrows the choice",
             manifests: pv("slow", "1Gi", labels: ["tier": "slow"]) + pv("fast", "8Gi", labels: ["tier": "fast"])
                + pvc("claim", "1Gi", selector: ["tier": "fast"]),
             expectations: [
                .init(resource: "pvc", name: "claim", phase: "Bound", peer: "fast"),
                .init(resource: "pv", name: "slow", phase: "Available", peer: ""),
             ]),
        Case(rule: "no PV is large enough",
             manifests: pv("small", "1Gi") + pvc("claim", "2Gi"),
             expectations: [.init(resource: "pvc", name: "claim", phase: "Pending", peer: "")]),
        Case(rule: "spec.volumeName pre-binds to that PV even when a smaller one fits",
             manifests: pv("small", "1Gi") + pv("chosen", "10Gi") + pvc("claim", "1Gi", volumeName: "chosen"),
             expectations: [
                .init(resource: "pvc", name: "claim", phase: "Bound", peer: "chosen", annotations: bindCompleted),
                .init(resource: "pv", name: "chosen", phase: "Bound", peer: "claim", annotations: boundByController),
                .init(resource: "pv", name: "small", phase: "Available", peer: ""),
             ]),
        Case(rule: "a PV pre-bound by claimRef goes to that claim only",
             manifests: pv("reserved", "1Gi", claimRef: "owner") + pvc("stranger", "1Gi") + pvc("owner", "1Gi"),
             expectations: [
                .init(resource: "pvc", name: "owner", phase: "Bound", peer: "reserved", annotations: bindCompletedByController),
                .init(resource: "pvc", name: "stranger", phase: "Pending", peer: ""),
                .init(resource: "pv", name: "reserved", phase: "Bound", peer: "owner"),
             ]),
        Case(rule: "a claim pre-bound to a PV that does not fit stays Pending and the PV stays free",
             manifests: pv("tiny", "1Gi") + pvc("claim", "5Gi", volumeName: "tiny"),
             expectations: [
                .init(resource: "pvc", name: "claim", phase: "Pending", peer: "tiny"),
                .init(resource: "pv", name: "tiny", phase: "Available", peer: ""),
             ]),
    ]

    @Test(arguments: cases)
    func bindingEndsWhereKubernetesEnds(_ testCase: Case) throws {
        let cluster = try Cluster()
        // The volumes first, until the controller has made each Available: a claim binds
        // only Available volumes, so one that came in the same apply could otherwise be
        // matched before the smaller or better volume beside it was ready.
        let documents = testCase.manifests.components(separatedBy: "---\n").filter { !$0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty }
        let volumes = documents.filter { $0.contains("kind: PersistentVolume\n") }
        try cluster.kubectl.ok("apply", "-f", "-", input: volumes.joined(separator: "---\n"))
        let available = try cluster.kubectl.run(["wait", "--for=jsonpath={.status.phase}=Available", "pv", "--all", "--timeout=30s"], timeout: 40)
        #expect(available.succeeded, "\(available)")
        try cluster.kubectl.ok("apply", "-f", "-", input: documents.filter { !volumes.contains($0) }.joined(separator: "---\n"))
        try expectEventually(cluster, testCase.expectations)
    }

    @Test func aBoundClaimWhoseVolumeVanishesTurnsLostAndNeverRebinds() throws {
        let cluster = try Cluster()
        try cluster.kubectl.ok("apply", "-f", "-", input: Self.pv("first", "1Gi") + Self.pvc("claim", "1Gi"))
        try expectEventually(cluster, [.init(resource: "pvc", name: "claim", phase: "Bound", peer: "first")])
        // The PV goes for good (its protection finalizer removed, as an administrator forcing it would).
        try cluster.kubectl.ok("delete", "pv", "first", "--wait=false")
        try cluster.kubectl.ok("patch", "pv", "first", "--type=merge", "-p", #"{"metadata":{"finalizers":null}}"#)
        try cluster.kubectl.ok("apply", "-f", "-", input: Self.pv("second", "1Gi"))
        try expectEventually(cluster, [
            .init(resource: "pvc", name: "claim", phase: "Lost", peer: "first"),
            .init(resource: "pv", name: "second", phase: "Available", peer: ""),
        ])
    }

    @Test func deletingTheClaimReleasesARetainedVolumeWithItsClaimRef() throws {
        let cluster = try Cluster()
        try cluster.kubectl.ok("apply", "-f", "-", input: Self.pv("kept", "1Gi") + Self.pvc("claim", "1Gi"))
        try expectEventually(cluster, [.init(resource: "pv", name: "kept", phase: "Bound", peer: "claim")])
        let bound = try cluster.json("get", "pv", "kept")
        try cluster.kubectl.ok("delete", "pvc", "claim")
        try expectEventually(cluster, [.init(resource: "pv", name: "kept", phase: "Released", peer: "claim")])
        // A new claim of the same name is a different claim: the released PV is not reused.
        try cluster.kubectl.ok("apply", "-f", "-", input: Self.pvc("claim", "1Gi"))
        try expectEventually(cluster, [
            .init(resource: "pvc", name: "claim", phase: "Pending", peer: ""),
            .init(resource: "pv", name: "kept", phase: "Released", peer: "claim"),
        ])
        let released = try cluster.json("get", "pv", "kept")
        let boundAt = try #require(bound.string("status.lastPhaseTransitionTime"))
        let releasedAt = try #require(released.string("status.lastPhaseTransitionTime"))
        // RFC 3339 times in UTC order as strings do.
        #expect(releasedAt >= boundAt)
    }

    /// Waits until every expectation holds at once, then checks they still hold a moment
    /// later (a controller must not move on from an end state).
    func expectEventually(_ cluster: Cluster, _ expectations: [Expectation], sourceLocation: SourceLocation = #_sourceLocation) throws {
        var last: [String] = []
        let reached = try Kubectl.eventually(timeout: 20, interval: 0.2) {
            last = try mismatches(cluster, expectations)
            return last.isEmpty
        }
        #expect(reached, "not reached: \(last)", sourceLocation: sourceLocation)
        guard reached else { return }
        Thread.sleep(forTimeInterval: 1.5)
        let later = try mismatches(cluster, expectations)
        #expect(later.isEmpty, "did not stay: \(later)", sourceLocation: sourceLocation)
    }

    func mismatches(_ cluster: Cluster, _ expectations: [Expectation]) throws -> [String] {
        var problems: [String] = []
        for expected in expectations {
            let object = try cluster.json("get", expected.resource, expected.name)
            let phase = object.string("status.phase") ?? ""
            if phase != expected.phase { problems.append("\(expected.resource)/\(expected.name) phase \(phase), want \(expected.phase)") }
            if let peer = expected.peer {
                let actual = (expected.resource == "pvc" ? object.string("spec.volumeName") : object.string("spec.claimRef.name")) ?? ""
                if actual != peer { problems.append("\(expected.resource)/\(expected.name) bound to \"\(actual)\", want \"\(peer)\"") }
            }
            for (key, value) in expected.annotations {
                let actual = object.at("metadata.annotations")?[key]?.stringValue
                if actual == nil || (!value.isEmpty && actual != value) {
                    problems.append("\(expected.resource)/\(expected.name) annotation \(key)=\(actual ?? "<none>"), want \(value)")
                }
            }
        }
        return problems
    }
}
