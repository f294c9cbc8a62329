import Foundation
import RootGuardChecks
import RootGuardCompliance
import RootGuardModel
import Testing

@Suite("Check registry and compliance catalog")
struct RegistryTests {
    @Test func idsAreUniqueAndWellFormed() {
        let ids = CheckRegistry.metadata.map(\.id)
        #expect(Set(ids).count == ids.count)
        #expect(
            ids.allSatisfy { $0.rawValue.range(of: "^[a-z0-9]+(-[a-z0-9]+)*$", options: .regularExpression) != nil })
    }

    @Test func everyCheckMapsToValidROOTBPPractices() {
        let practices = Set(Practices.all.map(\.id))
        #expect(practices.count == 21)
        for metadata in CheckRegistry.metadata {
            #expect(!metadata.practices.isEmpty, "\(metadata.id)")
            #expect(metadata.practices.allSatisfy(practices.contains), "\(metadata.id)")
            #expect(!metadata.remediation.isEmpty && !metadata.risk.isEmpty && !metadata.title.isEmpty)
        }
    }

    @Test func everyFrameworkReferenceNamesAnExistingCheck() {
        let ids = Set(CheckRegistry.metadata.map(\.id))
        for framework in ComplianceCatalog.frameworks {
            for control in framework.controls {
                #expect(!control.checks.isEmpty)
                for check in control.checks { #expect(ids.contains(check), "\(framework.id) \(control.id) → \(check)") }
            }
            #expect(Set(framework.controls.map(\.id)).count == framework.controls.count, "\(framework.id)")
        }
    }

    @Test func theRootControlsOfEveryFrameworkAreMapped() {
        #expect(RootHasNoAccessKeys.metadata.compliance["AWS-FSBP"] == ["IAM.4"])
        #expect(RootMFAIsHardware.metadata.compliance["AWS-FSBP"] == ["IAM.6"])
        #expect(RootHasMFA.metadata.compliance["AWS-FSBP"] == ["IAM.9"])
        #expect(RootIsNotRecentlyUsed.metadata.compliance["AWS-FSBP"] == ["IAM.20"])
        #expect(SecurityContactRegistered.metadata.compliance["AWS-FSBP"] == ["Account.1"])
        #expect(AccountInOrganization.metadata.compliance["AWS-FSBP"] == ["Account.2"])
        #expect(RootHasMFA.metadata.compliance["CIS-1.4"] == ["1.5"])
        #expect(RootHasMFA.metadata.compliance["CIS-5.0"] == ["1.4"])
        #expect(RootHasMFA.metadata.compliance["CIS-7.0"] == ["2.5"])
        #expect(RootHasNoAccessKeys.metadata.compliance["AWS-Config"] == ["iam-root-access-key-check"])
        #expect(RootActivityAlarmChain.metadata.compliance["AWS-FSBP"] == ["CloudWatch.1"])
        #expect(RootActivityAlarmChain.metadata.compliance["CIS-1.4"] == ["4.3"])
        #expect(RootActivityAlarmChain.metadata.compliance["CIS-7.0"] == ["5.3"])
        for practice in [
            "01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "11", "12", "16", "17", "18", "19", "20", "21",
        ] {
            #expect(
                CheckRegistry.metadata.contains { $0.practices.contains(PracticeID(stringLiteral: practice)) },
                "ROOT-BP \(practice) has no check")
        }
    }
}
