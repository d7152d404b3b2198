import BallastTesting
import Foundation
import Testing

/// Issue 4: a node agent's own token (`ballast kubeconfig --node NAME`) lets it write its
/// Node, its proxy token and the pods bound to it, and nothing of any other node.
@Suite struct NodeCredentialsTests {
    /// A stream of JSON documents, as kubectl reads one.
    static func manifest(_ objects: String...) -> String { objects.joined(separator: "\n") }

    static func pod(_ name: String, on node: String) -> String {
        #"{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "\#(name)"}, "spec": {"nodeName": "\#(node)", "containers": [{"name": "main", "image": "busybox"}]}}"#
    }

    @Test func aNodeTokenWritesOnlyItsOwnNodeSecretAndPods() async throws {
        let server = try ServerProcess()
        let admin = Kubectl(kubeconfig: server.kubeconfig)
        let issue = { try CommandRunner.run(try BallastBinary.path, ["kubeconfig", "--data-dir", server.dataDir, "--node", "node-a"]) }
        let first = try issue()
        let second = try issue()
        #expect(first.succeeded && second.succeeded, "\(first)")
        let path = first.stdout.split(separator: "\n").last.map(String.init) ?? ""
        #expect(second.stdout == first.stdout)
        let tokens = try String(contentsOfFile: server.dataDir + "/tokens.csv", encoding: .utf8)
        #expect(tokens.split(separator: "\n").filter { $0.contains(",system:node:node-a,") }.count == 1, "one token per node, kept")
        let invalid = try CommandRunner.run(try BallastBinary.path, ["kubeconfig", "--data-dir", server.dataDir, "--node", "a,b"])
        #expect(!invalid.succeeded && invalid.stderr.contains("invalid node name"), "\(invalid)")

        try await admin.callOK("apply", "-f", "-", input: Self.manifest(
            #"{"apiVersion": "v1", "kind": "Node", "metadata": {"name": "node-a"}}"#,
            #"{"apiVersion": "v1", "kind": "Node", "metadata": {"name": "node-b"}}"#,
            Self.pod("on-a", on: "node-a"), Self.pod("on-b", on: "node-b"),
            #"{"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "app"}, "stringData": {"k": "v"}}"#,
            #"{"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "ballast-node-proxy-node-b", "namespace": "kube-system"}, "stringData": {"token": "b"}}"#))

        let node = Kubectl(kubeconfig: path)
        func forbidden(_ arguments: String..., input: String? = nil, saying reason: String = "") async throws {
            let result = try await node.call(arguments, input: input)
            #expect(!result.succeeded && result.stderr.contains("Forbidden") && (reason.isEmpty || result.stderr.contains(reason)), "\(arguments): \(result)")
        }
        // What a kubelet reads.
        #expect(try await node.call(["get", "pods", "-A"]).succeeded)
        #expect(try await node.callOK("get", "secret", "app", "-o", "jsonpath={.data.k}") == "dg==")
        try await forbidden("get", "secrets")
        try await forbidden("get", "secret", "-n", "kube-system", "ballast-node-proxy-node-b")

        // Its own Node, not another's.
        try await node.callOK("label", "node", "node-a", "seen=yes")
        try await forbidden("label", "node", "node-b", "seen=yes")

        // The status of its pods and deleting them; nothing else of pods.
        try await node.callOK("patch", "pod", "on-a", "--subresource=status", "--type=merge", "-p", #"{"status": {"phase": "Running"}}"#)
        try await forbidden("patch", "pod", "on-b", "--subresource=status", "--type=merge", "-p", #"{"status": {"phase": "Running"}}"#,
                            saying: "can only update pod status for pods with spec.nodeName set to itself")
        try await forbidden("label", "pod", "on-a", "changed=yes")
        try await forbidden("apply", "-f", "-", input: Self.pod("made-by-node", on: "node-a"), saying: "can not create pods")
        #expect(try await admin.call(["get", "pod", "made-by-node"]).stderr.contains("not found"))
        try await forbidden("delete", "pod", "on-b", saying: "can only delete pods with spec.nodeName set to itself")
        // Nor does it bind pods (to itself or elsewhere).
        let binding = #"{"apiVersion": "v1", "kind": "Binding", "metadata": {"name": "on-b"}, "target": {"kind": "Node", "name": "node-a"}}"#
        try await forbidden("create", "--raw", "/api/v1/namespaces/default/pods/on-b/binding", "-f", "-", input: binding)
        try await node.callOK("delete", "pod", "on-a", "--wait=false")

        // Of the secrets, only its own proxy token (applied as JSON; `kubectl create secret`'s
        // protobuf path is covered by KubectlCreateTests).
        func secret(_ name: String, in namespace: String) -> String {
            #"{"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "\#(name)", "namespace": "\#(namespace)"}, "stringData": {"k": "v"}}"#
        }
        try await node.callOK("apply", "-f", "-", input: secret("ballast-node-proxy-node-a", in: "kube-system"))
        try await forbidden("apply", "-f", "-", input: secret("other", in: "kube-system"), saying: "can only write its own secret")
        try await forbidden("apply", "-f", "-", input: secret("other", in: "default"))
        #expect(try await admin.callOK("get", "node", "node-b", "-o", "jsonpath={.metadata.labels.seen}") == "")
    }
}
