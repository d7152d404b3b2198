import BallastAPI
import BallastClient
import BallastTesting
import Foundation
import Testing

/// Issue 2: every example manifest applies with the real kubectl and reads back.
@Suite(.serialized) struct ManifestTests {
    @Test func everyExampleAppliesAndReadsBack() throws {
        let cluster = try Cluster()
        for name in Examples.all {
            let applied = try cluster.kubectl.run(["apply", "-f", Examples.path(name)])
            #expect(applied.succeeded, "kubectl apply -f \(name): \(applied)")
            let read = try cluster.kubectl.run(["get", "-f", Examples.path(name), "-o", "yaml"])
            #expect(read.succeeded, "kubectl get -f \(name) -o yaml: \(read)")
            #expect(read.stdout.contains("uid:") && read.stdout.contains("creationTimestamp:"))
        }
        // Applying them all again changes nothing: no object gets a new resourceVersion.
        // (kubectl may still say "configured" for a StatefulSet, whose atomic
        // volumeClaimTemplates list carries server defaults, exactly as against Kubernetes.)
        for name in Examples.all {
            let before = try cluster.kubectl.ok("get", "-f", Examples.path(name), "-o", "custom-columns=RV:.metadata.resourceVersion")
            let again = try cluster.kubectl.run(["apply", "-f", Examples.path(name)])
            #expect(again.succeeded, "second apply of \(name): \(again)")
            let after = try cluster.kubectl.ok("get", "-f", Examples.path(name), "-o", "custom-columns=RV:.metadata.resourceVersion")
            #expect(before == after, "second apply of \(name) changed it")
        }
    }

    @Test func aCronJobWithACapitalisedContainerNameIsRefusedNamingTheField() async throws {
        let cluster = try Cluster()
        let manifest = try Examples.text("cronjob.yaml").replacingOccurrences(of: "- name: hello", with: "- name: Hello")
        let result = try cluster.kubectl.run(["apply", "-f", "-"], input: manifest)
        #expect(!result.succeeded)
        #expect(result.stderr.contains("The CronJob \"hello\" is invalid"))
        #expect(result.stderr.contains("spec.jobTemplate.spec.template.spec.containers[0].name: Invalid value: \"Hello\""))
        // The server answered 422 with the field in details.causes.
        let transport = try KubeconfigFile.load(path: cluster.server.kubeconfig).transport()
        let response = try await transport.send(ClientRequest(method: "POST", path: "/apis/batch/v1/namespaces/default/cronjobs",
                                                              headers: [("Content-Type", "application/yaml")], body: Array(manifest.utf8)))
        #expect(response.status == 422)
        let status = try JSONValue.parse(response.body)
        #expect(status.at("details.causes.0.field")?.stringValue == "spec.jobTemplate.spec.template.spec.containers[0].name")
        #expect(status.string("details.kind") == "CronJob" && status.string("details.group") == "batch")
        let listed = try cluster.kubectl.run(["get", "cronjobs", "-o", "name"])
        #expect(listed.stdout.isEmpty, "nothing was stored")
    }
}
