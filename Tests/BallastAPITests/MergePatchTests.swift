import BallastAPI
import Testing

private func json(_ text: String) throws -> JSONValue { try JSONValue.parse(text) }

@Suite("JSON merge patch (RFC 7386)")
struct MergePatchTests {
    struct Case: Sendable, CustomStringConvertible {
        var name: String
        var target: String
        var patch: String
        var result: String
        var description: String { name }
    }

    /// RFC 7386 appendix A, then the bodies kubectl sends (kubectl-compat.md §2.9, §3.7, §3.8).
    static let cases: [Case] = [
        Case(name: "A1 replace a member", target: #"{"a":"b"}"#, patch: #"{"a":"c"}"#, result: #"{"a":"c"}"#),
        Case(name: "A2 add a member", target: #"{"a":"b"}"#, patch: #"{"b":"c"}"#, result: #"{"a":"b","b":"c"}"#),
        Case(name: "A3 null deletes", target: #"{"a":"b"}"#, patch: #"{"a":null}"#, result: #"{}"#),
        Case(name: "A4 null deletes one", target: #"{"a":"b","b":"c"}"#, patch: #"{"a":null}"#, result: #"{"b":"c"}"#),
        Case(name: "A5 scalar replaces array", target: #"{"a":["b"]}"#, patch: #"{"a":"c"}"#, result: #"{"a":"c"}"#),
        Case(name: "A6 array replaces scalar", target: #"{"a":"c"}"#, patch: #"{"a":["b"]}"#, result: #"{"a":["b"]}"#),
        Case(name: "A7 nested merge", target: #"{"a":{"b":"c"}}"#, patch: #"{"a":{"b":"d","c":null}}"#, result: #"{"a":{"b":"d"}}"#),
        Case(name: "A8 arrays replace", target: #"{"a":[{"b":"c"}]}"#, patch: #"{"a":[1]}"#, result: #"{"a":[1]}"#),
        Case(name: "A9 array patch replaces array", target: #"["a","b"]"#, patch: #"["c","d"]"#, result: #"["c","d"]"#),
        Case(name: "A10 array patch replaces object", target: #"{"a":"b"}"#, patch: #"["c"]"#, result: #"["c"]"#),
        Case(name: "A11 null patch", target: #"{"a":"foo"}"#, patch: "null", result: "null"),
        Case(name: "A12 string patch", target: #"{"a":"foo"}"#, patch: #""bar""#, result: #""bar""#),
        Case(name: "A13 stored null kept", target: #"{"e":null}"#, patch: #"{"a":1}"#, result: #"{"a":1,"e":null}"#),
        Case(name: "A14 object patch on array", target: "[1,2]", patch: #"{"a":"b","c":null}"#, result: #"{"a":"b"}"#),
        Case(name: "A15 nulls pruned from new objects", target: "{}", patch: #"{"a":{"bb":{"ccc":null}}}"#, result: #"{"a":{"bb":{}}}"#),
        Case(
            name: "kubectl label --overwrite",
            target: #"{"metadata":{"name":"p","labels":{"app":"x","env":"prod"}}}"#,
            patch: #"{"metadata":{"labels":{"app":"y","tier":"fe"}}}"#,
            result: #"{"metadata":{"name":"p","labels":{"app":"y","env":"prod","tier":"fe"}}}"#),
        Case(
            name: "kubectl label env-",
            target: #"{"metadata":{"name":"p","labels":{"app":"x","env":"prod"}}}"#,
            patch: #"{"metadata":{"labels":{"env":null}}}"#,
            result: #"{"metadata":{"name":"p","labels":{"app":"x"}}}"#),
        Case(
            name: "kubectl annotate on an object without annotations",
            target: #"{"metadata":{"name":"p"}}"#,
            patch: #"{"metadata":{"annotations":{"note":"hi","gone":null}}}"#,
            result: #"{"metadata":{"name":"p","annotations":{"note":"hi"}}}"#),
        Case(
            name: "kubectl scale",
            target: #"{"spec":{"replicas":2},"status":{"replicas":2,"selector":"app=web"}}"#,
            patch: #"{"spec":{"replicas":3}}"#,
            result: #"{"spec":{"replicas":3},"status":{"replicas":2,"selector":"app=web"}}"#),
        Case(
            name: "client-side apply of a server-own kind replaces its lists",
            target: #"{"metadata":{"name":"s"},"spec":{"retain":"1d","tags":["a","b"],"keep":true}}"#,
            patch: #"{"metadata":{"annotations":{"kubectl.kubernetes.io/last-applied-configuration":"{}"}},"spec":{"retain":"7d","tags":["c"]}}"#,
            result: #"{"metadata":{"name":"s","annotations":{"kubectl.kubernetes.io/last-applied-configuration":"{}"}},"spec":{"retain":"7d","tags":["c"],"keep":true}}"#),
    ]

    @Test(arguments: cases)
    func applies(_ row: Case) throws {
        let merged = MergePatch.apply(try json(row.patch), to: try json(row.target))
        #expect(merged == (try json(row.result)))
    }

    static let documents = [
        #"{"metadata":{"name":"web","labels":{"app":"web"}},"spec":{"replicas":2,"ports":[{"port":80}],"paused":false}}"#,
        #"{"a":{"b":{"c":[1,2,{"d":"e"}]}},"f":1.5,"g":"h"}"#,
        #"{}"#,
    ]

    @Test("a document merged into itself is unchanged", arguments: documents)
    func selfMergeIsIdentity(_ text: String) throws {
        let document = try json(text)
        #expect(MergePatch.apply(document, to: document) == document)
    }

    @Test("applying the same patch twice changes nothing more", arguments: cases)
    func idempotent(_ row: Case) throws {
        let patch = try json(row.patch)
        let once = MergePatch.apply(patch, to: try json(row.target))
        #expect(MergePatch.apply(patch, to: once) == once)
    }
}
