/// Why a protobuf request body could not be read. Malformed input is the client's fault
/// (400); well-formed input that names a kind or field this server has no table for is
/// a format the server does not support (415), and the message says to send JSON instead.
enum ProtobufError: Error, Equatable, CustomStringConvertible {
    /// The body does not start with the 4-byte magic `k8s\0`.
    case missingMagic
    /// The input ended inside a field (`context` says which part was being read).
    case truncated(String)
    /// A varint ran past 10 bytes.
    case overlongVarint
    /// A tag with field number 0 or above 2^29 - 1.
    case invalidFieldNumber(UInt64)
    /// Wire types 3 and 4 (groups) and 6 and 7 do not occur in Kubernetes messages.
    case unsupportedWireType(Int, field: Int)
    /// A field arrived with a wire type its declaration does not allow.
    case wrongWireType(message: String, field: Int, wireType: Int)
    /// Messages nest deeper than any Kubernetes object does.
    case tooDeep
    /// A string field that is not UTF-8.
    case invalidUTF8(message: String, field: Int)
    /// A value out of the range of its type (a time beyond year 9999, an int32 overflow).
    case outOfRange(message: String, field: Int)
    /// Embedded JSON (FieldsV1) that does not parse.
    case invalidEmbeddedJSON(message: String, field: Int)
    /// The envelope names no kind.
    case missingKind
    /// The envelope's raw object carries a content encoding (compression) this server does not read.
    case unsupportedContentEncoding(String)
    /// A kind this server has no protobuf table for.
    case unknownKind(apiVersion: String, kind: String)
    /// A field number the message's table does not list.
    case unknownField(message: String, field: Int)

    var description: String {
        switch self {
        case .missingMagic:
            return "the body does not start with the protobuf magic \"k8s\\x00\""
        case .truncated(let context):
            return "the body ends in the middle of \(context)"
        case .overlongVarint:
            return "a varint is longer than 10 bytes"
        case .invalidFieldNumber(let number):
            return "field number \(number) is not valid"
        case .unsupportedWireType(let wireType, let field):
            return "field \(field) uses wire type \(wireType), which Kubernetes messages never use"
        case .wrongWireType(let message, let field, let wireType):
            return "field \(field) of \(message) arrived with wire type \(wireType), which does not match its declaration"
        case .tooDeep:
            return "messages nest more than \(ProtobufTranscoder.maxDepth) deep"
        case .invalidUTF8(let message, let field):
            return "field \(field) of \(message) is not valid UTF-8"
        case .outOfRange(let message, let field):
            return "field \(field) of \(message) is out of range"
        case .invalidEmbeddedJSON(let message, let field):
            return "field \(field) of \(message) does not hold valid JSON"
        case .missingKind:
            return "the protobuf envelope names no kind"
        case .unsupportedContentEncoding(let encoding):
            return "the protobuf envelope's content encoding \"\(encoding)\" is not supported"
        case .unknownKind(let apiVersion, let kind):
            return "this server cannot read \(kind) (\(apiVersion.isEmpty ? "no apiVersion" : apiVersion)) as protobuf"
        case .unknownField(let message, let field):
            return "this server cannot read field \(field) of \(message) in protobuf"
        }
    }

    /// The Status the client receives.
    var apiError: APIError {
        switch self {
        case .unknownKind, .unknownField, .unsupportedContentEncoding:
            return APIError(code: 415, reason: "UnsupportedMediaType",
                            message: "\(description); send the object as JSON instead (for example with kubectl apply -f)")
        default:
            return APIError.badRequest("the protobuf body of the request could not be decoded: \(description)")
        }
    }
}
