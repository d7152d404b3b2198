import BallastAPI
import Foundation

extension ClaimExplanation {
    /// The explanation the way `kubectl describe` lays an object out, with a "Why" section
    /// first and a reason on every volume and node.
    public var text: String {
        var lines: [String] = []
        func field(_ name: String, _ value: String) { lines.append((name + ":").padding(toLength: 15, withPad: " ", startingAt: 0) + value) }
        func section(_ name: String, _ items: [String]) {
            guard !items.isEmpty else { return }
            lines.append(name + ":")
            lines += items.map { "  " + $0 }
        }

        field("Name", claim)
        field("Status", phase)
        let request = requestBytes.map { Quantity($0).description } ?? "no size"
        field("Request", ([request] + accessModes + [volumeMode]).joined(separator: " "))
        if let storageClass {
            var value = storageClass.name
            if storageClass.exists {
                value += " (provisioner \(storageClass.provisioner.map { $0.isEmpty ? "none" : $0 } ?? "none"), \(storageClass.volumeBindingMode ?? VolumeBindingMode.immediate))"
            } else {
                value += " (no such StorageClass)"
            }
            field("StorageClass", value)
        } else {
            field("StorageClass", "<none>")
        }
        if let bound {
            var value = bound.volume
            if let backing = bound.backing { value += " (\(backing.kind) \(backing.description))" }
            if !bound.exists { value += " (missing)" }
            field("Volume", value)
        }
        if let selectedNode { field("Selected node", selectedNode) }
        field("Used by", pods.isEmpty ? "<none>" : pods.map { pod in
            "\(pod.name) (\(pod.node.map { "on \($0)" } ?? "not scheduled"))"
        }.joined(separator: ", "))
        section("Why", reasons)
        section("Volumes considered", volumes.map { volume in
            "\(volume.name) (\(volume.capacityBytes.map { Quantity($0).description } ?? "no size")): "
                + (volume.fits ? "fits" : volume.reasons.joined(separator: "; "))
        })
        section("Nodes", nodes.map { "\($0.node): \($0.detail)" })
        var text = lines.joined(separator: "\n") + "\n"
        if !events.isEmpty {
            let table = TextTable(headers: ["type", "reason", "object", "message"], rows: events.map { [$0.type, $0.reason, $0.object, $0.message] })
            text += "Events:\n" + table.text.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n") + "\n"
        }
        return text
    }
}
