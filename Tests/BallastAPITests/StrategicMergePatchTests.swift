import BallastAPI
import Testing

private func json(_ text: String) throws -> JSONValue { try JSONValue.parse(text) }

/// Every `$` key left anywhere in a value.
private func directives(in value: JSONValue) -> [String] {
    switch value {
    case .object(let members):
        return members.keys.filter { $0.hasPrefix("$") } + members.values.flatMap(directives)
    case .array(let items):
        return items.flatMap(directives)
    default:
        return []
    }
}

@Suite("Strategic merge patch")
struct StrategicMergePatchTests {
    static let deployment = """
        {"apiVersion":"apps/v1","kind":"Deployment",
         "metadata":{"name":"web","labels":{"app":"web"},"finalizers":["a/b","c/d"],
                     "annotations":{"kubectl.kubernetes.io/last-applied-configuration":"{}"}},
         "spec":{"replicas":2,
                 "selector":{"matchLabels":{"app":"web"}},
                 "strategy":{"type":"RollingUpdate","rollingUpdate":{"maxSurge":"25%","maxUnavailable":"25%"}},
                 "template":{"metadata":{"labels":{"app":"web"}},
                   "spec":{"containers":[
                       {"name":"nginx","image":"nginx:1.25","env":[{"name":"MODE","value":"prod"}],
                        "ports":[{"containerPort":80,"protocol":"TCP"}],"args":["-g","daemon off;"]},
                       {"name":"sidecar","image":"busybox","command":["sleep","inf"]}],
                     "tolerations":[{"key":"a","operator":"Exists"}],
                     "volumes":[{"name":"data","persistentVolumeClaim":{"claimName":"data"}}]}}}}
        """

    struct Case: Sendable, CustomStringConvertible {
        var name: String
        var patch: String
        /// Paths in the result and the value each must have (nil: absent).
        var expect: [([String], String?)]
        var description: String { name }
    }

    /// The bodies kubectl 1.32 sends (kubectl-compat.md §2.9, §3.9, §3.12), and the rules
    /// behind them.
    static let cases: [Case] = [
        Case(
            name: "set image keeps the other container and the order",
            patch: """
                {"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"nginx"},{"name":"sidecar"}],
                  "containers":[{"image":"nginx:1.27","name":"nginx"}]}}}}
                """,
            expect: [
                (["spec", "template", "spec", "containers"], """
                    [{"name":"nginx","image":"nginx:1.27","env":[{"name":"MODE","value":"prod"}],
                      "ports":[{"containerPort":80,"protocol":"TCP"}],"args":["-g","daemon off;"]},
                     {"name":"sidecar","image":"busybox","command":["sleep","inf"]}]
                    """)
            ]),
        Case(
            name: "apply that drops a container and an env var and adds a port",
            patch: """
                {"metadata":{"annotations":{"kubectl.kubernetes.io/last-applied-configuration":"{\\"v\\":2}"},"labels":{"app":"web2"}},
                 "spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"nginx"}],
                   "containers":[{"$setElementOrder/ports":[{"containerPort":80},{"containerPort":443}],"env":null,"name":"nginx",
                                  "ports":[{"containerPort":443,"name":"https"}]},
                                 {"$patch":"delete","name":"sidecar"}]}}}}
                """,
            expect: [
                (["metadata", "labels"], #"{"app":"web2"}"#),
                (["metadata", "annotations", "kubectl.kubernetes.io/last-applied-configuration"], #""{\"v\":2}""#),
                (["spec", "template", "spec", "containers"], """
                    [{"name":"nginx","image":"nginx:1.25",
                      "ports":[{"containerPort":80,"protocol":"TCP"},{"containerPort":443,"name":"https"}],"args":["-g","daemon off;"]}]
                    """),
            ]),
        Case(
            name: "strategy change, volume source change and finalizer removal",
            patch: """
                {"metadata":{"$deleteFromPrimitiveList/finalizers":["c/d"],"$setElementOrder/finalizers":["a/b"]},
                 "spec":{"strategy":{"$retainKeys":["type"],"rollingUpdate":null,"type":"Recreate"},
                   "template":{"spec":{"$setElementOrder/volumes":[{"name":"data"}],
                     "volumes":[{"$retainKeys":["emptyDir","name"],"emptyDir":{},"name":"data","persistentVolumeClaim":null}]}}}}
                """,
            expect: [
                (["metadata", "finalizers"], #"["a/b"]"#),
                (["spec", "strategy"], #"{"type":"Recreate"}"#),
                (["spec", "template", "spec", "volumes"], #"[{"name":"data","emptyDir":{}}]"#),
            ]),
        Case(
            name: "rollout restart annotates the template",
            patch: #"{"spec":{"template":{"metadata":{"annotations":{"kubectl.kubernetes.io/restartedAt":"2026-01-01T00:00:00Z"}}}}}"#,
            expect: [
                (["spec", "template", "metadata"], #"{"labels":{"app":"web"},"annotations":{"kubectl.kubernetes.io/restartedAt":"2026-01-01T00:00:00Z"}}"#)
            ]),
        Case(name: "rollout pause", patch: #"{"spec":{"paused":true}}"#, expect: [(["spec", "paused"], "true")]),
        Case(name: "rollout resume", patch: #"{"spec":{"paused":null}}"#, expect: [(["spec", "paused"], nil)]),
        Case(
            name: "atomic lists are replaced",
            patch: #"{"spec":{"template":{"spec":{"tolerations":[{"key":"b","operator":"Exists"}]}}}}"#,
            expect: [(["spec", "template", "spec", "tolerations"], #"[{"key":"b","operator":"Exists"}]"#)]),
        Case(
            name: "a set list is a union",
            patch: #"{"metadata":{"finalizers":["e/f","a/b"]}}"#,
            expect: [(["metadata", "finalizers"], #"["e/f","a/b","c/d"]"#)]),
        Case(
            name: "a new merge-list element without an order goes first, as upstream",
            patch: #"{"spec":{"template":{"spec":{"containers":[{"name":"log","image":"fluentd"}]}}}}"#,
            expect: [(["spec", "template", "spec", "containers", "0", "name"], #""log""#)]),
        Case(
            name: "elements merge by key and keep what the patch leaves out",
            patch: #"{"spec":{"template":{"spec":{"containers":[{"name":"sidecar","env":[{"name":"X","value":"1"}]}]}}}}"#,
            expect: [
                (["spec", "template", "spec", "containers", "1"],
                 #"{"name":"sidecar","image":"busybox","command":["sleep","inf"],"env":[{"name":"X","value":"1"}]}"#)
            ]),
        Case(
            name: "$patch: replace on a map",
            patch: #"{"spec":{"strategy":{"$patch":"replace","type":"Recreate"}}}"#,
            expect: [(["spec", "strategy"], #"{"type":"Recreate"}"#)]),
        Case(
            name: "$patch: replace inside a list replaces the list",
            patch: #"{"spec":{"template":{"spec":{"containers":[{"$patch":"replace"},{"name":"only","image":"x"}]}}}}"#,
            expect: [(["spec", "template", "spec", "containers"], #"[{"name":"only","image":"x"}]"#)]),
        Case(
            name: "$patch: delete on a map empties it",
            patch: #"{"spec":{"strategy":{"$patch":"delete"}}}"#,
            expect: [(["spec", "strategy"], "{}")]),
        Case(
            name: "$patch: merge is the default",
            patch: #"{"spec":{"strategy":{"$patch":"merge","type":"Recreate"}}}"#,
            expect: [(["spec", "strategy"], #"{"type":"Recreate","rollingUpdate":{"maxSurge":"25%","maxUnavailable":"25%"}}"#)]),
        Case(
            name: "directives inside a brand-new value are resolved too",
            patch: #"{"spec":{"template":{"spec":{"initContainers":[{"name":"init","image":"x","env":[{"$patch":"delete","name":"GONE"}]}]}}}}"#,
            expect: [(["spec", "template", "spec", "initContainers"], #"[{"name":"init","image":"x","env":[]}]"#)]),
        Case(
            name: "PVC second apply",
            patch: #"{"metadata":{"annotations":{"note":"second apply"},"labels":{"tier":"storage"}},"spec":{"resources":{"requests":{"storage":"2Gi"}}}}"#,
            expect: [
                (["metadata", "labels"], #"{"app":"web","tier":"storage"}"#),
                (["metadata", "annotations", "note"], #""second apply""#),
                (["spec", "resources", "requests", "storage"], #""2Gi""#),
            ]),
    ]

    @Test(arguments: cases)
    func applies(_ row: Case) throws {
        let result = try StrategicMergePatch.apply(try json(row.patch), to: try json(Self.deployment))
        for (path, expected) in row.expect {
            let actual = value(at: path, in: result)
            #expect(actual == (try expected.map(json)), "\(path.joined(separator: "."))")
        }
        #expect(directives(in: result).isEmpty)
    }

    /// A path of object keys and array positions.
    private func value(at path: [String], in root: JSONValue) -> JSONValue? {
        var current: JSONValue? = root
        for step in path {
            if let index = Int(step), case .array(let items)? = current {
                current = items.indices.contains(index) ? items[index] : nil
            } else {
                current = current?[step]
            }
        }
        return current
    }

    @Test("ports merge by containerPort in a container and by port in a Service")
    func portsByContext() throws {
        let service = try json(#"{"spec":{"ports":[{"port":80,"targetPort":8080,"name":"http"}]}}"#)
        let patched = try StrategicMergePatch.apply(try json(#"{"spec":{"ports":[{"port":80,"targetPort":9090}]}}"#), to: service)
        #expect(patched[path: ["spec", "ports"]] == (try json(#"[{"port":80,"targetPort":9090,"name":"http"}]"#)))

        let schema = PatchSchema.kubernetes
        #expect(schema.strategy(of: "ports", in: "containers") == .merge(key: "containerPort"))
        #expect(schema.strategy(of: "ports", in: "initContainers") == .merge(key: "containerPort"))
        #expect(schema.strategy(of: "ports", in: "spec") == .merge(key: "port"))
        #expect(schema.strategy(of: "ports", in: "ingress") == .atomic)
        #expect(schema.strategy(of: "env", in: "containers") == .merge(key: "name"))
        #expect(schema.strategy(of: "finalizers", in: "metadata") == .set)
        #expect(schema.strategy(of: "args", in: "containers") == .atomic)
    }

    @Test("with no schema every list is replaced")
    func noSchema() throws {
        let target = try json(#"{"containers":[{"name":"a"},{"name":"b"}]}"#)
        let patched = try StrategicMergePatch.apply(try json(#"{"containers":[{"name":"c"}]}"#), to: target, schema: .none)
        #expect(patched == (try json(#"{"containers":[{"name":"c"}]}"#)))
    }

    struct Failure: Sendable, CustomStringConvertible {
        var patch: String
        var error: PatchError
        var description: String { patch }
    }

    static let failures: [Failure] = [
        Failure(patch: #"{"spec":{"template":{"spec":{"containers":[{"image":"x"}]}}}}"#,
                error: .invalid(#"map: {"image":"x"} does not contain declared merge key: name"#)),
        Failure(patch: #"{"spec":{"strategy":{"$retainKeys":["type"],"rollingUpdate":{"maxSurge":1}}}}"#,
                error: .badRequest("invalid patch format of retainKeys")),
        Failure(patch: #"{"metadata":{"$deleteFromPrimitiveList/finalizers":"a/b"}}"#,
                error: .badRequest("invalid patch format of primitive list")),
        Failure(patch: #"{"spec":{"$setElementOrder/containers":{"name":"nginx"}}}"#,
                error: .badRequest("invalid patch format of setElementOrder list")),
        Failure(patch: #"{"spec":{"strategy":{"$patch":"shuffle"}}}"#,
                error: .invalid(#"unknown patch type: shuffle in map: {"$patch":"shuffle"}"#)),
        Failure(patch: #"[{"op":"add"}]"#,
                error: .badRequest("json: cannot unmarshal array into Go value of type map[string]interface {}")),
    ]

    @Test(arguments: failures)
    func rejects(_ row: Failure) throws {
        #expect(throws: row.error) { try StrategicMergePatch.apply(try json(row.patch), to: try json(Self.deployment)) }
    }

    @Test("a patch with no directives and no lists acts as a merge patch")
    func agreesWithMergePatch() throws {
        let patch = try json(#"{"metadata":{"labels":{"app":null,"x":"y"}},"spec":{"replicas":5,"strategy":{"type":"Recreate"}}}"#)
        let target = try json(Self.deployment)
        #expect(try StrategicMergePatch.apply(patch, to: target) == MergePatch.apply(patch, to: target))
    }

    @Test("the object merged into itself is unchanged")
    func selfMergeIsIdentity() throws {
        let target = try json(Self.deployment)
        #expect(try StrategicMergePatch.apply(target, to: target) == target)
    }
}
