@testable import BallastAPI
import Foundation
import Testing

/// JSONValue through Codable (how it arrives inside typed objects, e.g. managedFields'
/// fieldsV1): every kind of JSON value keeps its kind.
struct JSONValueCodableTests {
    @Test func everyKindOfValueDecodesAsItself() throws {
        let text = #"{"null": null, "true": false, "int": 42, "negative": -7, "double": 1.5, "string": "x", "numeric string": "1",  "empty": {}, "list": [1, "a", {}, []], "nested": {"f:a": {".": {}}}}"#
        let value = try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
        guard case .object(let fields) = value else { Issue.record("not an object: \(value)"); return }
        func kind(_ key: String) -> String {
            switch fields[key] {
            case .null: "null"
            case .bool: "bool"
            case .int: "int"
            case .double: "double"
            case .string: "string"
            case .array: "array"
            case .object: "object"
            case nil: "missing"
            }
        }
        #expect(kind("null") == "null" && kind("true") == "bool" && kind("int") == "int" && kind("negative") == "int")
        #expect(kind("double") == "double" && kind("string") == "string" && kind("numeric string") == "string")
        #expect(kind("empty") == "object" && kind("list") == "array" && kind("nested") == "object")
        #expect(fields["list"] == .array([.int(1), .string("a"), .object([:]), .array([])]))
        #expect(fields["nested"] == .object(["f:a": .object([".": .object([:])])]))
        let again = try JSONDecoder().decode(JSONValue.self, from: JSONEncoder().encode(value))
        #expect(again == value)
    }
}
