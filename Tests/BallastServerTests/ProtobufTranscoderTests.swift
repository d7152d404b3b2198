import BallastAPI
@testable import BallastServer
import Testing

/// Protobuf bodies as kubectl 1.32's typed clients send them, turned into the JSON the
/// rest of the server reads.
@Suite struct ProtobufTranscoderTests {
    private func decode(_ body: [UInt8]) throws -> JSONValue { try ProtobufEnvelope.decode(body) }

    private func apiError(_ body: [UInt8]) -> APIError? {
        do {
            _ = try BodyReader.parseProtobuf(body)
            return nil
        } catch {
            return error
        }
    }

    @Test func namespaceAsKubectlCreateSendsIt() throws {
        // Namespace{metadata{name: "other", every other value field empty}, spec{}, status{phase: ""}}
        let raw = Wire.message(1, Wire.objectMeta(name: "other")) + Wire.message(2) + Wire.message(3, Wire.string(1, ""))
        let json = try decode(Wire.envelope(apiVersion: "v1", kind: "Namespace", raw))
        #expect(json == ["apiVersion": "v1", "kind": "Namespace", "metadata": ["name": "other"]])
    }

    @Test func configMapMapsAndBinaryDataAsBase64() throws {
        let raw = Wire.message(1, Wire.objectMeta(name: "cfg", namespace: "default"))
            + Wire.entry(2, "a", "b") + Wire.entry(2, "c", "") + Wire.entry(3, "bin", bytes: [0x00, 0xFF, 0x10])
        let json = try decode(Wire.envelope(apiVersion: "v1", kind: "ConfigMap", raw))
        #expect(json["metadata"] == ["name": "cfg", "namespace": "default"])
        #expect(json["data"] == ["a": "b", "c": ""])
        #expect(json["binaryData"] == ["bin": "AP8Q"])
        #expect(json["immutable"] == nil)
    }

    @Test func secretDataIsBase64AndTypeKept() throws {
        let raw = Wire.message(1, Wire.objectMeta(name: "s")) + Wire.entry(2, "password", bytes: Array("hunter2".utf8))
            + Wire.string(3, "Opaque") + Wire.bool(5, false)
        let json = try decode(Wire.envelope(apiVersion: "v1", kind: "Secret", raw))
        #expect(json["data"] == ["password": "aHVudGVyMg=="])
        #expect(json["type"] == "Opaque")
        // immutable is a pointer in Go: an explicit false is kept.
        #expect(json["immutable"] == false)
    }

    @Test func deploymentKeepsPointerZerosAndDropsValueZeros() throws {
        let container = Wire.string(1, "nginx") + Wire.string(2, "nginx") + Wire.string(5, "")
            + Wire.message(6, Wire.string(1, ""), Wire.int(2, 0), Wire.int(3, 80), Wire.string(4, "TCP"), Wire.string(5, ""))
            + Wire.message(8) + Wire.string(13, "") + Wire.string(14, "") + Wire.bool(16, false)
        let template = Wire.message(1, Wire.objectMeta(name: "", labels: ["app": "web"]))
            + Wire.message(2, Wire.message(2, container), Wire.string(3, ""), Wire.string(6, ""), Wire.bool(11, false))
        let spec = Wire.int(1, 0) + Wire.message(2, Wire.entry(1, "app", "web")) + Wire.message(3, template)
            + Wire.message(4, Wire.string(1, "")) + Wire.int(5, 0) + Wire.bool(7, false)
        let status = Wire.int(1, 0) + Wire.int(2, 0) + Wire.int(3, 0) + Wire.int(4, 0) + Wire.int(5, 0) + Wire.int(7, 0)
        let raw = Wire.message(1, Wire.objectMeta(name: "web", labels: ["app": "web"])) + Wire.message(2, spec) + Wire.message(3, status)
        let json = try decode(Wire.envelope(apiVersion: "apps/v1", kind: "Deployment", raw))
        let expected: JSONValue = [
            "apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": ["name": "web", "labels": ["app": "web"]],
            "spec": [
                "replicas": 0,
                "selector": ["matchLabels": ["app": "web"]],
                "template": [
                    "metadata": ["labels": ["app": "web"]],
                    "spec": ["containers": [["name": "nginx", "image": "nginx", "ports": [["containerPort": 80, "protocol": "TCP"]]]]],
                ],
            ],
        ]
        #expect(json == expected)
    }

    @Test func serviceTargetPortIntOrStringAndNegativeInt32() throws {
        let numbered = Wire.string(1, "80-80") + Wire.string(2, "TCP") + Wire.int(3, 80)
            + Wire.message(4, Wire.int(1, 0), Wire.int(2, 8080), Wire.string(3, "")) + Wire.int(5, 0)
        let named = Wire.string(1, "web") + Wire.int(3, 443) + Wire.message(4, Wire.int(1, 1), Wire.int(2, 0), Wire.string(3, "https"))
        let spec = Wire.message(1, numbered) + Wire.message(1, named) + Wire.entry(2, "app", "x") + Wire.string(4, "ClusterIP")
            + Wire.int(12, -5)
        let raw = Wire.message(1, Wire.objectMeta(name: "x")) + Wire.message(2, spec) + Wire.message(3, Wire.message(1))
        let json = try decode(Wire.envelope(apiVersion: "v1", kind: "Service", raw))
        #expect(json["spec"]?["ports"] == [
            ["name": "80-80", "protocol": "TCP", "port": 80, "targetPort": 8080],
            ["name": "web", "port": 443, "targetPort": "https"],
        ])
        #expect(json["spec"]?["healthCheckNodePort"] == -5)
        #expect(json["spec"]?["type"] == "ClusterIP")
        #expect(json["status"] == nil)
    }

    @Test func nestedInlineAndQuantityFields() throws {
        // Container with env from a ConfigMap key (LocalObjectReference is embedded), a
        // limits map of Quantities, and a Probe whose handler is embedded.
        let keyRef = Wire.message(1, Wire.string(1, "settings")) + Wire.string(2, "level")
        let env = Wire.string(1, "LEVEL") + Wire.string(2, "") + Wire.message(3, Wire.message(3, keyRef))
        let resources = Wire.message(1, Wire.string(1, "cpu"), Wire.message(2, Wire.string(1, "500m")))
        let probe = Wire.message(1, Wire.message(1, Wire.string(1, "true"))) + Wire.int(4, 10)
        let container = Wire.string(1, "c") + Wire.message(7, env) + Wire.message(8, resources) + Wire.message(10, probe)
        let volume = Wire.string(1, "scratch") + Wire.message(2, Wire.message(2, Wire.string(1, "")))
        let pod = Wire.message(1, Wire.objectMeta(name: "p")) + Wire.message(2, Wire.message(1, volume), Wire.message(2, container))
        let json = try decode(Wire.envelope(apiVersion: "v1", kind: "Pod", pod))
        #expect(json["spec"]?["volumes"] == [["name": "scratch", "emptyDir": [:]]])
        #expect(json["spec"]?["containers"] == [[
            "name": "c",
            "env": [["name": "LEVEL", "valueFrom": ["configMapKeyRef": ["name": "settings", "key": "level"]]]],
            "resources": ["limits": ["cpu": "500m"]],
            "livenessProbe": ["exec": ["command": ["true"]], "periodSeconds": 10],
        ]])
    }

    @Test func timesAndDurations() throws {
        let meta = Wire.string(1, "t") + Wire.message(8, Wire.int(1, 1_700_000_000)) + Wire.message(9, Wire.int(1, 1_700_000_030), Wire.int(2, 5))
        let json = try decode(Wire.envelope(apiVersion: "v1", kind: "Namespace", Wire.message(1, meta)))
        #expect(json["metadata"]?["creationTimestamp"] == "2023-11-14T22:13:20Z")
        #expect(json["metadata"]?["deletionTimestamp"] == "2023-11-14T22:13:50Z")
        let site = ProtobufTranscoder.Site(message: "Event", field: 10)
        let micro = (Wire.int(1, 1_700_000_000) + Wire.int(2, 123_456_789))[...]
        #expect(try ProtobufWellKnown.time(micro, fractionalDigits: 6, site: site) == "2023-11-14T22:13:20.123456Z")
        let tiny = (Wire.int(1, 1_700_000_000) + Wire.int(2, 1_000))[...]
        #expect(try ProtobufWellKnown.time(tiny, fractionalDigits: 6, site: site) == "2023-11-14T22:13:20.000001Z")
        let earliest = Wire.int(1, ProtobufWellKnown.earliestSeconds)[...]
        #expect(try ProtobufWellKnown.time(earliest, fractionalDigits: 0, site: site) == "0001-01-01T00:00:00Z")
        let latest = Wire.int(1, ProtobufWellKnown.latestSeconds)[...]
        #expect(try ProtobufWellKnown.time(latest, fractionalDigits: 0, site: site) == "9999-12-31T23:59:59Z")
        #expect(throws: ProtobufError.outOfRange(message: "Event", field: 10)) {
            try ProtobufWellKnown.time((Wire.int(1, 1) + Wire.int(2, 1_000_000_000))[...], fractionalDigits: 0, site: site)
        }
        #expect(throws: ProtobufError.outOfRange(message: "Event", field: 10)) {
            try ProtobufWellKnown.time(Wire.int(1, 300_000_000_000)[...], fractionalDigits: 0, site: site)
        }
        #expect(ProtobufWellKnown.goDuration(0) == "0s")
        #expect(ProtobufWellKnown.goDuration(1_500_000_000) == "1.5s")
        #expect(ProtobufWellKnown.goDuration(3_723_000_000_000) == "1h2m3s")
        #expect(ProtobufWellKnown.goDuration(60_000_000_000) == "1m0s")
        #expect(ProtobufWellKnown.goDuration(250_000_000) == "250ms")
        #expect(ProtobufWellKnown.goDuration(-1_500) == "-1.5µs")
    }

    @Test func deleteOptionsUnderAnyGroupVersion() throws {
        let raw = Wire.int(1, 0) + Wire.message(2, Wire.string(1, "uid-1")) + Wire.string(4, "Foreground") + Wire.string(5, "All")
        for apiVersion in ["v1", "apps/v1", "meta.k8s.io/v1"] {
            let json = try decode(Wire.envelope(apiVersion: apiVersion, kind: "DeleteOptions", raw))
            #expect(json["gracePeriodSeconds"] == 0)
            #expect(json["preconditions"] == ["uid": "uid-1"])
            #expect(json["propagationPolicy"] == "Foreground")
            #expect(json["dryRun"] == ["All"])
        }
    }

    @Test func unknownFieldIsRefusedByMessageAndNumber() {
        let raw = Wire.message(1, Wire.objectMeta(name: "cfg")) + Wire.string(9, "surprise")
        let error = apiError(Wire.envelope(apiVersion: "v1", kind: "ConfigMap", raw))
        #expect(error?.code == 415)
        #expect(error?.status.message?.contains("field 9 of ConfigMap") == true)
        #expect(error?.status.message?.contains("JSON") == true)
        // Nested: an unknown field deep in a container names the container message.
        let pod = Wire.message(2, Wire.message(2, Wire.string(1, "c"), Wire.int(99, 1)))
        #expect(apiError(Wire.envelope(apiVersion: "v1", kind: "Pod", pod))?.status.message?.contains("field 99 of Container") == true)
    }

    @Test func unknownKindIsRefusedByName() {
        let error = apiError(Wire.envelope(apiVersion: "v1", kind: "PersistentVolumeClaim", Wire.message(1, Wire.objectMeta(name: "x"))))
        #expect(error?.code == 415)
        #expect(error?.status.message?.contains("PersistentVolumeClaim") == true)
    }

    @Test func malformedBodiesAreBadRequests() {
        #expect(apiError(Array("{\"kind\":\"Namespace\"}".utf8))?.code == 400)
        #expect(apiError([0x6B, 0x38, 0x73, 0x00])?.code == 400)
        // Wrong wire type: metadata.name as a varint.
        let raw = Wire.message(1, Wire.int(1, 5))
        #expect(apiError(Wire.envelope(apiVersion: "v1", kind: "Namespace", raw))?.code == 400)
        // Invalid UTF-8 in a string.
        let bad = Wire.message(1, Wire.bytes(1, [0xC3, 0x28]))
        #expect(apiError(Wire.envelope(apiVersion: "v1", kind: "Namespace", bad))?.code == 400)
        // A compressed envelope.
        let compressed = [0x6B, 0x38, 0x73, 0x00] + Wire.message(1, Wire.string(1, "v1"), Wire.string(2, "Namespace")) + Wire.string(3, "gzip")
        #expect(apiError(compressed)?.code == 415)
    }

    @Test func everyTruncationOfARealBodyFailsCleanly() throws {
        let raw = Wire.message(1, Wire.objectMeta(name: "cfg", labels: ["a": "b"])) + Wire.entry(2, "k", "v")
            + Wire.entry(3, "bin", bytes: [1, 2, 3])
        let body = Wire.envelope(apiVersion: "v1", kind: "ConfigMap", raw)
        #expect(throws: Never.self) { try decode(body) }
        for length in 0..<body.count {
            let prefix = Array(body.prefix(length))
            do {
                _ = try BodyReader.parseProtobuf(prefix)
            } catch {
                #expect(error.code == 400 || error.code == 415, "prefix \(length): \(error)")
            }
        }
    }

    @Test func randomBytesNeverCrash() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<3_000 {
            let count = Int.random(in: 0...64, using: &generator)
            let noise = (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let body = [0x6B, 0x38, 0x73, 0x00] + Wire.message(1, Wire.string(1, "v1"), Wire.string(2, "Pod")) + Wire.bytes(2, noise)
            if let error = apiError(body) { #expect(error.code == 400 || error.code == 415) }
        }
    }

    @Test func depthIsBounded() throws {
        let namespace = try #require(ProtobufSchema.messages["Namespace"])
        #expect(throws: ProtobufError.tooDeep) {
            try ProtobufTranscoder.object([], as: namespace, depth: ProtobufTranscoder.maxDepth + 1)
        }
    }

    @Test func schemaTablesAreConsistent() {
        var names = Set<String>()
        for message in ProtobufSchema.all {
            #expect(names.insert(message.name).inserted, "message \(message.name) is defined twice")
            #expect(message.duplicateNumbers.isEmpty, "\(message.name) lists field numbers \(message.duplicateNumbers) twice")
            var jsonNames = Set<String>()
            for (number, field) in message.fields {
                if !field.json.isEmpty {
                    #expect(jsonNames.insert(field.json).inserted, "\(message.name) names \(field.json) twice")
                }
                for type in Self.references(field.kind) {
                    #expect(ProtobufSchema.messages[type] != nil, "\(message.name) field \(number) refers to missing \(type)")
                }
            }
        }
        for (key, name) in ProtobufSchema.topLevel {
            #expect(ProtobufSchema.messages[name] != nil, "\(key) refers to missing \(name)")
        }
    }

    private static func references(_ kind: ProtobufField.Kind) -> [String] {
        switch kind {
        case .message(let type), .inline(let type): return [type]
        case .map(let value): return references(value)
        default: return []
        }
    }
}
