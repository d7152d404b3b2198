import BallastAPI

/// A Kubernetes protobuf request body: the magic `k8s\0`, then runtime.Unknown with
/// typeMeta (1: apiVersion 1, kind 2), raw (2: the object's own message),
/// contentEncoding (3) and contentType (4).
enum ProtobufEnvelope {
    static let magic: [UInt8] = [0x6B, 0x38, 0x73, 0x00]

    /// The envelope's parts.
    struct Unknown: Equatable {
        var apiVersion = ""
        var kind = ""
        var raw: ArraySlice<UInt8> = []
        var contentEncoding = ""
        var contentType = ""
    }

    /// Reads the magic and the runtime.Unknown around the object.
    static func unwrap(_ body: [UInt8]) throws(ProtobufError) -> Unknown {
        guard body.count >= magic.count, Array(body.prefix(magic.count)) == magic else { throw ProtobufError.missingMagic }
        var unknown = Unknown()
        let site = ProtobufTranscoder.Site(message: "Unknown", field: 0)
        var reader = ProtobufReader(body[magic.count...])
        while let wire = try reader.next() {
            let field = ProtobufTranscoder.Site(message: "Unknown", field: wire.number)
            switch wire.number {
            case 1:
                var typeMeta = ProtobufReader(try field.payload(wire.value))
                while let part = try typeMeta.next() {
                    let partSite = ProtobufTranscoder.Site(message: "TypeMeta", field: part.number)
                    switch part.number {
                    case 1: unknown.apiVersion = try partSite.text(try partSite.payload(part.value))
                    case 2: unknown.kind = try partSite.text(try partSite.payload(part.value))
                    default: throw ProtobufError.unknownField(message: "TypeMeta", field: part.number)
                    }
                }
            case 2: unknown.raw = try field.payload(wire.value)
            case 3: unknown.contentEncoding = try field.text(try field.payload(wire.value))
            case 4: unknown.contentType = try field.text(try field.payload(wire.value))
            default: throw ProtobufError.unknownField(message: site.message, field: wire.number)
            }
        }
        return unknown
    }

    /// The body as the JSON object the JSON path would have received, apiVersion and kind included.
    static func decode(_ body: [UInt8]) throws(ProtobufError) -> JSONValue {
        let unknown = try unwrap(body)
        guard !unknown.kind.isEmpty else { throw ProtobufError.missingKind }
        guard unknown.contentEncoding.isEmpty else { throw ProtobufError.unsupportedContentEncoding(unknown.contentEncoding) }
        guard let message = ProtobufSchema.message(apiVersion: unknown.apiVersion, kind: unknown.kind) else {
            throw ProtobufError.unknownKind(apiVersion: unknown.apiVersion, kind: unknown.kind)
        }
        var object = try ProtobufTranscoder.object(unknown.raw, as: message)
        if !unknown.apiVersion.isEmpty { object["apiVersion"] = .string(unknown.apiVersion) }
        object["kind"] = .string(unknown.kind)
        return .object(object)
    }
}
