public import Foundation

/// Encodes and decodes API objects as JSON, turning decoding failures into messages that
/// name the field, as kube-apiserver's do.
public enum APICodec {
    /// Why a body could not become an object of the expected kind.
    public struct DecodeError: Error, Sendable, Equatable, CustomStringConvertible {
        /// The path of the offending field ("spec.replicas"), empty for the whole document.
        public var field: String
        public var reason: String
        public var description: String { field.isEmpty ? reason : "\(reason) (field \(field))" }
    }

    public static func decode<T: Decodable>(_ type: T.Type, from bytes: some DataProtocol) throws(DecodeError) -> T {
        do {
            return try JSONDecoder().decode(type, from: Data(bytes))
        } catch let error as DecodingError {
            throw describe(error)
        } catch {
            throw DecodeError(field: "", reason: "\(error)")
        }
    }

    public static func decode<T: Decodable>(_ type: T.Type, from value: JSONValue) throws(DecodeError) -> T {
        try decode(type, from: value.serialized())
    }

    public static func encode<T: Encodable>(_ value: T) -> [UInt8] {
        do {
            return Array(try encoder.encode(value))
        } catch {
            // Encoding our own Codable types cannot fail: they hold no non-finite floats.
            preconditionFailure("encoding \(T.self) failed: \(error)")
        }
    }

    public static func encodeValue<T: Encodable>(_ value: T) -> JSONValue {
        // The bytes just produced are valid JSON, so parsing them back cannot fail.
        (try? JSONValue.parse(encode(value))) ?? .null
    }

    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        // Sorted keys: equal objects always give equal bytes (maps would otherwise follow hash order).
        encoder.outputFormatting = [.withoutEscapingSlashes, .sortedKeys]
        return encoder
    }()

    static func describe(_ error: DecodingError) -> DecodeError {
        func path(_ context: DecodingError.Context) -> String {
            var out = ""
            for key in context.codingPath {
                if let index = key.intValue {
                    out += "[\(index)]"
                } else {
                    out += out.isEmpty ? key.stringValue : ".\(key.stringValue)"
                }
            }
            return out
        }
        switch error {
        case .typeMismatch(let type, let context):
            return DecodeError(field: path(context), reason: "json: cannot unmarshal \(context.debugDescription.lowercased().contains("null") ? "null" : "value") into Go struct field \(path(context)) of type \(goTypeName(type))")
        case .valueNotFound(let type, let context):
            return DecodeError(field: path(context), reason: "json: missing or null value for field \(path(context)) of type \(goTypeName(type))")
        case .keyNotFound(let key, let context):
            let parent = path(context)
            let field = parent.isEmpty ? key.stringValue : "\(parent).\(key.stringValue)"
            return DecodeError(field: field, reason: "json: required field \"\(field)\" is missing")
        case .dataCorrupted(let context):
            return DecodeError(field: path(context), reason: path(context).isEmpty ? context.debugDescription : "\(path(context)): \(context.debugDescription)")
        @unknown default:
            return DecodeError(field: "", reason: "\(error)")
        }
    }

    private static func goTypeName(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: return "string"
        case is Int.Type, is Int64.Type: return "int64"
        case is Int32.Type: return "int32"
        case is Bool.Type: return "bool"
        case is Double.Type: return "float64"
        default:
            let name = String(describing: type)
            if name.hasPrefix("Array") || name.hasPrefix("[") { return "array" }
            if name.hasPrefix("Dictionary") { return "object" }
            return name
        }
    }
}
