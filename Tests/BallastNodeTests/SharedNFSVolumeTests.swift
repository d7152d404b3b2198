import BallastAPI
import BallastClient
import BallastTesting
import Foundation
import Testing

/// A ReadWriteMany claim on NFS shared by pods on two nodes: a real nfs-ganesha, the control
/// plane provisioning the claim's directory, and two agents mounting it through their NFS
/// clients.
@Suite(NodeTest.registry, .enabled(if: NFSServer.isEnabled, "needs nfs-ganesha"), .serialized)
struct SharedNFSVolumeTests {
    @Test func aRedisKeyWrittenOnOneNodeIsReadOnTheOther() async throws {
        try await NFSServer.with { nfs in
            try await LVMCluster.with(sizes: [1 << 30, 1 << 30]) { cluster in
                let kubectl = Kubectl(kubeconfig: cluster.kubeconfig)
                try await kubectl.callOK("apply", "-f", "-", input: nfs.storageClassManifest + """
                    ---
                    apiVersion: v1
                    kind: PersistentVolumeClaim
                    metadata: {name: shared-data}
                    spec:
                      storageClassName: nfs
                      accessModes: [ReadWriteMany]
                      resources: {requests: {storage: 1Gi}}
                    """)
                let nodes = cluster.nodes.map(\.name)
                try await kubectl.callOK("apply", "-f", "-", input: Self.redis("writer", node: nodes[0]))
                try await Self.ready(kubectl, "writer")
                #expect(try await kubectl.callOK("exec", "writer", "--", "redis-cli", "SET", "greeting", "from-\(nodes[0])") == "OK\n")
                #expect(try await kubectl.callOK("exec", "writer", "--", "redis-cli", "SAVE") == "OK\n")

                // A second Redis on the other node loads the dump the first one saved.
                try await kubectl.callOK("apply", "-f", "-", input: Self.redis("reader", node: nodes[1]))
                try await Self.ready(kubectl, "reader")
                let pods = try await cluster.client.list(Pod.self, namespace: "default").items
                #expect(Set(pods.compactMap { $0.spec?.nodeName }) == Set(nodes), "one pod on each node")
                #expect(await InProcessServer.eventually(timeout: 60) {
                    (try? await kubectl.callOK("exec", "reader", "--", "redis-cli", "GET", "greeting")) == "from-\(nodes[0])\n"
                }, "the key written through \(nodes[0]) is read through \(nodes[1])")
            }
        }
    }

    /// Redis with the shared claim at /data, placed on `node` by its hostname label.
    static func redis(_ name: String, node: String) -> String {
        """
        apiVersion: v1
        kind: Pod
        metadata: {name: \(name)}
        spec:
          terminationGracePeriodSeconds: 1
          nodeSelector: {kubernetes.io/hostname: \(node)}
          containers:
          - {name: redis, image: redis, volumeMounts: [{name: data, mountPath: /data}]}
          volumes:
          - {name: data, persistentVolumeClaim: {claimName: shared-data}}
        """
    }

    static func ready(_ kubectl: Kubectl, _ pod: String) async throws {
        let result = try await kubectl.call(["wait", "--for=condition=Ready", "pod/\(pod)", "--timeout=180s"], timeout: 200)
        try #require(result.succeeded, "\(result)")
        // Ready is the container started; Redis answers a moment later.
        let answering = await InProcessServer.eventually(timeout: 60) {
            (try? await kubectl.callOK("exec", pod, "--", "redis-cli", "PING")) == "PONG\n"
        }
        try #require(answering, "redis in \(pod) answers")
    }
}

extension NFSServer {
    /// StorageClass "nfs" on this server's export, as StorageClasses/nfs.yaml makes it for
    /// `ballast up` (NFSv3, Delete).
    var storageClassManifest: String {
        """
        apiVersion: storage.k8s.io/v1
        kind: StorageClass
        metadata: {name: nfs}
        provisioner: ballast.io/nfs
        parameters: {server: 127.0.0.1, share: \(exportPath), onDelete: delete}
        mountOptions: [nfsvers=3, \(mountOptions.joined(separator: ", "))]
        reclaimPolicy: Delete

        """
    }
}
