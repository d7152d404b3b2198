import BallastAPI
import Foundation
import Testing

@Suite("Secret")
struct SecretTests {
    @Test func resourceInfo() throws {
        _ = try StorageFixtures.decode(Secret.self, #"{"metadata":{}}"#)
        #expect(Secret.resource.plural == "secrets")
        #expect(Secret.resource.shortNames.isEmpty)
        #expect(Secret.resource.namespaced)
    }

    @Test func stringDataMergesIntoDataAsBase64() throws {
        let secret = StorageFixtures.created(try StorageFixtures.decode(Secret.self, #"""
            {"metadata":{"name":"db","namespace":"default"},"data":{"user":"YWRtaW4=","password":"b2xk"},"stringData":{"password":"s3cr3t!"}}
            """#))
        #expect(secret.type == "Opaque")
        #expect(secret.stringData == nil)
        #expect(secret.data == ["user": "YWRtaW4=", "password": "czNjcjN0IQ=="])
        #expect(secret.string("password") == "s3cr3t!")
        #expect(secret.string("user") == "admin")
        #expect(StorageFixtures.json(secret)["stringData"] == nil)
        #expect(StorageFixtures.problems(secret) == [])
    }

    @Test(arguments: [
        ("", [UInt8]()), ("YQ==", Array("a".utf8)), ("YWI=", Array("ab".utf8)), ("YWJj", Array("abc".utf8)),
        ("YWJj\nZGVm", Array("abcdef".utf8)),
    ])
    func base64Decodes(text: String, bytes: [UInt8]) throws {
        #expect(try SecretBase64.decode(text) == bytes)
        #expect(SecretBase64.encode(bytes) == text.replacingOccurrences(of: "\n", with: ""))
    }

    @Test(arguments: [("YW!j", 2), ("YQ", 0), ("YQ==YQ==", 4), ("Y===", 1)])
    func base64Refuses(text: String, offset: Int) {
        #expect(throws: SecretBase64.DecodeError(offset: offset)) { try SecretBase64.decode(text) }
    }

    @Test func dataThatIsNotBase64FailsDecoding() {
        do {
            _ = try StorageFixtures.decode(Secret.self, #"{"metadata":{},"data":{"password":"abc$"}}"#)
            Issue.record("decoded")
        } catch let error as APICodec.DecodeError {
            #expect(error.description == "data.password: illegal base64 data at input byte 3 (field data.password)")
        } catch {
            Issue.record(error)
        }
    }

    @Test(arguments: [
        ("kubernetes.io/tls", #"{"tls.crt":"YQ=="}"#, ["data[tls.key]: Required value"]),
        ("kubernetes.io/basic-auth", "{}", ["data[username]: Required value", "data[password]: Required value"]),
        ("kubernetes.io/ssh-auth", "{}", ["data[ssh-privatekey]: Required value"]),
        ("kubernetes.io/dockerconfigjson", #"{".dockerconfigjson":"e30="}"#, []),
        ("kubernetes.io/dockerconfigjson", #"{".dockerconfigjson":"W10="}"#,
         [#"data[.dockerconfigjson]: Invalid value: "<secret contents redacted>": json: cannot unmarshal array into Go value of type map[string]interface {}"#]),
        ("kubernetes.io/service-account-token", "{}", ["metadata.annotations[kubernetes.io/service-account.name]: Required value"]),
        ("example.com/custom", "{}", []),
    ])
    func typesRequireTheirKeys(type: String, data: String, errors: [String]) throws {
        let secret = try StorageFixtures.decode(Secret.self, #"{"metadata":{"name":"s"},"type":"\#(type)","data":\#(data)}"#)
        #expect(secret.validate().map(\.description) == errors)
    }

    @Test func typeAndImmutableDataAreFixed() {
        let old = StorageFixtures.created(Secret(metadata: ObjectMeta(name: "s", namespace: "default"), data: ["k": "dg=="], immutable: true))
        var new = old
        new.type = "kubernetes.io/tls"
        new.data = ["tls.crt": "YQ==", "tls.key": "YQ=="]
        #expect(StorageFixtures.updateProblems(new, old: old) == [
            #"type: Invalid value: "kubernetes.io/tls": field is immutable"#,
            "data: Forbidden: field is immutable when `immutable` is set",
        ])
    }

    @Test func tableAndSelectableFields() {
        var secret = StorageFixtures.created(Secret(metadata: ObjectMeta(name: "s", namespace: "default"), stringData: ["a": "1", "b": "2"]))
        secret.metadata.creationTimestamp = StorageFixtures.creationTime
        #expect(Secret.allTableColumns.map(\.name) == ["Name", "Type", "Data", "Age"])
        #expect(secret.tableCells(now: StorageFixtures.now) == [.string("s"), .string("Opaque"), .int(2), .string("5m")])
        #expect(secret.selectableFields == ["type": "Opaque"])
    }
}
