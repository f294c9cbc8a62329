import Foundation
import RootGuardCollect
import RootGuardModel
import Testing

@Suite("Credential report CSV")
struct CredentialReportParserTests {
    // The documented column order; the root row as AWS writes it (booleans upper-case in the docs).
    static let csv = """
        user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated,a_future_column
        <root_account>,arn:aws:iam::111122223333:root,2019-03-01T09:00:00+00:00,not_supported,2026-11-01T10:00:00+00:00,not_supported,not_supported,TRUE,FALSE,2020-01-01T00:00:00+00:00,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A,x
        "user,with,commas",arn:aws:iam::111122223333:user/u,2020-01-01T00:00:00+00:00,true,no_information,N/A,N/A,false,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A,y

        """

    @Test func theRootRowIsParsedByColumnName() throws {
        let report = try CredentialReportParser.parse(Self.csv, generatedAt: nil)
        let root = try #require(report.root)
        #expect(report.userCount == 1)
        #expect(root.passwordEnabled == nil)
        #expect(root.passwordEnabledRaw == "not_supported")
        #expect(root.mfaActive == true)
        #expect(root.passwordLastUsed.date == ISO8601DateFormatter().date(from: "2026-11-01T10:00:00Z"))
        #expect(root.accessKeys[0].active == false)
        #expect(root.accessKeys[0].exists)  // inactive but rotated: a key exists
        #expect(!root.accessKeys[1].exists)
        #expect(root.accessKeys[0].lastUsed == .notApplicable)
        #expect(root.certificates.allSatisfy { !$0.exists })
    }

    @Test func aReportWithoutAHeaderIsAnError() {
        #expect(throws: CredentialReportParser.ParseError.self) {
            try CredentialReportParser.parse("garbage", generatedAt: nil)
        }
    }
}
