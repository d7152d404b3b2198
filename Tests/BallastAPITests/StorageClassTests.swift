import BallastAPI
import Foundation
import Testing

@Suite("StorageClass")
struct StorageClassTests {
    static let localLVM = """
        {"apiVersion":"storage.k8s.io/v1","kind":"StorageClass",
         "metadata":{"name":"local-lvm","annotations":{"storageclass.kubernetes.io/is-default-class":"true"}},
         "provisioner":"ballast.io/local-lvm","parameters":{"volumeGroup":"ballast"},
         "volumeBindingMode":"WaitForFirstConsumer","allowVolumeExpansion":true}
        """

    static func stored(_ json: String = localLVM) throws -> StorageClass {
        StorageFixtures.created(try StorageFixtures.decode(StorageClass.self, json))
    }

    @Test func resourceInfo() throws {
        _ = try StorageFixtures.decode(StorageClass.self, #"{"metadata":{}}"#)
        let info = StorageClass.resource
        #expect(info.gvk.apiVersion == "storage.k8s.io/v1")
        #expect(info.plural == "storageclasses")
        #expect(info.singular == "storageclass")
        #expect(info.shortNames == ["sc"])
        #expect(!info.namespaced)
        #expect(!info.hasStatus)
        #expect(info.qualifiedName == "storageclasses.storage.k8s.io")
    }

    @Test func decodesDefaultsAndValidates() throws {
        let sc = try Self.stored()
        #expect(StorageFixtures.problems(sc) == [])
        #expect(sc.isDefault)
        #expect(sc.reclaimPolicy == "Delete")
        #expect(sc.volumeBindingMode == "WaitForFirstConsumer")
        #expect(sc.parameters == ["volumeGroup": "ballast"])
    }

    @Test func defaultsAreDeleteAndImmediate() throws {
        let sc = try Self.stored(#"{"metadata":{"name":"nfs"},"provisioner":"ballast.io/nfs"}"#)
        #expect(sc.reclaimPolicy == "Delete")
        #expect(sc.volumeBindingMode == "Immediate")
        #expect(!sc.isDefault)
    }

    @Test func decodesFromMetadataAlone() throws {
        let sc = try StorageFixtures.decode(StorageClass.self, #"{"metadata":{}}"#)
        #expect(sc.provisioner == "")
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var body: String
        var errors: [String]
        var testDescription: String { name }
    }

    static let invalid: [Case] = [
        Case(name: "no provisioner", body: #""provisioner":"""#, errors: ["provisioner: Required value"]),
        Case(name: "provisioner not a qualified name", body: #""provisioner":"a/b/c""#,
             errors: [#"provisioner: Invalid value: "a/b/c": a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"#]),
        Case(name: "Recycle", body: #""provisioner":"x.io/y","reclaimPolicy":"Recycle""#,
             errors: [#"reclaimPolicy: Unsupported value: "Recycle": supported values: "Delete", "Retain""#]),
        Case(name: "unknown binding mode", body: #""provisioner":"x.io/y","volumeBindingMode":"Later""#,
             errors: [#"volumeBindingMode: Unsupported value: "Later": supported values: "Immediate", "WaitForFirstConsumer""#]),
        Case(name: "empty parameter key", body: #""provisioner":"x.io/y","parameters":{"":"v"}"#,
             errors: [#"parameters: Invalid value: "": field can not be empty."#]),
        Case(name: "topology term without values",
             body: #""provisioner":"x.io/y","allowedTopologies":[{"matchLabelExpressions":[{"key":"topology.kubernetes.io/zone","values":[]}]}]"#,
             errors: ["allowedTopologies[0].matchLabelExpressions[0].values: Required value"]),
        Case(name: "repeated topology term",
             body: #""provisioner":"x.io/y","allowedTopologies":[{"matchLabelExpressions":[{"key":"zone","values":["a"]}]},{"matchLabelExpressions":[{"key":"zone","values":["a"]}]}]"#,
             errors: [#"allowedTopologies[1].matchLabelExpressions: Duplicate value: """#]),
    ]

    @Test(arguments: invalid)
    func invalidClassesAreRefused(_ example: Case) throws {
        let sc = try Self.stored(#"{"metadata":{"name":"c"},\#(example.body)}"#)
        #expect(StorageFixtures.problems(sc) == example.errors)
    }

    @Test func tooManyParametersAreRefused() throws {
        var sc = try Self.stored()
        sc.parameters = Dictionary(uniqueKeysWithValues: (0...512).map { ("k\($0)", "v") })
        #expect(StorageFixtures.problems(sc) == ["parameters: Too long: must have at most 512 bytes"])
    }

    @Test(arguments: [
        ("parameters", ["parameters: Forbidden: updates to parameters are forbidden."]),
        ("provisioner", ["provisioner: Forbidden: updates to provisioner are forbidden."]),
        ("reclaimPolicy", ["reclaimPolicy: Forbidden: updates to reclaimPolicy are forbidden."]),
        ("volumeBindingMode", [#"volumeBindingMode: Invalid value: "Immediate": field is immutable"#]),
        ("allowVolumeExpansion", []),
        ("annotations", []),
    ])
    func updates(field: String, errors: [String]) throws {
        let old = try Self.stored()
        var new = old
        switch field {
        case "parameters": new.parameters = ["volumeGroup": "other"]
        case "provisioner": new.provisioner = "ballast.io/local-path"
        case "reclaimPolicy": new.reclaimPolicy = "Retain"
        case "volumeBindingMode": new.volumeBindingMode = "Immediate"
        case "allowVolumeExpansion": new.allowVolumeExpansion = false
        default: new.metadata.annotations = nil
        }
        #expect(StorageFixtures.updateProblems(StorageFixtures.updated(new, from: old), old: old) == errors)
    }

    @Test func tableMarksTheDefaultClass() throws {
        var sc = try Self.stored()
        sc.metadata.creationTimestamp = StorageFixtures.creationTime
        #expect(StorageClass.allTableColumns.map(\.name) == [
            "Name", "Provisioner", "ReclaimPolicy", "VolumeBindingMode", "AllowVolumeExpansion", "Age",
        ])
        #expect(sc.tableCells(now: StorageFixtures.now) == [
            .string("local-lvm (default)"), .string("ballast.io/local-lvm"), .string("Delete"), .string("WaitForFirstConsumer"),
            .bool(true), .string("5m"),
        ])
        sc.metadata.annotations = ["storageclass.beta.kubernetes.io/is-default-class": "true"]
        #expect(sc.tableCells(now: StorageFixtures.now).first == "local-lvm (default)")
        sc.metadata.annotations = ["storageclass.kubernetes.io/is-default-class": "false"]
        #expect(sc.tableCells(now: StorageFixtures.now).first == "local-lvm")
    }
}
