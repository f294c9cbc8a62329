import Foundation
import RootGuardModel

/// Column-aligned text for terminal renderers. Every cell is passed through `TerminalSafe.escape` here, so a
/// renderer cannot forget it; `paint` may wrap a cell in colour codes after padding.
struct TextTable {
    var rows: [[String]]

    init(header: [String]) { rows = [header] }

    mutating func append(_ cells: [String]) { rows.append(cells.map(TerminalSafe.escape)) }

    /// `paint(row, column, padded)` returns the cell as printed (colour codes are added after padding).
    func render(paint: ((Int, Int, String) -> String)? = nil) -> String {
        var widths = [Int](repeating: 0, count: rows[0].count)
        for row in rows { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) } }
        var out = ""
        for (index, row) in rows.enumerated() {
            out += Self.line(row, widths: widths) { i, padded in index > 0 ? paint?(index, i, padded) ?? padded : padded
            }
        }
        return out
    }
}

extension TextTable {
    /// One row: each cell but the last padded to its column's width in characters (never cut), two spaces between,
    /// the line's outer spaces trimmed. Native: Foundation's `padding(toLength:)` counts UTF-16 units and cuts a
    /// longer cell (an emoji split in half), and its bridge cost a third of a 300,000-row table.
    static func line(_ cells: [String], widths: [Int], paint: (Int, String) -> String) -> String {
        var line = ""
        for (i, cell) in cells.enumerated() {
            let last = i == cells.count - 1
            let padded = last ? cell : cell + String(repeating: " ", count: max(0, widths[i] - cell.count))
            line += paint(i, padded) + (last ? "" : "  ")
        }
        while let end = line.last, end == " " || end == "\t" { line.removeLast() }
        while let start = line.first, start == " " || start == "\t" { line.removeFirst() }
        return line + "\n"
    }
}

/// A table too long to hold as rows (300,000 detections): rows are made twice, once for the column widths and once
/// to write them, and never kept.
struct StreamedTable {
    let header: [String]
    let count: Int
    let row: (Int) -> [String]

    func write(into sink: inout some TextSink, paint: ((Int, Int, String) -> String)? = nil) throws {
        var widths = header.map(\.count)
        for index in 0..<count {
            for (i, cell) in row(index).enumerated() { widths[i] = max(widths[i], TerminalSafe.escape(cell).count) }
        }
        func line(_ cells: [String], _ index: Int) -> String {
            TextTable.line(cells, widths: widths) { i, padded in index > 0 ? paint?(index, i, padded) ?? padded : padded
            }
        }
        try sink.write(line(header, 0))
        for index in 0..<count { try sink.write(line(row(index).map(TerminalSafe.escape), index + 1)) }
    }
}

/// Shared wording.
enum Wording {
    static func plural(_ count: Int, _ noun: String) -> String { RootGuardModel.plural(count, noun) }
}

extension String {
    func leftPadded(_ width: Int) -> String { String(repeating: " ", count: max(0, width - count)) + self }
}
