import BallastAPI
import BallastStore
import Foundation

extension TypedEndpoint {
    func get(_ request: APIRequest, key: ObjectKey, server: ServerContext) throws(APIError) -> APIResponse {
        guard let stored = server.store.get(key) else { throw APIError.notFound(T.resource, name: key.name) }
        if TableFormat.wanted(request) {
            let row = try tableRow(stored, include: TableFormat.include(request), now: server.now())
            return .json(200, TableFormat.document(columns: T.allTableColumns, rows: [row], resourceVersion: String(stored.revision)))
        }
        return .json(200, stored.data)
    }

    /// The label and field selectors of a list or watch; 400 when malformed or unsupported.
    func selectors(_ request: APIRequest) throws(APIError) -> (LabelQuery, FieldQuery) {
        let labels: LabelQuery
        let fields: FieldQuery
        do {
            labels = try LabelQuery(parsing: request.query["labelSelector"] ?? "")
        } catch {
            throw APIError.badRequest("unable to parse requirement: \(error.description)")
        }
        do {
            fields = try FieldQuery(parsing: request.query["fieldSelector"] ?? "")
        } catch {
            throw APIError.badRequest(error.description)
        }
        if let unsupported = fields.unsupported(among: selectableFieldNames) {
            throw APIError.badRequest("field label not supported: \(unsupported)")
        }
        return (labels, fields)
    }

    func list(_ request: APIRequest, namespace: String?, server: ServerContext) throws(APIError) -> APIResponse {
        let (labels, fields) = try selectors(request)
        var items: ArraySlice<StoredObject>
        var revision: Int64
        if let token = request.query["continue"], !token.isEmpty {
            guard let saved = server.pager.take(token) else {
                throw APIError.expired("The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.")
            }
            (items, revision) = saved
        } else {
            let result: ListResult
            if let name = fields.exactValue(for: "metadata.name"), T.resource.namespaced == false || namespace != nil {
                // A name selector (kubectl's wait and rollout loops) needs no scan.
                let key = ObjectKey(resource: T.resource.qualifiedName, namespace: namespace ?? "", name: name)
                result = ListResult(items: server.store.get(key).map { [$0] } ?? [], revision: server.store.currentRevision)
            } else {
                result = server.store.list(resource: T.resource.qualifiedName, namespace: namespace)
            }
            revision = result.revision
            items = result.items.filter { labels.matches($0.labels) && fields.matches($0.fields) }[...]
        }
        var continueToken: String?
        var remaining: Int?
        if let limit = request.query["limit"].flatMap(Int.init), limit > 0, items.count > limit {
            let rest = items.dropFirst(limit)
            items = items.prefix(limit)
            continueToken = server.pager.save(rest, revision: revision)
            remaining = rest.count
        }
        if TableFormat.wanted(request) {
            let include = TableFormat.include(request)
            let now = server.now()
            var rows: [[UInt8]] = []
            rows.reserveCapacity(items.count)
            for item in items { rows.append(try tableRow(item, include: include, now: now)) }
            return .json(200, TableFormat.document(columns: T.allTableColumns, rows: rows, resourceVersion: String(revision),
                                                    continueToken: continueToken, remaining: remaining))
        }
        return .json(200, Self.listDocument(items, revision: revision, continueToken: continueToken, remaining: remaining))
    }

    /// A `<Kind>List` built from the stored bytes, without re-encoding any item.
    static func listDocument(_ items: ArraySlice<StoredObject>, revision: Int64, continueToken: String?, remaining: Int?) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(items.reduce(128) { $0 + $1.data.count + 1 })
        out.append(contentsOf: #"{"kind":"#.utf8)
        JSONValue.writeString(T.resource.listKind, into: &out)
        out.append(contentsOf: #","apiVersion":"#.utf8)
        JSONValue.writeString(T.gvk.apiVersion, into: &out)
        out.append(contentsOf: #","metadata":{"resourceVersion":"#.utf8)
        JSONValue.writeString(String(revision), into: &out)
        if let continueToken {
            out.append(contentsOf: #","continue":"#.utf8)
            JSONValue.writeString(continueToken, into: &out)
        }
        if let remaining, remaining > 0 {
            out.append(contentsOf: #","remainingItemCount":"#.utf8)
            out.append(contentsOf: String(remaining).utf8)
        }
        out.append(contentsOf: #"},"items":["#.utf8)
        var first = true
        for item in items {
            if !first { out.append(UInt8(ascii: ",")) }
            first = false
            out.append(contentsOf: item.data)
        }
        out.append(contentsOf: "]}".utf8)
        return out
    }
}
