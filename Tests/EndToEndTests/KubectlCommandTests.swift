import BallastAPI
import BallastTesting
import Foundation
import Testing

/// Issue 2: kubectl's everyday commands behave as they do against Kubernetes.
@Suite(.serialized) struct KubectlCommandTests {
    let cluster: Cluster
    var kubectl: Kubectl { cluster.kubectl }

    init() throws {
        cluster = try Cluster()
        for name in ["static-pv-pvc-pod.yaml", "deployment-nginx.yaml", "replicaset.yaml", "statefulset-postgres.yaml",
                     "daemonset.yaml", "job-pi.yaml", "cronjob.yaml", "service-nginx.yaml"] {
            try kubectl.ok("apply", "-f", Examples.path(name))
        }
        try kubectl.ok("apply", "-f", "-", input: """
            apiVersion: v1
            kind: Namespace
            metadata: {name: team-a}
            ---
            apiVersion: v1
            kind: PersistentVolumeClaim
            metadata: {name: logs, namespace: team-a, labels: {app: web}}
            spec:
              accessModes: [ReadWriteMany]
              storageClassName: ""
              resources: {requests: {storage: 5Gi}}
            ---
            apiVersion: storage.k8s.io/v1
            kind: StorageClass
            metadata:
              name: fast
              annotations: {storageclass.kubernetes.io/is-default-class: "true"}
            provisioner: ballast.io/local-path
            volumeBindingMode: WaitForFirstConsumer
            """)
    }

    @Test func getShowsTheColumnsKubectlUsersExpect() throws {
        let pv = try kubectl.ok("get", "pv")
        #expect(pv.hasPrefix("NAME      CAPACITY   ACCESS MODES   RECLAIM POLICY   STATUS"))
        #expect(pv.contains("pv-demo   20G        RWO            Retain"))
        let pvc = try kubectl.ok("get", "pvc")
        #expect(pvc.contains("NAME            STATUS") && pvc.contains("pv-claim-demo"))
        let sc = try kubectl.ok("get", "sc")
        #expect(sc.contains("fast (default)   ballast.io/local-path   Delete          WaitForFirstConsumer   false"))
        for kind in ["pods", "nodes", "deploy", "rs", "sts", "ds", "jobs", "cronjobs", "svc", "events"] {
            let result = try kubectl.run(["get", kind])
            #expect(result.succeeded, "kubectl get \(kind): \(result)")
        }
        // No node runs the pods here: none is ready.
        #expect(try kubectl.ok("get", "deploy").contains("nginx-deploy   0/2"))
        #expect(try kubectl.ok("get", "svc", "nginx-svc").contains("8080:31472/TCP"))
        #expect(try kubectl.ok("get", "cronjobs").contains("*/1 * * * *"))
        let wide = try kubectl.ok("get", "pvc", "-o", "wide")
        #expect(wide.contains("VOLUMEMODE") && wide.contains("Filesystem"))
        let two = try kubectl.ok("get", "pv,pvc")
        #expect(two.contains("persistentvolume/pv-demo") && two.contains("persistentvolumeclaim/pv-claim-demo"))
    }

    @Test func getOutputsAndSelectors() throws {
        let json = try cluster.json("get", "pvc", "pv-claim-demo")
        #expect(json.string("spec.volumeName") == "pv-demo")
        #expect(json.string("spec.volumeMode") == "Filesystem")
        let yaml = try kubectl.ok("get", "pv", "pv-demo", "-o", "yaml")
        #expect(yaml.contains("persistentVolumeReclaimPolicy: Retain") && yaml.contains("path: /export/pv-demo"))
        let columns = TableOutput(try kubectl.ok("get", "pvc", "-A", "-o", "custom-columns=NS:.metadata.namespace,NAME:.metadata.name,SIZE:.spec.resources.requests.storage"))
        #expect(columns.header == ["NS", "NAME", "SIZE"])
        #expect(columns.row(where: "NAME", is: "logs") == ["NS": "team-a", "NAME": "logs", "SIZE": "5Gi"])
        #expect(columns.row(where: "NAME", is: "pv-claim-demo") == ["NS": "default", "NAME": "pv-claim-demo", "SIZE": "20G"])
        #expect(try kubectl.ok("get", "pvc", "-A", "-l", "app=web", "-o", "name") == "persistentvolumeclaim/logs\n")
        #expect(try kubectl.ok("get", "pvc", "-A", "-l", "app in (web,api)", "-o", "name") == "persistentvolumeclaim/logs\n")
        // The StatefulSet's claims (data-pg-N) are made by its controller; leave them out.
        let ownClaims = { (text: String) in text.split(separator: "\n").filter { !$0.contains("/data-pg-") }.joined(separator: "\n") }
        #expect(ownClaims(try kubectl.ok("get", "pvc", "-A", "-l", "app notin (web)", "-o", "name")) == "persistentvolumeclaim/pv-claim-demo")
        #expect(try kubectl.ok("get", "pvc", "-n", "team-a", "-o", "name") == "persistentvolumeclaim/logs\n")
        let all = try kubectl.ok("get", "pvc", "-A")
        #expect(all.hasPrefix("NAMESPACE   NAME"))
        let sorted = try kubectl.ok("get", "pvc", "-A", "--sort-by=.spec.resources.requests.storage", "-o", "name")
        #expect(ownClaims(sorted) == "persistentvolumeclaim/logs\npersistentvolumeclaim/pv-claim-demo")
        let labels = try kubectl.ok("get", "pvc", "-n", "team-a", "--show-labels")
        #expect(labels.contains("app=web"))
        let missing = try kubectl.run(["get", "pod", "nope"])
        #expect(!missing.succeeded && missing.stderr.contains("Error from server (NotFound): pods \"nope\" not found"))
        let empty = try kubectl.run(["get", "pods", "-n", "kube-public"])
        #expect(empty.stderr.contains("No resources found in kube-public namespace."))
        let chunked = try kubectl.ok("get", "pvc", "-A", "--chunk-size=1", "-o", "name")
        #expect(chunked == (try kubectl.ok("get", "pvc", "-A", "-o", "name")))
        #expect(ownClaims(chunked).split(separator: "\n").count == 2)
    }

    @Test func labelAnnotatePatchAndScale() throws {
        try kubectl.ok("label", "pvc", "pv-claim-demo", "tier=db")
        let again = try kubectl.run(["label", "pvc", "pv-claim-demo", "tier=cache"])
        #expect(!again.succeeded && again.stderr.contains("already has a value"))
        try kubectl.ok("label", "pvc", "pv-claim-demo", "tier=cache", "--overwrite")
        try kubectl.ok("annotate", "pvc", "pv-claim-demo", "note=hello")
        var pvc = try cluster.json("get", "pvc", "pv-claim-demo")
        #expect(pvc.string("metadata.labels.tier") == "cache" && pvc.string("metadata.annotations.note") == "hello")
        try kubectl.ok("label", "pvc", "pv-claim-demo", "tier-")
        pvc = try cluster.json("get", "pvc", "pv-claim-demo")
        #expect(pvc.at("metadata.labels.tier") == nil)

        try kubectl.ok("patch", "deploy", "nginx-deploy", "-p", #"{"spec":{"template":{"spec":{"containers":[{"name":"nginx","image":"nginx:1.27"}]}}}}"#)
        try kubectl.ok("patch", "deploy", "nginx-deploy", "--type=merge", "-p", #"{"metadata":{"labels":{"stage":"merge"}}}"#)
        try kubectl.ok("patch", "deploy", "nginx-deploy", "--type=json", "-p", #"[{"op":"add","path":"/metadata/labels/json","value":"yes"}]"#)
        let deploy = try cluster.json("get", "deploy", "nginx-deploy")
        #expect(deploy.string("spec.template.spec.containers.0.image") == "nginx:1.27")
        #expect(deploy.at("spec.template.spec.containers")?.arrayValue?.count == 1)
        #expect(deploy.string("metadata.labels.stage") == "merge" && deploy.string("metadata.labels.json") == "yes")
        #expect(deploy.at("metadata.generation")?.intValue == 2)
        let unchanged = try kubectl.ok("patch", "deploy", "nginx-deploy", "--type=merge", "-p", #"{"metadata":{"labels":{"stage":"merge"}}}"#)
        #expect(unchanged.contains("patched (no change)"))
        let badOp = try kubectl.run(["patch", "deploy", "nginx-deploy", "--type=json", "-p", #"[{"op":"test","path":"/spec/replicas","value":9}]"#])
        #expect(!badOp.succeeded)

        try kubectl.ok("scale", "deploy", "nginx-deploy", "--replicas=3")
        #expect(try kubectl.ok("get", "deploy", "nginx-deploy", "-o", "jsonpath={.spec.replicas}") == "3")
        try kubectl.ok("scale", "deploy", "nginx-deploy", "--current-replicas=3", "--replicas=1")
        #expect(try kubectl.ok("get", "deploy", "nginx-deploy", "-o", "jsonpath={.spec.replicas}") == "1")
        let stale = try kubectl.run(["scale", "deploy", "nginx-deploy", "--current-replicas=5", "--replicas=2"])
        #expect(!stale.succeeded)
        try kubectl.ok("scale", "rs", "3-replicaset", "--replicas=4")
        try kubectl.ok("scale", "sts", "pg", "--replicas=3")
        #expect(try kubectl.ok("get", "sts", "pg", "-o", "jsonpath={.spec.replicas}") == "3")
    }

    @Test func applyClientSideTwiceAndServerSide() throws {
        let first = """
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: settings, labels: {app: web}}
            data: {mode: fast, size: "1"}
            """
        #expect(try kubectl.ok("apply", "-f", "-", input: first).contains("configmap/settings created"))
        let second = first.replacingOccurrences(of: "size: \"1\"", with: "level: high")
        #expect(try kubectl.ok("apply", "-f", "-", input: second).contains("configmap/settings configured"))
        var map = try cluster.json("get", "cm", "settings")
        #expect(map.string("data.level") == "high" && map.at("data.size") == nil && map.string("data.mode") == "fast")
        #expect(try kubectl.ok("apply", "-f", "-", input: second).contains("unchanged"))

        let ssa = """
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: ssa-settings}
            data: {a: "1"}
            """
        #expect(try kubectl.ok("apply", "--server-side", "-f", "-", input: ssa).contains("serverside-applied"))
        try kubectl.ok("apply", "--server-side", "-f", "-", input: ssa.replacingOccurrences(of: "a: \"1\"", with: "b: \"2\""))
        map = try cluster.json("get", "cm", "ssa-settings")
        #expect(map.string("data.b") == "2" && map.at("data.a") == nil)
        // Another manager's value conflicts unless forced.
        try kubectl.ok("patch", "cm", "ssa-settings", "--type=merge", "-p", #"{"data":{"b":"3"}}"#)
        let conflict = try kubectl.run(["apply", "--server-side", "-f", "-"], input: ssa.replacingOccurrences(of: "a: \"1\"", with: "b: \"2\""))
        #expect(!conflict.succeeded && conflict.stderr.contains("conflict"))
        try kubectl.ok("apply", "--server-side", "--force-conflicts", "-f", "-", input: ssa.replacingOccurrences(of: "a: \"1\"", with: "b: \"2\""))
        // Server-side apply of an object that exists from a client-side apply.
        try kubectl.ok("apply", "--server-side", "-f", "-", input: second)
    }

    @Test func editDescribeAndApiResources() throws {
        let edited = try kubectl.run(["edit", "deploy", "nginx-deploy"], environment: ["KUBE_EDITOR": "sed -i s/replicas:\\ 2/replicas:\\ 5/"])
        #expect(edited.succeeded && edited.stdout.contains("deployment.apps/nginx-deploy edited"), "\(edited)")
        #expect(try kubectl.ok("get", "deploy", "nginx-deploy", "-o", "jsonpath={.spec.replicas}") == "5")
        // An edit that breaks a rule is refused, and nothing changes: a claim whose class
        // does not allow expansion cannot grow (upstream's PersistentVolumeClaimResize).
        let refused = try kubectl.run(["edit", "pvc", "pv-claim-demo"], environment: ["KUBE_EDITOR": "sed -i s/storage:\\ 20G/storage:\\ 21G/"])
        #expect(!refused.succeeded && refused.stderr.contains("only dynamically provisioned pvc can be resized"), "\(refused)")
        #expect(try kubectl.ok("get", "pvc", "pv-claim-demo", "-o", "jsonpath={.spec.resources.requests.storage}") == "20G")
        let described = try kubectl.ok("describe", "pvc", "pv-claim-demo")
        #expect(described.contains("Name:") && described.contains("pv-claim-demo") && described.contains("Volume:        pv-demo"))
        let pv = try kubectl.ok("describe", "pv", "pv-demo")
        #expect(pv.contains("Reclaim Policy:  Retain") && pv.contains("Server:    127.0.0.1"))
        #expect(try kubectl.run(["describe", "deploy", "nginx-deploy"]).succeeded)
        #expect(try kubectl.run(["describe", "pod", "redis"]).succeeded)
        let resources = TableOutput(try kubectl.ok("api-resources"))
        #expect(resources.header == ["NAME", "SHORTNAMES", "APIVERSION", "NAMESPACED", "KIND"])
        let expected: [(String, String, String, String, String)] = [
            ("persistentvolumeclaims", "pvc", "v1", "true", "PersistentVolumeClaim"),
            ("persistentvolumes", "pv", "v1", "false", "PersistentVolume"),
            ("storageclasses", "sc", "storage.k8s.io/v1", "false", "StorageClass"),
            ("csistoragecapacities", "", "storage.k8s.io/v1", "true", "CSIStorageCapacity"),
            ("deployments", "deploy", "apps/v1", "true", "Deployment"),
            ("cronjobs", "cj", "batch/v1", "true", "CronJob"),
            ("leases", "", "coordination.k8s.io/v1", "true", "Lease"),
        ]
        for (name, short, version, namespaced, kind) in expected {
            #expect(resources.row(where: "NAME", is: name) == ["NAME": name, "SHORTNAMES": short, "APIVERSION": version,
                                                                "NAMESPACED": namespaced, "KIND": kind])
        }
    }

    @Test func deleteByNameByFileCascadeAndWait() throws {
        try kubectl.ok("apply", "-f", "-", input: """
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: owner-cm}
            """)
        let owner = try kubectl.ok("get", "cm", "owner-cm", "-o", "jsonpath={.metadata.uid}")
        for (name, mode) in [("orphaned", "orphan"), ("foreground", "foreground"), ("background", "background")] {
            try kubectl.ok("apply", "-f", "-", input: """
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: owner-\(name)}
                """)
            let uid = try kubectl.ok("get", "cm", "owner-\(name)", "-o", "jsonpath={.metadata.uid}")
            try kubectl.ok("apply", "-f", "-", input: """
                apiVersion: v1
                kind: Secret
                metadata:
                  name: child-\(name)
                  ownerReferences: [{apiVersion: v1, kind: ConfigMap, name: owner-\(name), uid: "\(uid)", blockOwnerDeletion: true}]
                """)
            let deleted = try kubectl.run(["delete", "cm", "owner-\(name)", "--cascade=\(mode)", "--timeout=60s"])
            #expect(deleted.succeeded, "\(deleted)")
            let child = try kubectl.run(["get", "secret", "child-\(name)", "-o", "jsonpath={.metadata.ownerReferences}"])
            if mode == "orphan" {
                #expect(child.succeeded && child.stdout.isEmpty, "an orphaned dependent stays, without its owner reference")
            } else if mode == "foreground" {
                #expect(!child.succeeded, "foreground deletion removed the dependent first")
            } else {
                #expect(try Kubectl.eventually { try !kubectl.run(["get", "secret", "child-\(name)"]).succeeded })
            }
        }
        _ = owner
        #expect(try kubectl.ok("delete", "cm", "owner-cm").contains("configmap \"owner-cm\" deleted"))
        #expect(try kubectl.ok("delete", "-f", Examples.path("service-nginx.yaml")).contains("deleted"))
        #expect(!(try kubectl.run(["get", "svc", "nginx-svc"]).succeeded))
    }

    @Test func getWatchStreamsChanges() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try CommandRunner.which("kubectl"))
        process.arguments = ["get", "cm", "-w", "--output-watch-events"]
        process.environment = ProcessInfo.processInfo.environment.merging(["KUBECONFIG": kubectl.kubeconfig, "HOME": kubectl.home]) { $1 }
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        usleep(1_500_000)
        try kubectl.ok("apply", "-f", "-", input: "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: watched}\ndata: {a: b}\n")
        try kubectl.ok("label", "cm", "watched", "x=y")
        try kubectl.ok("delete", "cm", "watched")
        usleep(1_500_000)
        process.terminate()
        process.waitUntilExit()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let lines = text.split(separator: "\n").filter { $0.contains("watched") }.map { String($0.split(separator: " ").first ?? "") }
        #expect(lines == ["ADDED", "MODIFIED", "DELETED"], "\(text)")
    }
}
