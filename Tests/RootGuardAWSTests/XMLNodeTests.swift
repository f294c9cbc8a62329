import Foundation
import Testing

@testable import RootGuardAWS

/// rootguard's own XML reader for AWS responses: what AWS sends reads as XML says it does; everything else is refused
/// with a one-line reason, never a trap.
@Suite("XML reader")
struct XMLNodeTests {
    func parse(_ text: String) throws -> XMLNode { try XMLNode.parse(Array(text.utf8)) }

    @Test func elementsTextEntitiesCDATAAndCommentsReadAsXMLDefines() throws {
        let root = try parse(
            """
            <?xml version="1.0" encoding="UTF-8"?>
            <!-- a comment before the root -->
            <a:Response xmlns:a="https://iam.amazonaws.com/doc/2010-05-08/" id='1'>
              <Name>x &lt;&amp;&gt; &quot;q&quot; &apos;a&apos; &#65;&#x42; é</Name>
              <Data><![CDATA[<not & parsed>]]></Data>
              <Empty/>
              <Spaces>  kept  </Spaces>
              <!-- inside -->
              <Lines>one\r\ntwo\rthree</Lines>
            </a:Response>
            """)
        #expect(root.name == "Response")
        #expect(root.child("Name")?.text == "x <&> \"q\" 'a' AB é")
        #expect(root.child("Data")?.text == "<not & parsed>")
        #expect(root.child("Empty")?.text == "")
        #expect(root.child("Spaces")?.text == "  kept  ")
        #expect(root.child("Lines")?.text == "one\ntwo\nthree")
        #expect(root.children.map(\.name) == ["Name", "Data", "Empty", "Spaces", "Lines"])
        #expect(root.text == "")
    }

    @Test(arguments: [
        "<a><b></a></b>", "<a>", "<a></a><b></b>", "text", "", "<a>&unknown;</a>", "<a>&#0;</a>", "<a>&#xFFFE;</a>",
        "<?xml version=\"1.0\"?><!DOCTYPE a [<!ENTITY x \"y\">]><a>&x;</a>", "<a><?pi data?></a>", "<a b></a>",
        "<a b=c></a>", "<a b=\"<\"></a>", "<a><!-- open </a>", "<a><![CDATA[ open </a>", "<a>&amp</a>", "<>", "</a>",
    ])
    func malformedDocumentsAreRefused(_ text: String) {
        #expect(throws: XMLNode.ParseError.self) { try parse(text) }
    }

    @Test func nestingIsLimited() throws {
        let deep = String(repeating: "<a>", count: 65) + String(repeating: "</a>", count: 65)
        #expect(throws: XMLNode.ParseError.self) { try parse(deep) }
        let fine = String(repeating: "<a>", count: 64) + "x" + String(repeating: "</a>", count: 64)
        #expect(try parse(fine).name == "a")
    }

    @Test func nonUTF8AndControlCharactersAreRefused() throws {
        #expect(throws: XMLNode.ParseError.self) {
            try XMLNode.parse([0x3C, 0x61, 0x3E, 0xFF, 0x3C, 0x2F, 0x61, 0x3E])
        }
        #expect(throws: XMLNode.ParseError.self) { try parse("<a>\u{01}</a>") }
        #expect(try XMLNode.parse([0xEF, 0xBB, 0xBF] + Array("<a>b</a>".utf8)).text == "b")
    }
}
