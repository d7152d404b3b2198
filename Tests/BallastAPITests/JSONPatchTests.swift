import BallastAPI
import Testing

private func json(_ text: String) throws -> JSONValue { try JSONValue.parse(text) }

@Suite("JSON patch (RFC 6902)")
struct JSONPatchTests {
    struct Case: Sendable, CustomStringConvertible {
        var name: String
        var target: String
        var patch: String
        var result: String
        var description: String { name }
    }

    /// RFC 6902 appendix A, plus the pointer details kubectl users hit.
    static let cases: [Case] = [
        Case(name: "A.1 add an object member", target: #"{"foo":"bar"}"#,
             patch: #"[{"op":"add","path":"/baz","value":"qux"}]"#, result: #"{"baz":"qux","foo":"bar"}"#),
        Case(name: "A.2 add an array element", target: #"{"foo":["bar","baz"]}"#,
             patch: #"[{"op":"add","path":"/foo/1","value":"qux"}]"#, result: #"{"foo":["bar","qux","baz"]}"#),
        Case(name: "A.3 remove an object member", target: #"{"baz":"qux","foo":"bar"}"#,
             patch: #"[{"op":"remove","path":"/baz"}]"#, result: #"{"foo":"bar"}"#),
        Case(name: "A.4 remove an array element", target: #"{"foo":["bar","qux","baz"]}"#,
             patch: #"[{"op":"remove","path":"/foo/1"}]"#, result: #"{"foo":["bar","baz"]}"#),
        Case(name: "A.5 replace a value", target: #"{"baz":"qux","foo":"bar"}"#,
             patch: #"[{"op":"replace","path":"/baz","value":"boo"}]"#, result: #"{"baz":"boo","foo":"bar"}"#),
        Case(name: "A.6 move a value", target: #"{"foo":{"bar":"baz","waldo":"fred"},"qux":{"corge":"grault"}}"#,
             patch: #"[{"op":"move","from":"/foo/waldo","path":"/qux/thud"}]"#,
             result: #"{"foo":{"bar":"baz"},"qux":{"corge":"grault","thud":"fred"}}"#),
        Case(name: "A.7 move an array element", target: #"{"foo":["all","grass","cows","eat"]}"#,
             patch: #"[{"op":"move","from":"/foo/1","path":"/foo/3"}]"#, result: #"{"foo":["all","cows","eat","grass"]}"#),
        Case(name: "A.8 test succeeds", target: #"{"baz":"qux","foo":["a",2,"c"]}"#,
             patch: #"[{"op":"test","path":"/baz","value":"qux"},{"op":"test","path":"/foo/1","value":2}]"#,
             result: #"{"baz":"qux","foo":["a",2,"c"]}"#),
        Case(name: "A.10 add a nested object", target: #"{"foo":"bar"}"#,
             patch: #"[{"op":"add","path":"/child","value":{"grandchild":{}}}]"#, result: #"{"child":{"grandchild":{}},"foo":"bar"}"#),
        Case(name: "A.14 ~ escapes", target: #"{"/":9,"~1":10}"#,
             patch: #"[{"op":"test","path":"/~01","value":10},{"op":"remove","path":"/~1"}]"#, result: #"{"~1":10}"#),
        Case(name: "A.16 add an array value", target: #"{"foo":["bar"]}"#,
             patch: #"[{"op":"add","path":"/foo/-","value":["abc","def"]}]"#, result: #"{"foo":["bar",["abc","def"]]}"#),
        Case(name: "copy", target: #"{"a":{"b":1}}"#,
             patch: #"[{"op":"copy","from":"/a","path":"/c"}]"#, result: #"{"a":{"b":1},"c":{"b":1}}"#),
        Case(name: "add replaces an existing member", target: #"{"a":1}"#,
             patch: #"[{"op":"add","path":"/a","value":2}]"#, result: #"{"a":2}"#),
        Case(name: "label key with a slash", target: #"{"metadata":{"labels":{"app.kubernetes.io/name":"x"}}}"#,
             patch: #"[{"op":"replace","path":"/metadata/labels/app.kubernetes.io~1name","value":"y"}]"#,
             result: #"{"metadata":{"labels":{"app.kubernetes.io/name":"y"}}}"#),
        Case(name: "replace of a missing member adds it, as upstream's v4", target: #"{"metadata":{"labels":{}}}"#,
             patch: #"[{"op":"replace","path":"/metadata/labels/new","value":"v"}]"#,
             result: #"{"metadata":{"labels":{"new":"v"}}}"#),
        Case(name: "test of a missing member against null", target: #"{"a":1}"#,
             patch: #"[{"op":"test","path":"/b","value":null}]"#, result: #"{"a":1}"#),
        Case(name: "negative index counts from the end", target: #"{"a":[1,2,3]}"#,
             patch: #"[{"op":"remove","path":"/a/-1"}]"#, result: #"{"a":[1,2]}"#),
        Case(name: "empty patch", target: #"{"a":1}"#, patch: "[]", result: #"{"a":1}"#),
    ]

    @Test(arguments: cases)
    func applies(_ row: Case) throws {
        let patched = try JSONPatch.apply(try json(row.patch), to: try json(row.target))
        #expect(patched == (try json(row.result)))
    }

    @Test("kubectl rollout undo replaces the template and the annotations")
    func rolloutUndo() throws {
        let deployment = try json("""
            {"apiVersion":"apps/v1","kind":"Deployment",
             "metadata":{"name":"web","annotations":{"deployment.kubernetes.io/revision":"2"}},
             "spec":{"replicas":2,"template":{"metadata":{"labels":{"app":"web"}},
                     "spec":{"containers":[{"name":"nginx","image":"nginx:1.27"}]}}}}
            """)
        let patch = try json("""
            [{"op":"replace","path":"/spec/template","value":{"metadata":{"creationTimestamp":null,"labels":{"app":"web"}},
               "spec":{"containers":[{"name":"nginx","image":"nginx:1.25"}]}}},
             {"op":"replace","path":"/metadata/annotations","value":{"deployment.kubernetes.io/revision":"2",
               "kubernetes.io/change-cause":"first"}}]
            """)
        let patched = try JSONPatch.apply(patch, to: deployment)
        #expect(patched[path: ["spec", "template", "spec", "containers"]] == (try json(#"[{"name":"nginx","image":"nginx:1.25"}]"#)))
        #expect(patched[path: ["spec", "template", "metadata", "creationTimestamp"]] == .null)
        #expect(patched[path: ["metadata", "annotations", "kubernetes.io/change-cause"]] == "first")
        #expect(patched[path: ["spec", "replicas"]] == 2)
    }

    struct Failure: Sendable, CustomStringConvertible {
        var target: String
        var patch: String
        var error: PatchError
        var description: String { patch }
    }

    /// Error texts of evanphx/json-patch v4, which kube-apiserver returns as 422 (or 400
    /// when the body is not a patch at all).
    static let failures: [Failure] = [
        Failure(target: #"{"spec":{}}"#, patch: #"[{"op":"add","path":"/spec/foo/bar","value":1}]"#,
                error: .invalid(#"add operation does not apply: doc is missing path: "/spec/foo/bar": missing value"#)),
        Failure(target: #"{"spec":{}}"#, patch: #"[{"op":"remove","path":"/spec/foo/bar"}]"#,
                error: .invalid(#"remove operation does not apply: doc is missing path: "/spec/foo/bar": missing value"#)),
        Failure(target: #"{"spec":{}}"#, patch: #"[{"op":"remove","path":"/spec/foo"}]"#,
                error: .invalid("error in remove for path: '/spec/foo': Unable to remove nonexistent key: foo: missing value")),
        Failure(target: #"{"spec":{}}"#, patch: #"[{"op":"replace","path":"/spec/foo/bar","value":1}]"#,
                error: .invalid("replace operation does not apply: doc is missing path: /spec/foo/bar: missing value")),
        Failure(target: #"{"a":[1]}"#, patch: #"[{"op":"replace","path":"/a/3","value":1}]"#,
                error: .invalid("replace operation does not apply: doc is missing key: /a/3: missing value")),
        Failure(target: #"{"x":1}"#, patch: #"[{"op":"test","path":"/x","value":2}]"#,
                error: .invalid("testing value /x failed: test failed")),
        Failure(target: #"{"a":[1]}"#, patch: #"[{"op":"add","path":"/a/5","value":1}]"#,
                error: .invalid("error in add for path: '/a/5': Unable to access invalid index: 5: invalid index referenced")),
        Failure(target: #"{"a":[1]}"#, patch: #"[{"op":"add","path":"/a/x","value":1}]"#,
                error: .invalid(#"error in add for path: '/a/x': strconv.Atoi: parsing "x": invalid syntax"#)),
        Failure(target: #"{"a":1}"#, patch: #"[{"op":"move","from":"/b","path":"/c"}]"#,
                error: .invalid("error in move for path: 'b': Unable to remove nonexistent key: b: missing value")),
        Failure(target: #"{"a":1}"#, patch: #"[{"op":"copy","from":"/b","path":"/c"}]"#,
                error: .invalid("copy operation does not apply: doc is missing from path: /b: missing value")),
        Failure(target: #"{"a":1}"#, patch: #"[{"op":"bogus","path":"/a"}]"#, error: .invalid("Unexpected kind: bogus")),
        Failure(target: #"{"a":1}"#, patch: #"[{"path":"/a"}]"#, error: .invalid("Unexpected kind: unknown")),
        Failure(target: #"{"a":1}"#, patch: #"[{"op":"add","value":1}]"#,
                error: .invalid("add operation failed to decode path: missing value")),
        Failure(target: #"{"a":1}"#, patch: #"[{"op":"add","path":"","value":1}]"#,
                error: .invalid(#"add operation does not apply: doc is missing path: "": missing value"#)),
        Failure(target: #"{"a":1}"#, patch: #"{"op":"add","path":"/b","value":1}"#,
                error: .badRequest("json: cannot unmarshal object into Go value of type jsonpatch.Patch")),
        Failure(target: #"{"a":1}"#, patch: #"["add"]"#,
                error: .badRequest("json: cannot unmarshal string into Go value of type jsonpatch.Operation")),
    ]

    @Test(arguments: failures)
    func rejects(_ row: Failure) throws {
        #expect(throws: row.error) { try JSONPatch.apply(try json(row.patch), to: try json(row.target)) }
    }

    @Test("a bad operation is 422, a body that is not a patch is 400")
    func statusCodes() {
        #expect(PatchError.invalid("x").code == 422)
        #expect(PatchError.badRequest("x").code == 400)
    }

    @Test("a failed test applies nothing, whatever came before it")
    func testFailureIsAtomic() throws {
        let target = try json(#"{"metadata":{"labels":{"app":"web"}},"spec":{"replicas":1}}"#)
        let patch = try json("""
            [{"op":"replace","path":"/spec/replicas","value":5},
             {"op":"remove","path":"/metadata/labels/app"},
             {"op":"test","path":"/spec/replicas","value":1}]
            """)
        var result: JSONValue? = nil
        #expect(throws: PatchError.invalid("testing value /spec/replicas failed: test failed")) {
            result = try JSONPatch.apply(patch, to: target)
        }
        #expect(result == nil)
        #expect(target[path: ["spec", "replicas"]] == 1)
    }
}
