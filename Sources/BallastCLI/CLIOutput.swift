import Foundation
import Yams

extension CLIOutputFormat {
    /// `value` as JSON or YAML, or `table` for the table format.
    public func render<T: Encodable>(_ value: T, table: () -> String) throws -> String {
        switch self {
        case .table:
            return table()
        case .json:
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            return String(decoding: try encoder.encode(value), as: UTF8.self) + "\n"
        case .yaml:
            return try YAMLEncoder().encode(value)
        }
    }
}
