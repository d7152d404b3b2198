import BallastAPI
import Foundation

/// Decodes an API object from JSON text, as the server does with a request body.
func decodeManifest<T: Decodable>(_ type: T.Type, _ json: String) throws -> T {
    try APICodec.decode(type, from: Array(json.utf8))
}

/// What the server does before it stores a new object: namespace and uid from the
/// request, defaults, the strategy's create preparation.
func preparedForCreate<T: APIResource>(_ object: T) -> T {
    var object = object
    if T.resource.namespaced, object.metadata.namespace == nil { object.metadata.namespace = "default" }
    if object.metadata.uid == nil { object.metadata.uid = "7b0f9c52-3d5e-4c1a-9d8f-2a6b1e4c7d90" }
    object.applyDefaults()
    object.prepareForCreate()
    return object
}

/// A fixed instant for Table tests.
let tableNow = Date(timeIntervalSince1970: 1_740_000_000)

/// `seconds` before `tableNow`, as a Time.
func secondsAgo(_ seconds: TimeInterval) -> Time { Time(tableNow.addingTimeInterval(-seconds)) }

/// Parses "2024-03-01T10:00:30Z".
func rfc3339(_ text: String) -> Date { RFC3339.parse(text) ?? Date.distantPast }

/// A Quantity from its text; an unparsable text is a test bug and reads as zero.
func parsedQuantity(_ text: String) -> Quantity { (try? Quantity(parsing: text)) ?? Quantity(0) }
