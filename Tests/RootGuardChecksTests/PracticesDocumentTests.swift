import Foundation
import RootGuardChecks
import RootGuardCompliance
import RootGuardModel
import Testing

/// docs/PRACTICES.md is the project's own document of the practices: it must name every practice and list every
/// check with exactly the practices the check reports.
@Suite struct PracticesDocumentTests {
    static let text: String = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("docs/PRACTICES.md")
        return (try? String(contentsOf: url, encoding: .utf8)) ?? ""
    }()

    @Test func everyPracticeHasASection() {
        for practice in PracticeID.all {
            #expect(Self.text.contains("### ROOT-BP \(practice) — "), "ROOT-BP \(practice) has no section")
        }
        #expect(Practices.all.map(\.id) == PracticeID.all)
    }

    @Test func theChecksTableEqualsTheRegistry() {
        var documented: [CheckID: [PracticeID]] = [:]
        for line in Self.text.split(separator: "\n") where line.hasPrefix("| `") {
            let cells = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            guard cells.count == 2 else { continue }
            let id = CheckID(rawValue: cells[0].trimmingCharacters(in: CharacterSet(charactersIn: "`")))
            documented[id] = cells[1].split(separator: ",").compactMap {
                PracticeID(rawValue: $0.trimmingCharacters(in: .whitespaces))
            }
        }
        let registry = Dictionary(
            uniqueKeysWithValues: (CheckRegistry.metadata + OrganizationCheckRegistry.metadata).map {
                ($0.id, $0.practices.sorted())
            })
        #expect(documented.mapValues { $0.sorted() } == registry)
    }
}
