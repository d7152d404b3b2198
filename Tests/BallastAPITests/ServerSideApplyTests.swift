import BallastAPI
import Foundation
import Testing

private func json(_ text: String) throws -> JSONValue { try JSONValue.parse(text) }

private let t0 = Time(Date(timeIntervalSince1970: 1_800_000_000))
private let t1 = Time(Date(timeIntervalSince1970: 1_800_000_060))
private let t2 = Time(Date(timeIntervalSince1970: 1_800_000_120))

/// A Deployment as `kubectl apply --server-side` sends it.
private func config(replicas: Int = 2, image: String = "nginx:1.27", labels: String = #"{"app":"web"}"#, extraContainers: String = "") throws -> JSONValue {
    try json("""
        {"apiVersion":"apps/v1","kind":"Deployment",
         "metadata":{"name":"web","namespace":"default","labels":\(labels)},
         "spec":{"replicas":\(replicas),"selector":{"matchLabels":{"app":"web"}},
           "template":{"metadata":{"labels":{"app":"web"}},
             "spec":{"containers":[{"name":"nginx","image":"\(image)","ports":[{"containerPort":80}]}\(extraContainers)]}}}}
        """)
}

/// What the server adds when it stores an object.
private func stored(_ object: JSONValue) -> JSONValue {
    var object = object
    var metadata = object["metadata"]?.objectValue ?? [:]
    metadata["uid"] = "u-1"
    metadata["resourceVersion"] = "7"
    metadata["creationTimestamp"] = "2026-01-01T00:00:00Z"
    object["metadata"] = .object(metadata)
    object["status"] = .object(["replicas": 2])
    return object
}

@Suite("Server-side apply")
struct ServerSideApplyTests {
    @Test("apply to a missing object creates it, owned by the applier")
    func create() throws {
        let result = try ServerSideApply.apply(
            live: nil, applied: try config(), manager: "kubectl", force: false, managedFields: [], now: t0)
        #expect(ServerSideApply.managedFields(of: result.object) == result.managedFields)
        var object = result.object
        object["metadata"]?["managedFields"] = nil
        #expect(object == (try config()))

        #expect(result.managedFields.count == 1)
        let entry = try #require(result.managedFields.first)
        #expect(entry.manager == "kubectl")
        #expect(entry.operation == "Apply")
        #expect(entry.apiVersion == "apps/v1")
        #expect(entry.time == t0)
        #expect(entry.fieldsType == "FieldsV1")
        #expect(entry.fieldsV1 == (try json("""
            {"f:metadata":{"f:labels":{"f:app":{}}},
             "f:spec":{"f:replicas":{},"f:selector":{},
               "f:template":{"f:metadata":{"f:labels":{"f:app":{}}},
                 "f:spec":{"f:containers":{"k:{\\"name\\":\\"nginx\\"}":{".":{},"f:image":{},"f:name":{},
                   "f:ports":{"k:{\\"containerPort\\":80}":{".":{},"f:containerPort":{}}}}}}}}}
            """)))
    }

    @Test("re-applying a changed field updates it without conflict")
    func reapply() throws {
        let first = try ServerSideApply.apply(live: nil, applied: try config(), manager: "kubectl", force: false, managedFields: [], now: t0)
        let live = stored(first.object)
        let second = try ServerSideApply.apply(
            live: live, applied: try config(replicas: 3), manager: "kubectl", force: false, managedFields: first.managedFields, now: t1)
        #expect(second.object[path: ["spec", "replicas"]] == 3)
        #expect(second.object[path: ["metadata", "uid"]] == "u-1")
        #expect(second.object[path: ["status", "replicas"]] == 2)
        #expect(second.managedFields.map(\.time) == [t1])
        #expect(second.managedFields.first?.fieldsV1 == first.managedFields.first?.fieldsV1)
    }

    @Test("re-applying the same configuration changes nothing, not even the time")
    func noOpApply() throws {
        let first = try ServerSideApply.apply(live: nil, applied: try config(), manager: "kubectl", force: false, managedFields: [], now: t0)
        let live = stored(first.object)
        let again = try ServerSideApply.apply(
            live: live, applied: try config(), manager: "kubectl", force: false, managedFields: first.managedFields, now: t1)
        #expect(again.object == live)
        #expect(again.managedFields == first.managedFields)
    }

    @Test("fields dropped from the configuration disappear from the object")
    func removal() throws {
        let sidecar = #",{"name":"sidecar","image":"busybox"}"#
        let first = try ServerSideApply.apply(
            live: nil, applied: try config(labels: #"{"app":"web","tier":"fe"}"#, extraContainers: sidecar),
            manager: "kubectl", force: false, managedFields: [], now: t0)
        let second = try ServerSideApply.apply(
            live: stored(first.object), applied: try config(), manager: "kubectl", force: false,
            managedFields: first.managedFields, now: t1)
        #expect(second.object[path: ["metadata", "labels"]] == (try json(#"{"app":"web"}"#)))
        let containers = second.object[path: ["spec", "template", "spec", "containers"]]?.arrayValue ?? []
        #expect(containers.map { $0["name"] } == ["nginx"])
    }

    @Test("a dropped field another manager also owns stays")
    func removalKeepsSharedFields() throws {
        let first = try ServerSideApply.apply(
            live: nil, applied: try config(labels: #"{"app":"web","tier":"fe"}"#), manager: "kubectl", force: false, managedFields: [], now: t0)
        // The other applier sets the same value, so no conflict: the label is shared.
        let other = try ServerSideApply.apply(
            live: stored(first.object),
            applied: try json(#"{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","labels":{"tier":"fe"}}}"#),
            manager: "ops", force: false, managedFields: first.managedFields, now: t1)
        let second = try ServerSideApply.apply(
            live: other.object, applied: try config(), manager: "kubectl", force: false, managedFields: other.managedFields, now: t2)
        #expect(second.object[path: ["metadata", "labels"]] == (try json(#"{"app":"web","tier":"fe"}"#)))
        #expect(second.managedFields.map(\.manager) == ["ops", "kubectl"])
    }

    @Test("a field another manager set to a different value conflicts")
    func conflictWithUpdater() throws {
        let created = ServerSideApply.recordUpdate(
            old: nil, new: stored(try config()), manager: "kubectl-client-side-apply", managedFields: [], now: t0)
        let error = #expect(throws: PatchError.self) {
            try ServerSideApply.apply(
                live: created.object, applied: try config(replicas: 3), manager: "kubectl", force: false,
                managedFields: created.managedFields, now: t1)
        }
        #expect(error?.description == #"Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using apps/v1: .spec.replicas"#)
        #expect(error?.code == 409)
        #expect(error?.reason == "Conflict")
        #expect(error?.causes == [
            StatusCause(reason: "FieldManagerConflict", message: #"conflict with "kubectl-client-side-apply" using apps/v1"#, field: ".spec.replicas")
        ])
    }

    @Test("fields another manager set to the same value are shared, not conflicts")
    func sameValueIsShared() throws {
        let created = ServerSideApply.recordUpdate(
            old: nil, new: stored(try config()), manager: "kubectl-create", managedFields: [], now: t0)
        let applied = try ServerSideApply.apply(
            live: created.object, applied: try config(), manager: "kubectl", force: false, managedFields: created.managedFields, now: t1)
        #expect(applied.managedFields.map(\.manager) == ["kubectl", "kubectl-create"])
        #expect(applied.managedFields.map(\.operation) == ["Apply", "Update"])
    }

    @Test("force takes the conflicting fields from their owner")
    func force() throws {
        let created = ServerSideApply.recordUpdate(
            old: nil, new: stored(try config()), manager: "kubectl-client-side-apply", managedFields: [], now: t0)
        let forced = try ServerSideApply.apply(
            live: created.object, applied: try config(replicas: 3), manager: "kubectl", force: true,
            managedFields: created.managedFields, now: t1)
        #expect(forced.object[path: ["spec", "replicas"]] == 3)
        let updater = try #require(forced.managedFields.first { $0.manager == "kubectl-client-side-apply" })
        #expect(updater.fieldsV1?[path: ["f:spec", "f:replicas"]] == nil)
        #expect(updater.fieldsV1?[path: ["f:spec", "f:selector"]] != nil)
        let applier = try #require(forced.managedFields.first { $0.manager == "kubectl" })
        #expect(applier.fieldsV1?[path: ["f:spec", "f:replicas"]] != nil)

        // Now kubectl owns replicas alone, so the old manager's value no longer matters.
        let again = try ServerSideApply.apply(
            live: forced.object, applied: try config(replicas: 4), manager: "kubectl", force: false,
            managedFields: forced.managedFields, now: t2)
        #expect(again.object[path: ["spec", "replicas"]] == 4)
    }

    @Test("kubectl edit then kubectl apply on the same field conflicts")
    func editThenApply() throws {
        let created = try ServerSideApply.apply(live: nil, applied: try config(), manager: "kubectl", force: false, managedFields: [], now: t0)
        let live = stored(created.object)
        var edited = live
        edited["spec"]?["replicas"] = 5
        let afterEdit = ServerSideApply.recordUpdate(
            old: live, new: edited, manager: "kubectl-edit", managedFields: created.managedFields, now: t1)
        let editor = try #require(afterEdit.managedFields.first { $0.manager == "kubectl-edit" })
        #expect(editor.operation == "Update")
        #expect(editor.fieldsV1 == (try json(#"{"f:spec":{"f:replicas":{}}}"#)))
        let applier = try #require(afterEdit.managedFields.first { $0.manager == "kubectl" })
        #expect(applier.fieldsV1?[path: ["f:spec", "f:replicas"]] == nil)

        #expect(throws: PatchError.conflicts([
            ApplyConflict(manager: "kubectl-edit", operation: "Update", apiVersion: "apps/v1", field: ".spec.replicas")
        ])) {
            try ServerSideApply.apply(
                live: afterEdit.object, applied: try config(), manager: "kubectl", force: false,
                managedFields: afterEdit.managedFields, now: t2)
        }
    }

    @Test("several conflicts are listed by manager")
    func manyConflicts() throws {
        let created = ServerSideApply.recordUpdate(
            old: nil, new: stored(try config()), manager: "kubectl-edit", managedFields: [], now: t0)
        let error = #expect(throws: PatchError.self) {
            try ServerSideApply.apply(
                live: created.object, applied: try config(replicas: 3, image: "nginx:1.28"), manager: "kubectl", force: false,
                managedFields: created.managedFields, now: t1)
        }
        #expect(error?.description == """
            Apply failed with 2 conflicts: conflicts with "kubectl-edit" using apps/v1:
            - .spec.replicas
            - .spec.template.spec.containers[name="nginx"].image
            """)
        #expect(error?.causes.map(\.field) == [".spec.replicas", #".spec.template.spec.containers[name="nginx"].image"#])
    }

    @Test("an object with no managed fields is owned by before-first-apply")
    func beforeFirstApply() throws {
        #expect(throws: PatchError.conflicts([
            ApplyConflict(manager: "before-first-apply", operation: "Update", apiVersion: "apps/v1", field: ".spec.replicas")
        ])) {
            try ServerSideApply.apply(
                live: stored(try config()), applied: try config(replicas: 3), manager: "kubectl", force: false, managedFields: [], now: t0)
        }
    }

    @Test("server-set metadata and status are never owned")
    func untrackedFields() throws {
        let created = ServerSideApply.recordUpdate(old: nil, new: stored(try config()), manager: "kubectl-create", managedFields: [], now: t0)
        let fields = try #require(created.managedFields.first?.fieldsV1)
        #expect(fields["f:status"] == nil)
        #expect(fields["f:apiVersion"] == nil)
        #expect(fields["f:kind"] == nil)
        let metadata = try #require(fields["f:metadata"]?.objectValue)
        #expect(Set(metadata.keys) == ["f:labels"])

        let status = ServerSideApply.recordUpdate(
            old: created.object, new: { var o = created.object; o["status"]?["replicas"] = 3; return o }(),
            manager: "deployment-controller", managedFields: created.managedFields, subresource: "status", now: t1)
        let controller = try #require(status.managedFields.first { $0.manager == "deployment-controller" })
        #expect(controller.subresource == "status")
        #expect(controller.fieldsV1 == (try json(#"{"f:status":{"f:replicas":{}}}"#)))
    }

    @Test("an update loses nobody's fields it does not touch, and drops managers left with none")
    func updateBookkeeping() throws {
        let created = ServerSideApply.recordUpdate(
            old: nil, new: stored(try config(labels: #"{"app":"web","tier":"fe"}"#)), manager: "kubectl-create", managedFields: [], now: t0)
        let labelled = ServerSideApply.recordUpdate(
            old: created.object, new: MergePatch.apply(try json(#"{"metadata":{"labels":{"tier":"be"}}}"#), to: created.object),
            manager: "kubectl-label", managedFields: created.managedFields, now: t1)
        #expect(labelled.managedFields.map(\.manager) == ["kubectl-create", "kubectl-label"])
        let label = try #require(labelled.managedFields.last)
        #expect(label.fieldsV1 == (try json(#"{"f:metadata":{"f:labels":{"f:tier":{}}}}"#)))
        #expect(label.time == t1)

        let unlabelled = ServerSideApply.recordUpdate(
            old: labelled.object, new: MergePatch.apply(try json(#"{"metadata":{"labels":{"tier":null}}}"#), to: labelled.object),
            manager: "kubectl-label", managedFields: labelled.managedFields, now: t2)
        #expect(unlabelled.managedFields.map(\.manager) == ["kubectl-create"])

        let untouched = ServerSideApply.recordUpdate(
            old: unlabelled.object, new: unlabelled.object, manager: "kubectl-edit", managedFields: unlabelled.managedFields, now: t2)
        #expect(untouched.managedFields == unlabelled.managedFields)
    }

    @Test("managedFields in the applied configuration are refused")
    func managedFieldsInBody() throws {
        var body = try config()
        body["metadata"]?["managedFields"] = [["manager": "x"]]
        #expect(throws: PatchError.badRequest("metadata.managedFields must be nil")) {
            try ServerSideApply.apply(live: nil, applied: body, manager: "kubectl", force: false, managedFields: [], now: t0)
        }
    }

    @Test("the applied selector replaces the live one whole")
    func atomicSelector() throws {
        let service = try json(#"{"apiVersion":"v1","kind":"Service","metadata":{"name":"s"},"spec":{"selector":{"app":"web","old":"x"},"ports":[{"port":80}]}}"#)
        let created = try ServerSideApply.apply(live: nil, applied: service, manager: "kubectl", force: false, managedFields: [], now: t0)
        let reapplied = try ServerSideApply.apply(
            live: created.object,
            applied: try json(#"{"apiVersion":"v1","kind":"Service","metadata":{"name":"s"},"spec":{"selector":{"app":"web"},"ports":[{"port":80}]}}"#),
            manager: "kubectl", force: false, managedFields: created.managedFields, now: t1)
        #expect(reapplied.object[path: ["spec", "selector"]] == (try json(#"{"app":"web"}"#)))
        #expect(reapplied.managedFields.first?.fieldsV1 == (try json(#"{"f:spec":{"f:selector":{},"f:ports":{"k:{\"port\":80}":{".":{},"f:port":{}}}}}"#)))
    }

    @Test("set-list values are owned one by one, and dropping one removes only it")
    func setListOwnership() throws {
        let first = try json(#"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c","finalizers":["a/b","c/d"]},"data":{"k":"v"}}"#)
        let created = try ServerSideApply.apply(live: nil, applied: first, manager: "kubectl", force: false, managedFields: [], now: t0)
        #expect(created.managedFields.first?.fieldsV1 == (try json(#"{"f:data":{"f:k":{}},"f:metadata":{"f:finalizers":{"v:\"a/b\"":{},"v:\"c/d\"":{}}}}"#)))
        let second = try json(#"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c","finalizers":["a/b"]},"data":{"k":"v"}}"#)
        let reapplied = try ServerSideApply.apply(
            live: created.object, applied: second, manager: "kubectl", force: false, managedFields: created.managedFields, now: t1)
        #expect(reapplied.object[path: ["metadata", "finalizers"]] == ["a/b"])
    }

    @Test("conflicting managers are named as kube-apiserver names them")
    func managerDescriptions() {
        #expect(ApplyConflict(manager: "kubectl", operation: "Apply", field: ".a").managerDescription == #""kubectl""#)
        #expect(ApplyConflict(manager: "kubectl-edit", operation: "Update", apiVersion: "v1", field: ".a").managerDescription
            == #""kubectl-edit" using v1"#)
        #expect(ApplyConflict(manager: "ctl", operation: "Update", apiVersion: "apps/v1", subresource: "status", field: ".a").managerDescription
            == #""ctl" with subresource "status" using apps/v1"#)
    }
}
