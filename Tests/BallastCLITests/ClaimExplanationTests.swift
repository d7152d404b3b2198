import BallastAPI
import BallastCLI
import Foundation
import Testing

/// What `ballast pvc explain` says about claims the binder cannot bind, claims no node has
/// room for, and bound claims, from the API objects alone.
struct ClaimExplanationTests {
    private func decode<T: Decodable>(_ type: T.Type, _ json: String) throws -> T {
        try JSONDecoder().decode(type, from: Data(json.utf8))
    }

    private func claim(size: String = "1Gi", modes: String = #""ReadWriteMany""#, storageClass: String? = "manual",
                       extra: String = "", annotations: String = "{}") throws -> PersistentVolumeClaim {
        let className = storageClass.map { #", "storageClassName": "\#($0)""# } ?? ""
        return try decode(PersistentVolumeClaim.self, """
            {"metadata": {"name": "data", "namespace": "shop", "uid": "u1", "annotations": \(annotations)},
             "spec": {"accessModes": [\(modes)], "resources": {"requests": {"storage": "\(size)"}}\(className)\(extra)},
             "status": {"phase": "Pending"}}
            """)
    }

    /// An Available PV of class manual, unless `spec`/`status` say otherwise.
    private func volume(_ name: String, size: String, modes: String = #""ReadWriteMany""#, storageClass: String = "manual",
                        extra: String = "", phase: String = "Available", labels: String = "{}") throws -> PersistentVolume {
        try decode(PersistentVolume.self, """
            {"metadata": {"name": "\(name)", "labels": \(labels)},
             "spec": {"capacity": {"storage": "\(size)"}, "accessModes": [\(modes)], "storageClassName": "\(storageClass)",
                      "hostPath": {"path": "/tmp/\(name)"}\(extra)},
             "status": {"phase": "\(phase)"}}
            """)
    }

    private func storageClass(_ name: String, provisioner: String, mode: String) throws -> StorageClass {
        try decode(StorageClass.self, #"{"metadata": {"name": "\#(name)"}, "provisioner": "\#(provisioner)", "volumeBindingMode": "\#(mode)"}"#)
    }

    private func node(_ name: String) throws -> Node {
        try decode(Node.self, #"{"metadata": {"name": "\#(name)", "labels": {"kubernetes.io/hostname": "\#(name)"}}}"#)
    }

    private func capacity(node: String, free: String, largest: String) throws -> CSIStorageCapacity {
        try decode(CSIStorageCapacity.self, """
            {"metadata": {"name": "ballast-\(node)-local-lvm", "namespace": "kube-system"}, "storageClassName": "local-lvm",
             "nodeTopology": {"matchLabels": {"kubernetes.io/hostname": "\(node)"}}, "capacity": "\(free)", "maximumVolumeSize": "\(largest)"}
            """)
    }

    private func pod(_ name: String, node: String? = nil) throws -> Pod {
        let nodeName = node.map { #", "nodeName": "\#($0)""# } ?? ""
        return try decode(Pod.self, """
            {"metadata": {"name": "\(name)", "namespace": "shop"}, "spec": {"containers": [{"name": "c", "image": "busybox"}],
             "volumes": [{"name": "d", "persistentVolumeClaim": {"claimName": "data"}}]\(nodeName)}, "status": {"phase": "Pending"}}
            """)
    }

    private func event(kind: String, name: String, uid: String = "", reason: String, message: String, at time: String,
                       type: String = "Warning") throws -> Event {
        try decode(Event.self, """
            {"metadata": {"name": "e-\(reason)-\(time)", "namespace": "shop"},
             "involvedObject": {"kind": "\(kind)", "namespace": "shop", "name": "\(name)", "uid": "\(uid)"},
             "reason": "\(reason)", "message": "\(message)", "type": "\(type)", "lastTimestamp": "\(time)"}
            """)
    }

    private var manual: StorageClass {
        get throws { try storageClass("manual", provisioner: "kubernetes.io/no-provisioner", mode: "Immediate") }
    }

    private var localLVM: StorageClass {
        get throws { try storageClass("local-lvm", provisioner: "ballast.io/lvm", mode: "WaitForFirstConsumer") }
    }

    @Test func aClaimMatchingNoVolumeNamesEachVolumesReason() throws {
        let volumes = [
            try volume("small", size: "512Mi"),
            try volume("rwo", size: "2Gi", modes: #""ReadWriteOnce""#),
            try volume("taken", size: "5Gi", extra: #", "claimRef": {"namespace": "shop", "name": "other", "uid": "u9"}"#, phase: "Bound"),
            try volume("previous", size: "5Gi", extra: #", "claimRef": {"namespace": "shop", "name": "data", "uid": "u0"}"#, phase: "Released"),
            try volume("block", size: "2Gi", extra: #", "volumeMode": "Block""#),
            try volume("failed", size: "2Gi", phase: "Failed"),
            try volume("fast", size: "9Gi", storageClass: "fast"),
        ]
        let explanation = ClaimExplanation(claim: try claim(), volumes: volumes, classes: [try manual])
        let reasons = Dictionary(uniqueKeysWithValues: explanation.volumes.map { ($0.name, $0.reasons) })
        #expect(reasons["small"] == ["too small: 512Mi < 1Gi requested"])
        #expect(reasons["rwo"] == ["access modes: offers ReadWriteOnce, lacks ReadWriteMany"])
        #expect(reasons["taken"] == ["bound to another claim, shop/other"])
        #expect(reasons["previous"]?.first?.contains("earlier claim of the same name (uid u0)") == true)
        #expect(reasons["block"] == ["volumeMode Block, the claim wants Filesystem"])
        #expect(reasons["failed"] == ["phase Failed, not Available"])
        #expect(reasons["fast"] == nil, "a PV of another class is not considered")
        #expect(explanation.otherClassVolumes == 1)
        #expect(explanation.reasons == [
            "no PV matches: 6 considered, none fits (1 PV(s) of other classes are not considered)",
            "class manual provisions nothing (kubernetes.io/no-provisioner): a matching PV must be created",
        ])
        #expect(explanation.text.contains("small (512Mi): too small: 512Mi < 1Gi requested"))
        #expect(explanation.text.contains("StorageClass:  manual (provisioner kubernetes.io/no-provisioner, Immediate)"))
    }

    @Test func aVolumeRejectedForSeveralReasonsGetsThemAllAndTheSmallestFittingOneIsNamed() throws {
        let selector = #", "selector": {"matchLabels": {"tier": "gold"}}"#
        let volumes = [
            try volume("wrong", size: "100Mi", modes: #""ReadOnlyMany""#, labels: #"{"tier": "bronze"}"#),
            try volume("big", size: "4Gi", labels: #"{"tier": "gold"}"#),
            try volume("right", size: "2Gi", labels: #"{"tier": "gold"}"#),
        ]
        let explanation = ClaimExplanation(claim: try claim(extra: selector), volumes: volumes, classes: [try manual])
        #expect(explanation.volumes.first { $0.name == "wrong" }?.reasons == [
            "too small: 100Mi < 1Gi requested",
            "labels {tier=bronze} do not match the claim's selector tier=gold",
            "access modes: offers ReadOnlyMany, lacks ReadWriteMany",
        ])
        #expect(explanation.reasons == ["PV right fits: the binder binds it at its next sync"])
    }

    @Test func aClaimOfAWaitForFirstConsumerClassNoNodeHasRoomForNamesEachNodesFreeSpace() throws {
        let other = try claim(size: "1Gi", storageClass: "local-lvm", annotations: #"{"volume.kubernetes.io/selected-node": "node-2"}"#)
        var reserving = other
        reserving.metadata.name = "other"
        reserving.metadata.uid = "u2"
        let explanation = ClaimExplanation(
            claim: try claim(size: "3Gi", modes: #""ReadWriteOnce""#, storageClass: "local-lvm"),
            classes: [try localLVM],
            capacities: [try capacity(node: "node-1", free: "1Gi", largest: "1020Mi"), try capacity(node: "node-2", free: "2Gi", largest: "2Gi")],
            nodes: [try node("node-2"), try node("node-1"), try node("node-3")], claims: [reserving], pods: [try pod("app")],
            events: [try event(kind: "Pod", name: "app", reason: "FailedScheduling",
                               message: "0/3 nodes are available: 3 node(s) did not have enough free storage.", at: "2026-12-01T10:00:00Z")])
        #expect(explanation.nodes.map(\.node) == ["node-1", "node-2", "node-3"])
        #expect(explanation.nodes.map(\.fits) == [false, false, false])
        #expect(explanation.nodes[0].detail == "1Gi free, largest 1020Mi < 3Gi requested")
        #expect(explanation.nodes[1].detail == "2Gi free (1Gi of it reserved for claims being provisioned), largest 1Gi < 3Gi requested")
        #expect(explanation.nodes[2].detail == "publishes no capacity for class local-lvm")
        #expect(explanation.reasons.contains { $0.hasPrefix("no node has room for 3Gi of class local-lvm: node-1: 1Gi free, largest 1020Mi") })
        #expect(explanation.events.map(\.object) == ["pod/app"])
        #expect(explanation.pods.map(\.name) == ["app"] && explanation.pods.first?.node == nil)
        let text = explanation.text
        #expect(text.contains("node-1: 1Gi free, largest 1020Mi < 3Gi requested"))
        #expect(text.contains("FailedScheduling") && text.contains("did not have enough free storage"))
        #expect(text.contains("local-lvm (provisioner ballast.io/lvm, WaitForFirstConsumer)"))
    }

    @Test func aWaitForFirstConsumerClaimWithoutAPodWaitsForOneAndANodeWithRoomIsNamed() throws {
        let pending = try claim(size: "1Gi", modes: #""ReadWriteOnce""#, storageClass: "local-lvm")
        let capacities = [try capacity(node: "node-1", free: "2Gi", largest: "2Gi")]
        let waiting = ClaimExplanation(claim: pending, classes: [try localLVM], capacities: capacities, nodes: [try node("node-1")])
        #expect(waiting.reasons.last?.hasPrefix("waiting for a pod") == true)
        #expect(waiting.nodes.isEmpty)
        let placed = ClaimExplanation(claim: pending, classes: [try localLVM], capacities: capacities, nodes: [try node("node-1")],
                                      pods: [try pod("app")])
        #expect(placed.nodes.first?.detail == "2Gi free, largest 2Gi >= 1Gi requested")
        #expect(placed.reasons.last?.hasPrefix("node(s) with room for 1Gi: node-1") == true)
    }

    @Test func aBoundClaimNamesItsVolumeAndWhereTheDataIs() throws {
        var bound = try claim(storageClass: "local-lvm")
        bound.spec?.volumeName = "pvc-u1"
        bound.status?.phase = "Bound"
        let volume = try decode(PersistentVolume.self, """
            {"metadata": {"name": "pvc-u1"},
             "spec": {"capacity": {"storage": "1Gi"}, "accessModes": ["ReadWriteOnce"], "storageClassName": "local-lvm",
                      "claimRef": {"namespace": "shop", "name": "data", "uid": "u1"},
                      "csi": {"driver": "lvm.ballast.io", "volumeHandle": "ballast/pvc-u1", "fsType": "ext4"},
                      "nodeAffinity": {"required": {"nodeSelectorTerms": [{"matchExpressions": [
                        {"key": "kubernetes.io/hostname", "operator": "In", "values": ["node-2"]}]}]}}},
             "status": {"phase": "Bound"}}
            """)
        let explanation = ClaimExplanation(claim: bound, volumes: [volume], classes: [try localLVM], pods: [try pod("app", node: "node-2")])
        #expect(explanation.bound?.volume == "pvc-u1")
        #expect(explanation.bound?.backing?.node == "node-2")
        #expect(explanation.bound?.capacityBytes == 1 << 30)
        #expect(explanation.reasons == ["bound to pvc-u1: lvm ballast/pvc-u1 on node-2, 1Gi"])
        #expect(explanation.volumes.isEmpty)
        #expect(explanation.text.contains("Volume:        pvc-u1 (lvm ballast/pvc-u1 on node-2)"))
        #expect(explanation.text.contains("Used by:       app (on node-2)"))
    }

    @Test func aClaimWithoutAClassOrWithAMissingClassSaysSo() throws {
        let unset = ClaimExplanation(claim: try claim(storageClass: nil), volumes: [try volume("small", size: "1Gi")])
        #expect(unset.reasons.first == "the claim names no class and there is no default StorageClass: only a PV without a class can bind it, and nothing is provisioned")
        #expect(unset.reasons.last == "no PV without a class exists (1 PV(s) of other classes are not considered)")
        #expect(unset.storageClass == nil)

        let none = ClaimExplanation(claim: try claim(storageClass: ""), volumes: [try volume("plain", size: "100Mi", storageClass: "")])
        #expect(none.reasons.first?.hasPrefix("the claim asks for no class") == true)
        #expect(none.volumes.map(\.reasons) == [["too small: 100Mi < 1Gi requested"]])

        let missing = ClaimExplanation(
            claim: try claim(storageClass: "gold"), classes: [try manual],
            events: [try event(kind: "PersistentVolumeClaim", name: "data", uid: "u1", reason: "ProvisioningFailed",
                               message: #"storageclass.storage.k8s.io \"gold\" not found"#, at: "2026-12-01T10:00:00Z"),
                     try event(kind: "PersistentVolumeClaim", name: "data", uid: "u0", reason: "ProvisioningFailed",
                               message: "an earlier claim's", at: "2026-12-01T11:00:00Z")])
        #expect(missing.storageClass?.name == "gold" && missing.storageClass?.exists == false)
        #expect(missing.reasons == [
            "StorageClass gold does not exist: only a PV of class gold can bind the claim, and nothing is provisioned",
            "no PV of class gold exists",
        ])
        #expect(missing.events.map(\.message) == [#"storageclass.storage.k8s.io "gold" not found"#], "events of an earlier claim of the same name are not shown")
        #expect(missing.text.contains("gold (no such StorageClass)"))
    }

    @Test func aClaimNamingItsVolumeIsCheckedAgainstThatVolumeOnly() throws {
        let named = try claim(extra: #", "volumeName": "small""#)
        let volumes = [try volume("small", size: "512Mi", modes: #""ReadWriteOnce""#), try volume("right", size: "2Gi")]
        let explanation = ClaimExplanation(claim: named, volumes: volumes, classes: [try manual])
        #expect(explanation.volumes.map(\.name) == ["small"])
        #expect(explanation.reasons == [
            "the claim asks for PV small (spec.volumeName), which cannot take it: too small: 512Mi < 1Gi requested; access modes: offers ReadWriteOnce, lacks ReadWriteMany",
        ])
        let absent = ClaimExplanation(claim: try claim(extra: #", "volumeName": "gone""#), volumes: volumes)
        #expect(absent.reasons.first?.contains("which does not exist") == true)
    }

    @Test func aStaticVolumeOfAWaitForFirstConsumerClassThatReachesNoNodeSaysSo() throws {
        let wffc = try storageClass("manual", provisioner: "kubernetes.io/no-provisioner", mode: "WaitForFirstConsumer")
        let pinned = try volume("pinned", size: "2Gi", extra: """
            , "nodeAffinity": {"required": {"nodeSelectorTerms": [{"matchExpressions": [
              {"key": "kubernetes.io/hostname", "operator": "In", "values": ["node-9"]}]}]}}
            """)
        let explanation = ClaimExplanation(claim: try claim(), volumes: [pinned], classes: [wffc], nodes: [try node("node-1")],
                                           pods: [try pod("app", node: "node-1")])
        #expect(explanation.volumes.first?.reasons == ["node affinity excludes node-1, where the claim's pod is (it reaches no node)"])
    }

    @Test func jsonCarriesTheReasons() throws {
        let explanation = ClaimExplanation(claim: try claim(), volumes: [try volume("small", size: "512Mi")], classes: [try manual])
        let json = try CLIOutputFormat.json.render(explanation) { "" }
        #expect(json.contains(#""too small: 512Mi < 1Gi requested""#))
        #expect(try JSONDecoder().decode(ClaimExplanation.self, from: Data(json.utf8)) == explanation)
    }
}
