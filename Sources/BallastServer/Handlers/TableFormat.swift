import BallastAPI
import BallastStore
import Foundation

/// Server-side printing (meta.k8s.io/v1 Table), which is what `kubectl get` shows.
enum TableFormat {
    /// Whether the client asked for a Table in its Accept header.
    static func wanted(_ request: APIRequest) -> Bool {
        request.accept.contains("as=Table")
    }

    enum Include { case none, metadata, object }

    static func include(_ request: APIRequest) -> Include {
        switch request.query["includeObject"] {
        case "None": return .none
        case "Object": return .object
        default: return .metadata
        }
    }

    static func columnDefinitions(_ columns: [TableColumn]) -> JSONValue {
        .array(columns.map { column in
            [
                "name": .string(column.name), "type": .string(column.type), "format": .string(column.format),
                "description": .string(column.description), "priority": .int(Int64(column.priority)),
            ]
        })
    }

    /// The Table document; rows are pre-encoded JSON.
    static func document(columns: [TableColumn]?, rows: [[UInt8]], resourceVersion: String, continueToken: String? = nil,
                         remaining: Int? = nil) -> [UInt8] {
        var out: [UInt8] = []
        out.append(contentsOf: #"{"kind":"Table","apiVersion":"meta.k8s.io/v1","metadata":{"resourceVersion":"#.utf8)
        JSONValue.writeString(resourceVersion, into: &out)
        if let continueToken {
            out.append(contentsOf: #","continue":"#.utf8)
            JSONValue.writeString(continueToken, into: &out)
        }
        if let remaining, remaining > 0 {
            out.append(contentsOf: #","remainingItemCount":"#.utf8)
            out.append(contentsOf: String(remaining).utf8)
        }
        out.append(contentsOf: "}".utf8)
        if let columns {
            out.append(contentsOf: #","columnDefinitions":"#.utf8)
            columnDefinitions(columns).write(into: &out)
        }
        out.append(contentsOf: #","rows":["#.utf8)
        for (index, row) in rows.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            out.append(contentsOf: row)
        }
        out.append(contentsOf: "]}".utf8)
        return out
    }
}

extension TypedEndpoint {
    /// One Table row for a stored object.
    func tableRow(_ stored: StoredObject, include: TableFormat.Include, now: Date) throws(APIError) -> [UInt8] {
        let object = try decodeStored(stored)
        var out: [UInt8] = []
        out.append(contentsOf: #"{"cells":"#.utf8)
        JSONValue.array(object.tableCells(now: now)).write(into: &out)
        switch include {
        case .none: break
        case .metadata:
            out.append(contentsOf: #","object":{"kind":"PartialObjectMetadata","apiVersion":"meta.k8s.io/v1","metadata":"#.utf8)
            var metadata = object.metadata
            metadata.managedFields = nil
            out.append(contentsOf: APICodec.encode(metadata))
            out.append(UInt8(ascii: "}"))
        case .object:
            out.append(contentsOf: #","object":"#.utf8)
            out.append(contentsOf: stored.data)
        }
        out.append(UInt8(ascii: "}"))
        return out
    }
}
