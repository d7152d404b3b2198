import Crypto
import Foundation
import SwiftASN1
import X509

/// The cluster CA and the API server's serving certificate, made at first start in the data
/// directory (as k3s does) and reused afterwards.
public struct ClusterCertificates: Sendable {
    public var caCertificatePEM: String
    public var serverCertificatePEM: String
    public var serverKeyPEM: String

    /// Files under the data directory.
    public struct Paths: Sendable {
        public var caCertificate: String
        public var caKey: String
        public var serverCertificate: String
        public var serverKey: String

        public init(dataDir: String) {
            let tls = dataDir + "/tls"
            caCertificate = tls + "/ca.crt"
            caKey = tls + "/ca.key"
            serverCertificate = tls + "/server.crt"
            serverKey = tls + "/server.key"
        }
    }

    /// Loads the certificates, creating the CA and the serving certificate when missing.
    /// A serving certificate that lacks one of `hosts` is re-issued from the same CA.
    public static func loadOrCreate(dataDir: String, hosts: [String]) throws -> ClusterCertificates {
        let paths = Paths(dataDir: dataDir)
        let files = FileManager.default
        try files.createDirectory(atPath: dataDir + "/tls", withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])

        let caKey: P256.Signing.PrivateKey
        let caCertificate: Certificate
        if files.fileExists(atPath: paths.caCertificate), files.fileExists(atPath: paths.caKey) {
            caKey = try P256.Signing.PrivateKey(pemRepresentation: try String(contentsOfFile: paths.caKey, encoding: .utf8))
            caCertificate = try Certificate(pemEncoded: try String(contentsOfFile: paths.caCertificate, encoding: .utf8))
        } else {
            caKey = P256.Signing.PrivateKey()
            let name = try DistinguishedName { CommonName("ballast-ca") }
            let now = Date()
            caCertificate = try Certificate(
                version: .v3, serialNumber: .init(), publicKey: .init(caKey.publicKey),
                notValidBefore: now.addingTimeInterval(-3600), notValidAfter: now.addingTimeInterval(10 * 365 * 86400),
                issuer: name, subject: name, signatureAlgorithm: .ecdsaWithSHA256,
                extensions: try Certificate.Extensions {
                    Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
                    Critical(KeyUsage(digitalSignature: true, keyCertSign: true))
                },
                issuerPrivateKey: .init(caKey))
            try write(caKey.pemRepresentation, to: paths.caKey, mode: 0o600)
            try write(try caCertificate.serializeAsPEM().pemString, to: paths.caCertificate, mode: 0o644)
        }

        if files.fileExists(atPath: paths.serverCertificate), files.fileExists(atPath: paths.serverKey),
            let existing = try? Certificate(pemEncoded: try String(contentsOfFile: paths.serverCertificate, encoding: .utf8)),
            covers(existing, hosts: hosts)
        {
            return ClusterCertificates(caCertificatePEM: try caCertificate.serializeAsPEM().pemString,
                                       serverCertificatePEM: try String(contentsOfFile: paths.serverCertificate, encoding: .utf8),
                                       serverKeyPEM: try String(contentsOfFile: paths.serverKey, encoding: .utf8))
        }

        let serverKey = P256.Signing.PrivateKey()
        let now = Date()
        var names: [GeneralName] = []
        for host in Set(hosts + ["localhost", "127.0.0.1", "::1"]).sorted() {
            if let address = ipBytes(host) {
                names.append(.ipAddress(ASN1OctetString(contentBytes: address[...])))
            } else {
                names.append(.dnsName(host))
            }
        }
        let serverCertificate = try Certificate(
            version: .v3, serialNumber: .init(), publicKey: .init(serverKey.publicKey),
            notValidBefore: now.addingTimeInterval(-3600), notValidAfter: now.addingTimeInterval(5 * 365 * 86400),
            issuer: caCertificate.subject, subject: try DistinguishedName { CommonName("ballast-apiserver") },
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true, keyEncipherment: true))
                try ExtendedKeyUsage([.serverAuth])
                SubjectAlternativeNames(names)
            },
            issuerPrivateKey: .init(caKey))
        let certificatePEM = try serverCertificate.serializeAsPEM().pemString
        try write(serverKey.pemRepresentation, to: paths.serverKey, mode: 0o600)
        try write(certificatePEM, to: paths.serverCertificate, mode: 0o644)
        return ClusterCertificates(caCertificatePEM: try caCertificate.serializeAsPEM().pemString,
                                   serverCertificatePEM: certificatePEM, serverKeyPEM: serverKey.pemRepresentation)
    }

    private static func covers(_ certificate: Certificate, hosts: [String]) -> Bool {
        guard let names = try? certificate.extensions.subjectAlternativeNames else { return false }
        for host in hosts {
            let found = names.contains { name in
                switch name {
                case .dnsName(let dns): return dns == host
                case .ipAddress(let octets): return ipBytes(host).map { Array(octets.bytes) == $0 } ?? false
                default: return false
                }
            }
            if !found { return false }
        }
        return true
    }

    /// The address bytes of an IPv4 or IPv6 literal, or nil for a DNS name.
    static func ipBytes(_ host: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, host, &v4) == 1 { return withUnsafeBytes(of: &v4) { Array($0) } }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, host, &v6) == 1 { return withUnsafeBytes(of: &v6) { Array($0) } }
        return nil
    }

    /// Writes a file atomically with the given mode, so a crash never leaves half a key.
    static func write(_ text: String, to path: String, mode: Int) throws {
        let temporary = path + ".tmp"
        guard FileManager.default.createFile(atPath: temporary, contents: Data(text.utf8), attributes: [.posixPermissions: mode]) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: temporary])
        }
        if rename(temporary, path) != 0 { throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path]) }
    }
}
