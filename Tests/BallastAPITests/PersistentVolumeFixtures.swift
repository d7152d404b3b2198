import BallastAPI
import Foundation

/// Helpers the storage and core-kind tests share: decode a manifest, run the server's
/// create and update steps, and render errors as kubectl shows them.
enum StorageFixtures {
    /// Decodes a JSON manifest.
    static func decode<T: Decodable>(_ type: T.Type, _ json: String) throws -> T {
        try APICodec.decode(type, from: Array(json.utf8))
    }

    /// What the server does on create: defaults, then prepareForCreate.
    static func created<T: APIResource>(_ object: T) -> T {
        var object = object
        object.applyDefaults()
        object.prepareForCreate()
        return object
    }

    /// What the server does on update: defaults, then prepareForUpdate against the stored object.
    static func updated<T: APIResource>(_ object: T, from old: T) -> T {
        var object = object
        object.applyDefaults()
        object.prepareForUpdate(old: old)
        return object
    }

    /// Every error of a new object, metadata included, as kubectl prints them.
    static func problems<T: APIResource>(_ object: T) -> [String] {
        (ObjectMetaValidation.validate(object) + object.validate()).map(\.description)
    }

    /// The errors of an update, as kubectl prints them.
    static func updateProblems<T: APIResource>(_ object: T, old: T) -> [String] {
        (ObjectMetaValidation.validateUpdate(new: object.metadata, old: old.metadata) + object.validateUpdate(old: old)).map(\.description)
    }

    /// The first line of each message (Kubernetes appends a diff to some).
    static func firstLines(_ messages: [String]) -> [String] {
        messages.map { String($0.split(separator: "\n", maxSplits: 1).first ?? "") }
    }

    /// A fixed creation time and a "now" 5 minutes later, for Age cells.
    static let creationTime = Time(Date(timeIntervalSince1970: 1_700_000_000))
    static let now = Date(timeIntervalSince1970: 1_700_000_300)

    /// The JSON of a value, for round-trip checks.
    static func json(_ value: some Encodable) -> JSONValue { APICodec.encodeValue(value) }
}
