/// IP address and CIDR parsing for the core kinds that carry addresses (Services, Endpoints,
/// Nodes), with apimachinery's rules and messages. IPv4 parts may have leading zeros, as
/// netutils.ParseIPSloppy allows.
enum ServiceIPAddress {
    /// The address as 4 (IPv4) or 16 (IPv6) bytes, or nil when it is not an address.
    /// IPv4-mapped IPv6 addresses come back as their 4 IPv4 bytes, as Go's To4 sees them.
    static func parse(_ text: String) -> [UInt8]? {
        if let v4 = parseIPv4(Substring(text)) { return v4 }
        guard let v6 = parseIPv6(text) else { return nil }
        if v6[0..<10].allSatisfy({ $0 == 0 }), v6[10] == 0xFF, v6[11] == 0xFF { return Array(v6[12..<16]) }
        return v6
    }

    /// Whether the text is an IPv6 address (and not an IPv4-mapped one).
    static func isIPv6(_ text: String) -> Bool { parse(text)?.count == 16 }

    private static func parseIPv4(_ text: Substring) -> [UInt8]? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var bytes: [UInt8] = []
        for part in parts {
            guard !part.isEmpty, part.count <= 3, part.allSatisfy({ $0.isASCII && $0.isNumber }), let value = Int(part), value <= 255
            else { return nil }
            bytes.append(UInt8(value))
        }
        return bytes
    }

    private static func parseIPv6(_ text: String) -> [UInt8]? {
        guard text.contains(":") else { return nil }
        let halves = text.split(separator: "::", omittingEmptySubsequences: false).map(String.init)
        guard halves.count <= 2 else { return nil }
        func groups(_ part: String, allowIPv4Tail: Bool) -> [UInt8]? {
            if part.isEmpty { return [] }
            var bytes: [UInt8] = []
            let pieces = part.split(separator: ":", omittingEmptySubsequences: false)
            for (index, piece) in pieces.enumerated() {
                if index == pieces.count - 1, allowIPv4Tail, piece.contains(".") {
                    guard let v4 = parseIPv4(piece) else { return nil }
                    bytes += v4
                    continue
                }
                guard !piece.isEmpty, piece.count <= 4, let value = UInt16(piece, radix: 16) else { return nil }
                bytes += [UInt8(value >> 8), UInt8(value & 0xFF)]
            }
            return bytes
        }
        if halves.count == 1 {
            guard let bytes = groups(halves[0], allowIPv4Tail: true), bytes.count == 16 else { return nil }
            return bytes
        }
        guard let head = groups(halves[0], allowIPv4Tail: false), let tail = groups(halves[1], allowIPv4Tail: true),
            head.count + tail.count <= 14
        else { return nil }
        return head + [UInt8](repeating: 0, count: 16 - head.count - tail.count) + tail
    }

    /// The address bytes and prefix length of a CIDR ("10.0.0.0/8"), or nil.
    static func parseCIDR(_ text: String) -> (address: [UInt8], prefix: Int)? {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let address = parse(String(parts[0])), let prefix = Int(parts[1]),
            parts[1].allSatisfy({ $0.isASCII && $0.isNumber }), prefix >= 0, prefix <= address.count * 8
        else { return nil }
        return (address, prefix)
    }

    /// validation.IsValidIP.
    static func validateIP(_ text: String, field: FieldPath) -> [FieldError] {
        parse(text) == nil ? [.invalid(field, text, "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)")] : []
    }

    /// validation.IsValidCIDR.
    static func validateCIDR(_ text: String, field: FieldPath) -> [FieldError] {
        parseCIDR(text) == nil ? [.invalid(field, text, "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)")] : []
    }

    /// ValidateNonSpecialIP: no unspecified, loopback or link-local addresses (Endpoints,
    /// external IPs).
    static func validateNonSpecial(_ text: String, field: FieldPath) -> [FieldError] {
        guard let ip = parse(text) else { return [.invalid(field, text, "must be a valid IP address")] }
        var errors: [FieldError] = []
        let v4 = ip.count == 4
        if ip.allSatisfy({ $0 == 0 }) {
            errors.append(.invalid(field, text, "may not be unspecified (\(text))"))
        }
        if v4 ? ip[0] == 127 : (ip[0..<15].allSatisfy { $0 == 0 } && ip[15] == 1) {
            errors.append(.invalid(field, text, "may not be in the loopback range (127.0.0.0/8, ::1/128)"))
        }
        if v4 ? (ip[0] == 169 && ip[1] == 254) : (ip[0] == 0xFE && ip[1] & 0xC0 == 0x80) {
            errors.append(.invalid(field, text, "may not be in the link-local range (169.254.0.0/16, fe80::/10)"))
        }
        if v4 ? (ip[0] == 224 && ip[1] == 0 && ip[2] == 0) : (ip[0] == 0xFF && ip[1] & 0x0F == 0x02) {
            errors.append(.invalid(field, text, "may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)"))
        }
        return errors
    }
}
