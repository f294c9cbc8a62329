import Foundation
import Testing

/// The published JSON Schemas (docs/schemas/) applied to what rootguard writes, with a real validator (jsonschema).
enum Schemas {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("docs/schemas")
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/schema_validate.py")

    /// Validates `output` (a document, or JSON lines) against `schema` (a file name in docs/schemas/).
    static func check(
        _ output: String, against schema: String, lines: Bool = false, sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("rg-schema-\(UUID().uuidString)")
        try Data(output.utf8).write(to: file)
        let run = try CLI.run(
            [
                "-c",
                "python3 '\(script.path)' '\(folder.appendingPathComponent(schema).path)' '\(file.path)'\(lines ? " --lines" : "")",
            ], environment: HardenOrganizationCLITests.tools, shell: true)
        #expect(run.status == 0, "\(schema): \(run.stdout)\(run.stderr)", sourceLocation: sourceLocation)
    }
}
