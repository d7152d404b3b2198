import Foundation

/// A kubectl-style table: upper-case headers, columns padded to their widest cell, three
/// spaces between columns.
public struct TextTable: Sendable {
    public var headers: [String]
    public var rows: [[String]]

    public init(headers: [String], rows: [[String]]) {
        self.headers = headers
        self.rows = rows
    }

    public var text: String {
        let all = [headers.map { $0.uppercased() }] + rows
        var widths = [Int](repeating: 0, count: headers.count)
        for row in all {
            for (index, cell) in row.prefix(widths.count).enumerated() { widths[index] = max(widths[index], cell.count) }
        }
        return all.map { row in
            row.prefix(widths.count).enumerated().map { index, cell in
                index == widths.count - 1 ? cell : cell.padding(toLength: widths[index] + 3, withPad: " ", startingAt: 0)
            }.joined()
        }.joined(separator: "\n") + "\n"
    }
}
