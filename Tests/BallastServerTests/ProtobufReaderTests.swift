@testable import BallastServer
import Testing

/// The wire-format reader on hand-built bytes: every wire type, and every way input can
/// be cut short or malformed, throws instead of trapping.
@Suite struct ProtobufReaderTests {
    private func fields(_ bytes: [UInt8]) throws -> [ProtobufReader.Field] {
        var reader = ProtobufReader(bytes)
        var out: [ProtobufReader.Field] = []
        while let field = try reader.next() { out.append(field) }
        return out
    }

    @Test func readsEveryWireType() throws {
        // field 1 varint 300; field 2 fixed64 1; field 3 "hi"; field 4 fixed32 0x01020304
        let bytes: [UInt8] = [0x08, 0xAC, 0x02,
                              0x11, 0x01, 0, 0, 0, 0, 0, 0, 0,
                              0x1A, 0x02, 0x68, 0x69,
                              0x25, 0x04, 0x03, 0x02, 0x01]
        #expect(try fields(bytes) == [
            .init(number: 1, value: .varint(300)),
            .init(number: 2, value: .fixed64(1)),
            .init(number: 3, value: .bytes([0x68, 0x69])),
            .init(number: 4, value: .fixed32(0x0102_0304)),
        ])
    }

    @Test func readsLargeFieldNumbersAndTenByteVarints() throws {
        // Field 1000 (tag 8000 = 0xC0 0x3E), value -1 as a 10-byte varint.
        let bytes: [UInt8] = [0xC0, 0x3E, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01]
        #expect(try fields(bytes) == [.init(number: 1000, value: .varint(UInt64.max))])
    }

    @Test(arguments: [
        ([0x08] as [UInt8], "truncated varint value"),
        ([0x08, 0x80], "varint with continuation bit and no next byte"),
        ([0x0A, 0x05, 0x61], "length beyond the end"),
        ([0x0A], "missing length"),
        ([0x11, 0x01, 0x02], "short fixed64"),
        ([0x15, 0x01], "short fixed32"),
        ([0x80], "tag cut short"),
    ])
    func truncatedInputThrows(bytes: [UInt8], why: String) {
        #expect(throws: ProtobufError.self, "\(why)") { try fields(bytes) }
    }

    @Test func malformedInputThrows() {
        #expect(throws: ProtobufError.overlongVarint) { try fields([0x08] + Array(repeating: 0xFF, count: 11)) }
        #expect(throws: ProtobufError.invalidFieldNumber(0)) { try fields([0x00, 0x01]) }
        #expect(throws: ProtobufError.unsupportedWireType(3, field: 1)) { try fields([0x0B]) }
        #expect(throws: ProtobufError.unsupportedWireType(4, field: 1)) { try fields([0x0C]) }
        #expect(throws: ProtobufError.unsupportedWireType(7, field: 1)) { try fields([0x0F]) }
        // A length that does not fit in Int must not overflow the bounds check.
        #expect(throws: ProtobufError.self) { try fields([0x0A, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01]) }
    }

    @Test func readsFromASliceWithANonZeroStart() throws {
        let bytes: [UInt8] = [0xEE, 0xEE, 0x08, 0x05]
        var reader = ProtobufReader(bytes[2...])
        #expect(try reader.next() == .init(number: 1, value: .varint(5)))
        #expect(try reader.next() == nil)
    }
}
