/// Reads the protobuf wire format (varints, fixed 32/64-bit, length-delimited) from a byte
/// buffer, one field at a time. Every read is bounds-checked: malformed or truncated input
/// throws, it never traps. Kubernetes messages never use groups or zigzag encoding.
struct ProtobufReader {
    /// A field's payload as the wire carries it.
    enum Value: Equatable {
        case varint(UInt64)
        case fixed64(UInt64)
        case bytes(ArraySlice<UInt8>)
        case fixed32(UInt32)

        /// The wire type number (0, 1, 2 or 5), for error messages.
        var wireType: Int {
            switch self {
            case .varint: return 0
            case .fixed64: return 1
            case .bytes: return 2
            case .fixed32: return 5
            }
        }
    }

    /// One field: its number and payload.
    struct Field: Equatable {
        var number: Int
        var value: Value
    }

    /// The largest field number protobuf allows (2^29 - 1).
    static let maxFieldNumber: UInt64 = (1 << 29) - 1

    private let bytes: ArraySlice<UInt8>
    private var position: Int

    init(_ bytes: ArraySlice<UInt8>) {
        self.bytes = bytes
        position = bytes.startIndex
    }

    init(_ bytes: [UInt8]) {
        self.init(bytes[...])
    }

    var isAtEnd: Bool { position >= bytes.endIndex }

    /// The next field, or nil at the end of the buffer.
    mutating func next() throws(ProtobufError) -> Field? {
        if isAtEnd { return nil }
        let tag = try readVarint(context: "a field tag")
        let number = tag >> 3
        guard number > 0, number <= Self.maxFieldNumber else { throw ProtobufError.invalidFieldNumber(number) }
        let field = Int(number)
        switch tag & 7 {
        case 0:
            return Field(number: field, value: .varint(try readVarint(context: "varint field \(field)")))
        case 1:
            return Field(number: field, value: .fixed64(try readFixed64(field: field)))
        case 2:
            let length = try readVarint(context: "the length of field \(field)")
            let available = UInt64(bytes.endIndex - position)
            guard length <= available else { throw ProtobufError.truncated("field \(field) (\(length) bytes declared, \(available) left)") }
            let end = position + Int(length)
            let payload = bytes[position..<end]
            position = end
            return Field(number: field, value: .bytes(payload))
        case 5:
            return Field(number: field, value: .fixed32(try readFixed32(field: field)))
        default:
            throw ProtobufError.unsupportedWireType(Int(tag & 7), field: field)
        }
    }

    /// A base-128 varint of at most 10 bytes; bits beyond 64 are dropped, as protobuf does.
    mutating func readVarint(context: String) throws(ProtobufError) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        for _ in 0..<10 {
            guard position < bytes.endIndex else { throw ProtobufError.truncated(context) }
            let byte = bytes[position]
            position += 1
            result |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return result }
            shift += 7
        }
        throw ProtobufError.overlongVarint
    }

    private mutating func readFixed64(field: Int) throws(ProtobufError) -> UInt64 {
        guard bytes.endIndex - position >= 8 else { throw ProtobufError.truncated("fixed64 field \(field)") }
        var result: UInt64 = 0
        for offset in 0..<8 { result |= UInt64(bytes[position + offset]) << (8 * UInt64(offset)) }
        position += 8
        return result
    }

    private mutating func readFixed32(field: Int) throws(ProtobufError) -> UInt32 {
        guard bytes.endIndex - position >= 4 else { throw ProtobufError.truncated("fixed32 field \(field)") }
        var result: UInt32 = 0
        for offset in 0..<4 { result |= UInt32(bytes[position + offset]) << (8 * UInt32(offset)) }
        position += 4
        return result
    }
}
