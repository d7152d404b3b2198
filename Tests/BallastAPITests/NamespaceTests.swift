import BallastAPI
import Foundation
import Testing

@Suite("Namespace")
struct NamespaceTests {
    @Test func resourceInfo() throws {
        _ = try StorageFixtures.decode(Namespace.self, #"{"metadata":{}}"#)
        let info = Namespace.resource
        #expect(info.gvk.apiVersion == "v1")
        #expect(info.plural == "namespaces")
        #expect(info.shortNames == ["ns"])
        #expect(!info.namespaced)
        #expect(info.hasStatus)
    }

    @Test func createMakesItActiveWithTheKubernetesFinalizerAndNameLabel() throws {
        let ns = StorageFixtures.created(try StorageFixtures.decode(Namespace.self, #"{"metadata":{"name":"team-a"}}"#))
        #expect(ns.status?.phase == "Active")
        #expect(ns.spec?.finalizers == ["kubernetes"])
        #expect(ns.metadata.labels == ["kubernetes.io/metadata.name": "team-a"])
        #expect(StorageFixtures.problems(ns) == [])
    }

    @Test func nameIsALabel() throws {
        let ns = StorageFixtures.created(try StorageFixtures.decode(Namespace.self, #"{"metadata":{"name":"team.a"}}"#))
        #expect(StorageFixtures.problems(ns) == [
            #"metadata.name: Invalid value: "team.a": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"#,
        ])
    }

    @Test func finalizersMustBeStandardOrQualified() throws {
        let ns = try StorageFixtures.decode(Namespace.self, #"{"metadata":{"name":"a"},"spec":{"finalizers":["mine","example.com/mine"]}}"#)
        #expect(ns.validate().map(\.description) == [
            #"spec.finalizers: Invalid value: "mine": name is neither a standard finalizer name nor is it fully qualified"#,
        ])
    }

    @Test func updatesKeepStatusAndFinalizers() throws {
        let old = StorageFixtures.created(try StorageFixtures.decode(Namespace.self, #"{"metadata":{"name":"a"}}"#))
        var new = old
        new.spec?.finalizers = []
        new.status?.phase = "Terminating"
        let updated = StorageFixtures.updated(new, from: old)
        #expect(updated.spec?.finalizers == ["kubernetes"])
        #expect(updated.status?.phase == "Active")
    }

    @Test func tableAndSelectableFields() throws {
        var ns = StorageFixtures.created(try StorageFixtures.decode(Namespace.self, #"{"metadata":{"name":"a"}}"#))
        ns.metadata.creationTimestamp = StorageFixtures.creationTime
        #expect(Namespace.allTableColumns.map(\.name) == ["Name", "Status", "Age"])
        #expect(ns.tableCells(now: StorageFixtures.now) == ["a", "Active", "5m"].map(JSONValue.string))
        #expect(ns.selectableFields == ["status.phase": "Active", "name": "a"])
    }
}
