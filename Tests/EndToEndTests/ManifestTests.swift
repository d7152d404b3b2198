import BallastAPI
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
        // Applying them all again changes nothing.
        for name in Examples.all {
            let again = try cluster.kubectl.run(["apply", "-f", Examples.path(name)])
            #expect(again.succeeded && again.stdout.contains("unchanged"), "second apply of \(name): \(again)")
        }
    }

    @Test func aCronJobWithACapitalisedContainerNameIsRefusedNamingTheField() throws {
        let cluster = try Cluster()
        let manifest = try Examples.text("cronjob.yaml").replacingOccurrences(of: "- name: hello", with: "- name: Hello")
        let result = try cluster.kubectl.run(["apply", "-f", "-"], input: manifest)
        #expect(!result.succeeded)
        #expect(result.stderr.contains("The CronJob \"hello\" is invalid"))
        #expect(result.stderr.contains("spec.jobTemplate.spec.template.spec.containers[0].name: Invalid value: \"Hello\""))
        // And the server answered 422 with the field in details.causes.
        let raw = try cluster.kubectl.run(["create", "-f", "-", "-v=8"], input: manifest)
        #expect(raw.stderr.contains("422"))
        #expect(raw.stderr.contains("\"field\":\"spec.jobTemplate.spec.template.spec.containers[0].name\""))
        let listed = try cluster.kubectl.run(["get", "cronjobs", "-o", "name"])
        #expect(listed.stdout.isEmpty, "nothing was stored")
    }
}
