import Foundation
import RootGuardModel
import Testing

@Suite struct IdentifierTests {
    @Test(arguments: ["111122223333", "000000000000"])
    func twelveDigitsAreAnAccountID(_ text: String) throws {
        #expect(AccountID(rawValue: text)?.rawValue == text)
        let decoded = try JSONDecoder().decode([AccountID].self, from: Data(#"["\#(text)"]"#.utf8))
        #expect(decoded.first?.rawValue == text)
    }

    @Test(arguments: ["", "12345", "1111222233334", "11112222333a", "１１１１２２２２３３３３", " 111122223333"])
    func anythingElseIsRefused(_ text: String) {
        #expect(AccountID(rawValue: text) == nil)
        #expect(throws: (any Error).self) {
            try JSONDecoder().decode([AccountID].self, from: Data(#"["\#(text)"]"#.utf8))
        }
    }

    @Test func practiceIDsAreOneToTwentyOne() {
        #expect(PracticeID.all.map(\.rawValue).first == "01")
        #expect(PracticeID.all.count == 21)
        #expect(PracticeID(rawValue: "22") == nil)
        #expect(PracticeID(rawValue: "1") == nil)
        #expect(PracticeID(rawValue: "00") == nil)
    }
}
