import BallastAPI
import Yams

/// Reads request bodies: JSON, YAML, the patch media types, and Kubernetes protobuf for
/// the kinds typed clients write (see `Protobuf/`), into JSON values.
enum BodyReader {
    /// The media type without parameters, lower-cased ("application/json").
    static func mediaType(_ contentType: String) -> String {
        String(contentType.split(separator: ";").first ?? "").trimmingCharacters(in: " ").lowercased()
    }

    /// The body as a JSON value; 400 for malformed JSON, YAML or protobuf, 415 for other
    /// media types and for protobuf kinds or fields the server has no table for.
    static func value(of request: APIRequest) throws(APIError) -> JSONValue {
        let type = mediaType(request.contentType)
        switch type {
        case "application/json", "application/merge-patch+json", "application/json-patch+json",
            "application/strategic-merge-patch+json", "", "*/*":
            return try parseJSON(request.body)
        case "application/yaml", "application/apply-patch+yaml", "application/x-yaml", "text/yaml":
            return try parseYAMLOrJSON(request.body)
        case "application/vnd.kubernetes.protobuf":
            return try parseProtobuf(request.body)
        default:
            throw APIError.unsupportedMediaType(type)
        }
    }

    static func parseJSON(_ bytes: [UInt8]) throws(APIError) -> JSONValue {
        if bytes.isEmpty { throw APIError.badRequest("the request body is empty") }
        do {
            return try JSONValue.parse(bytes)
        } catch {
            throw APIError.badRequest("the body of the request could not be decoded as JSON: \(error.description)")
        }
    }

    static func parseProtobuf(_ bytes: [UInt8]) throws(APIError) -> JSONValue {
        if bytes.isEmpty { throw APIError.badRequest("the request body is empty") }
        do {
            return try ProtobufEnvelope.decode(bytes)
        } catch {
            throw error.apiError
        }
    }

    /// YAML is a superset of JSON, but JSON goes through the faster parser first.
    static func parseYAMLOrJSON(_ bytes: [UInt8]) throws(APIError) -> JSONValue {
        if let first = bytes.first(where: { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 }), first == UInt8(ascii: "{") {
            return try parseJSON(bytes)
        }
        let text = String(decoding: bytes, as: UTF8.self)
        let node: Yams.Node?
        do {
            node = try Yams.compose(yaml: text)
        } catch {
            throw APIError.badRequest("the body of the request could not be decoded as YAML: \(error)")
        }
        guard let node else { throw APIError.badRequest("the request body is empty") }
        return try convert(node, depth: 0)
    }

    private static func convert(_ node: Yams.Node, depth: Int) throws(APIError) -> JSONValue {
        if depth > 256 { throw APIError.badRequest("the YAML body nests too deeply") }
        switch node {
        case .scalar(let scalar):
            if scalar.style != .plain { return .string(scalar.string) }
            if let _ = Bool.construct(from: scalar), ["true", "false", "True", "False", "TRUE", "FALSE"].contains(scalar.string) {
                return .bool(scalar.string.lowercased() == "true")
            }
            if ["null", "Null", "NULL", "~", ""].contains(scalar.string) { return .null }
            if let integer = Int64(scalar.string) { return .int(integer) }
            if let number = Double(scalar.string), scalar.string.contains(where: { $0 == "." || $0 == "e" || $0 == "E" }),
                scalar.string.first.map({ $0.isNumber || $0 == "-" || $0 == "+" || $0 == "." }) ?? false
            {
                return .double(number)
            }
            return .string(scalar.string)
        case .mapping(let mapping):
            var members: [String: JSONValue] = [:]
            for (key, value) in mapping {
                guard let name = key.string else { throw APIError.badRequest("YAML mapping keys must be strings") }
                members[name] = try convert(value, depth: depth + 1)
            }
            return .object(members)
        case .sequence(let sequence):
            var items: [JSONValue] = []
            for item in sequence { items.append(try convert(item, depth: depth + 1)) }
            return .array(items)
        case .alias:
            throw APIError.badRequest("YAML aliases are not supported in request bodies")
        }
    }
}

extension String {
    func trimmingCharacters(in set: String) -> String {
        var slice = Substring(self)
        while let first = slice.first, set.contains(first) { slice.removeFirst() }
        while let last = slice.last, set.contains(last) { slice.removeLast() }
        return String(slice)
    }
}
