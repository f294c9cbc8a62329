import Foundation
import Testing

@testable import RootGuardSigV4

@Suite struct SigV4CredentialsTests {
    let credentials = SigV4Credentials(
        accessKeyID: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        sessionToken: "FQoGZXIvYXdzEXAMPLETOKEN")

    @Test func descriptionsNeverShowTheSecretOrToken() {
        for text in [
            "\(credentials)", String(describing: credentials), String(reflecting: credentials),
            "\(Mirror(reflecting: credentials).children.map { "\($0.label ?? ""): \($0.value)" })",
        ] {
            #expect(!text.contains("wJalrXUtnFEMI"))
            #expect(!text.contains("FQoGZXIvYXdzEXAMPLETOKEN"))
            #expect(text.contains("AKIDEXAMPLE"))
        }
        var dumped = ""
        dump(credentials, to: &dumped)
        #expect(!dumped.contains("wJalrXUtnFEMI") && !dumped.contains("EXAMPLETOKEN"))
    }

    @Test func anEmptySessionTokenIsNoToken() {
        #expect(SigV4Credentials(accessKeyID: "A", secretAccessKey: "B", sessionToken: "").sessionToken == nil)
    }

    @Test func dateStampsAreUTC() {
        let stamp = AmzDate(Date(timeIntervalSince1970: 1_440_938_160))
        #expect(stamp.full == "20150830T123600Z")
        #expect(stamp.day == "20150830")
        #expect(AmzDate(Date(timeIntervalSince1970: 951_782_400)).day == "20000229")
        #expect(AmzDate(Date(timeIntervalSince1970: 0)).full == "19700101T000000Z")
    }

    @Test(arguments: [
        ("/a/./b/../c", "/a/c"), ("//a//b//", "/a/b/"), ("/..", "/"), ("", "/"), ("/example/", "/example/"),
    ])
    func pathsNormalise(_ input: String, _ expected: String) {
        #expect(SigV4Signer.normalize(input.isEmpty ? "/" : input) == expected)
    }
}
