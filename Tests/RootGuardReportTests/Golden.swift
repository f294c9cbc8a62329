import Foundation
import Testing

/// Golden files beside the tests (`Fixtures/NAME`): a renderer's output must equal its file byte for byte.
/// `UPDATE_GOLDEN=1 swift test --filter RootGuardReportTests` rewrites them after an intended change.
enum Golden {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    static func check(_ rendered: String, _ name: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let url = folder.appendingPathComponent(name)
        if ProcessInfo.processInfo.environment["UPDATE_GOLDEN"] == "1" {
            try rendered.write(to: url, atomically: true, encoding: .utf8)
            return
        }
        let expected = try String(contentsOf: url, encoding: .utf8)
        #expect(rendered == expected, "\(name) differs from its golden file", sourceLocation: sourceLocation)
    }

    /// Every byte a terminal could act on: C0 controls but the line feed, DEL, C1 controls, bidi controls.
    static func actionableCharacters(in text: String, allowEscapeForColor: Bool = false) -> [Unicode.Scalar] {
        text.unicodeScalars.filter { scalar in
            switch scalar.value {
            case 0x0A: false
            case 0x1B: !allowEscapeForColor
            case 0..<0x20, 0x7F..<0xA0: true
            case 0x061C, 0x200E, 0x200F, 0x2028, 0x2029, 0x202A...0x202E, 0x2066...0x2069: true
            default: false
            }
        }
    }
}
