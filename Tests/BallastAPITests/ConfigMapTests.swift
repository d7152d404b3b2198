import BallastAPI
import Foundation
import Testing

@Suite("ConfigMap")
struct ConfigMapTests {
    @Test func resourceInfo() throws {
        _ = try StorageFixtures.decode(ConfigMap.self, #"{"metadata":{}}"#)
        #expect(ConfigMap.resource.plural == "configmaps")
        #expect(ConfigMap.resource.shortNames == ["cm"])
        #expect(ConfigMap.resource.namespaced)
    }

    @Test func decodesValidatesAndCounts() throws {
        var cm = try StorageFixtures.decode(ConfigMap.self, #"""
            {"metadata":{"name":"app","namespace":"default"},"data":{"app.conf":"x=1","LOG_LEVEL":"debug"},"binaryData":{"logo.png":"iVBORw0K"}}
            """#)
        #expect(StorageFixtures.problems(cm) == [])
        cm.metadata.creationTimestamp = StorageFixtures.creationTime
        #expect(ConfigMap.allTableColumns.map(\.name) == ["Name", "Data", "Age"])
        #expect(cm.tableCells(now: StorageFixtures.now) == [.string("app"), .int(3), .string("5m")])
    }

    @Test(arguments: [
        ("a/b", [#"data[a/b]: Invalid value: "a/b": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')"#]),
        ("..", [#"data[..]: Invalid value: "..": must not be '..'"#]),
        ("..a", [#"data[..a]: Invalid value: "..a": must not start with '..'"#]),
        (".a", []),
    ])
    func keys(key: String, errors: [String]) {
        let cm = ConfigMap(metadata: ObjectMeta(name: "c", namespace: "default"), data: [key: "v"])
        #expect(cm.validate().map(\.description) == errors)
    }

    @Test func aKeyMayNotBeInBothMaps() {
        let cm = ConfigMap(metadata: ObjectMeta(name: "c"), data: ["k": "v"], binaryData: ["k": "dg=="])
        #expect(cm.validate().map(\.description) == [#"data[k]: Invalid value: "k": duplicate of key present in binaryData"#])
    }

    @Test func binaryDataMustBeBase64() {
        #expect(throws: APICodec.DecodeError.self) {
            try StorageFixtures.decode(ConfigMap.self, #"{"metadata":{},"binaryData":{"k":"not base64!"}}"#)
        }
    }

    @Test func immutableConfigMapsStayPut() {
        let old = ConfigMap(metadata: ObjectMeta(name: "c", namespace: "default"), data: ["k": "v"], immutable: true)
        var new = old
        new.data = ["k": "w"]
        new.immutable = false
        #expect(StorageFixtures.updateProblems(new, old: old) == [
            "immutable: Forbidden: field is immutable when `immutable` is set",
            "data: Forbidden: field is immutable when `immutable` is set",
        ])
        var labelled = old
        labelled.metadata.labels = ["a": "b"]
        #expect(StorageFixtures.updateProblems(labelled, old: old) == [])
    }
}
