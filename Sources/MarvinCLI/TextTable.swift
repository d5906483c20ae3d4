import Foundation

/// Columns aligned with two spaces, for the human-readable output of every command.
public struct TextTable: Sendable {
    public let header: [String]
    public private(set) var rows: [[String]] = []

    public init(_ header: String...) {
        self.header = header
    }

    public mutating func add(_ cells: String...) {
        rows.append(cells)
    }

    public var rendered: String {
        let all = [header] + rows
        let widths = header.indices.map { column in all.map { $0.indices.contains(column) ? $0[column].count : 0 }.max() ?? 0 }
        return all.map { row in
            row.enumerated().map { column, cell in
                column == row.count - 1 ? cell : cell.padding(toLength: widths[column], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }.joined(separator: "\n")
    }
}
