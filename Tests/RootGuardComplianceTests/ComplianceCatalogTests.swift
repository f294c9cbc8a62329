import RootGuardCompliance
import RootGuardModel
import Testing

@Suite struct ComplianceCatalogTests {
    @Test func everyFrameworkHasUniqueControlsEachNamingChecks() {
        #expect(Set(ComplianceCatalog.frameworks.map(\.id)).count == ComplianceCatalog.frameworks.count)
        for framework in ComplianceCatalog.frameworks {
            let ids = framework.controls.map(\.id)
            #expect(Set(ids).count == ids.count, "\(framework.id) repeats a control id")
            for control in framework.controls {
                #expect(!control.checks.isEmpty, "\(framework.id) \(control.id) names no check")
            }
        }
    }

    @Test func referencesListEveryControlThatNamesTheCheck() {
        for check in ComplianceCatalog.referencedCheckIDs {
            let references = ComplianceCatalog.references(for: check)
            for framework in ComplianceCatalog.frameworks {
                let expected = framework.controls.filter { $0.checks.contains(check) }.map(\.id)
                #expect(
                    (references[framework.id] ?? []).sorted() == expected.sorted(),
                    "\(check) in \(framework.id)")
            }
        }
        #expect(ComplianceCatalog.references(for: "no-such-check").isEmpty)
    }

    @Test func thePracticesAreTheTwentyOneRootGuardPractices() {
        #expect(Practices.all.map(\.id) == PracticeID.all)
        #expect(Practices.all.allSatisfy { !$0.title.isEmpty })
    }
}
