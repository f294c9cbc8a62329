import Foundation
import Testing

@testable import RootGuardSigV4

/// One case of the published SigV4 suites (aws-c-auth, smithy-kotlin extras, the S3 supplement), in one mode.
struct SigV4Vector: CustomTestStringConvertible, Sendable {
    enum Mode: String, Sendable { case header, query }
    let directory: URL
    let mode: Mode
    var testDescription: String { "\(directory.lastPathComponent) [\(mode.rawValue)]" }

    static let root = Bundle.module.resourceURL!.appendingPathComponent("Fixtures/sigv4-testsuite")

    /// Every case folder holding a context.json, in each mode it has expectations for.
    static let all: [SigV4Vector] = {
        let files = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil)!
        var vectors: [SigV4Vector] = []
        for case let url as URL in files where url.lastPathComponent == "context.json" {
            let folder = url.deletingLastPathComponent()
            for mode in [Mode.header, .query]
            where FileManager.default.fileExists(atPath: folder.appendingPathComponent("\(mode)-signature.txt").path) {
                vectors.append(SigV4Vector(directory: folder, mode: mode))
            }
        }
        return vectors.sorted { $0.testDescription < $1.testDescription }
    }()

    func text(_ name: String) throws -> String {
        try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)
            .replacingOccurrences(of: "\r\n", with: "\n")
    }
}

/// The request.txt format: a request line, `Name:value` headers (with obsolete folding), a blank line, a body.
struct ParsedRequest {
    var method: String
    var path: String
    var query: String
    var headers: [(name: String, value: String)]
    var body: [UInt8]

    init(_ text: String) throws {
        let (head, body) =
            text.range(of: "\n\n").map { (String(text[..<$0.lowerBound]), String(text[$0.upperBound...])) }
            ?? (text, "")
        var lines = head.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let requestLine = lines.removeFirst()
        // The target may contain raw spaces (get-space-*): method is before the first space, version after the last.
        let firstSpace = try #require(requestLine.firstIndex(of: " "))
        let lastSpace = try #require(requestLine.lastIndex(of: " "))
        method = String(requestLine[..<firstSpace])
        let target = String(requestLine[requestLine.index(after: firstSpace)..<lastSpace])
        if let mark = target.firstIndex(of: "?") {
            path = String(target[..<mark])
            query = String(target[target.index(after: mark)...])
        } else {
            path = target
            query = ""
        }
        headers = []
        for line in lines where !line.isEmpty {
            if line.first == " " || line.first == "\t", let last = headers.popLast() {
                headers.append((last.name, last.value + " " + line.trimmingCharacters(in: .whitespaces)))
                continue
            }
            let colon = try #require(line.firstIndex(of: ":"))
            headers.append((String(line[..<colon]), String(line[line.index(after: colon)...])))
        }
        self.body = Array(body.utf8)
    }
}

struct SigV4Context: Decodable {
    struct Credentials: Decodable {
        let access_key_id: String
        let secret_access_key: String
        let token: String?
    }
    let credentials: Credentials
    let region: String
    let service: String
    let timestamp: String
    let expiration_in_seconds: Int?
    let normalize: Bool?
    let sign_body: Bool?
    let omit_session_token: Bool?
    let double_uri_encode: Bool?
    let signed_body_value: String?
}

@Suite("SigV4 published test vectors")
struct SigV4TestSuiteTests {
    @Test("the suites are all present") func suitesArePresent() {
        // 38 aws-c-auth cases ×2 modes, 2 smithy-kotlin ×2, 9 S3 cases: 89 expectation sets.
        #expect(SigV4Vector.all.count == 89)
    }

    @Test(
        "every published case signs to the expected canonical request, string to sign and signature",
        arguments: SigV4Vector.all)
    func vector(_ vector: SigV4Vector) throws {
        let context = try JSONDecoder().decode(
            SigV4Context.self, from: Data(try vector.text("context.json").utf8))
        let request = try ParsedRequest(try vector.text("request.txt"))
        let date = try #require(ISO8601DateFormatter().date(from: context.timestamp))
        let isS3 = context.service == "s3"
        let options = SigV4Options(
            doubleURIEncode: context.double_uri_encode ?? true,
            normalizePath: context.normalize ?? true,
            omitSessionToken: context.omit_session_token ?? false,
            addContentSHA256Header: vector.mode == .header && (context.sign_body ?? false))
        let signer = SigV4Signer(
            credentials: SigV4Credentials(
                accessKeyID: context.credentials.access_key_id,
                secretAccessKey: context.credentials.secret_access_key,
                sessionToken: context.credentials.token),
            region: context.region, service: context.service, options: options)
        let payload: SigV4Payload =
            if let value = context.signed_body_value { .precomputed(value) } else if isS3 && vector.mode == .query {
                .unsigned
            } else { .bytes(request.body) }
        let sigRequest = SigV4Request(
            method: request.method, path: request.path, query: request.query, headers: request.headers)

        let signature: SigV4Signer.Signature
        let expectedSigned = try ParsedRequest(try vector.text("\(vector.mode)-signed-request.txt"))
        switch vector.mode {
        case .header:
            let signed = signer.signHeaders(sigRequest, payload: payload, date: date)
            signature = signed.signature
            let actual = Set((request.headers + signed.headersToAdd).map { "\($0.name.lowercased()):\($0.value)" })
            let expected = Set(expectedSigned.headers.map { "\($0.name.lowercased()):\($0.value)" })
            #expect(actual == expected)
        case .query:
            let presigned = signer.presign(
                sigRequest, payload: payload, expires: context.expiration_in_seconds ?? 3600, date: date)
            signature = presigned.signature
            #expect(Set(presigned.query.split(separator: "&")) == Set(expectedSigned.query.split(separator: "&")))
        }
        #expect(signature.canonicalRequest == (try vector.text("\(vector.mode)-canonical-request.txt")))
        #expect(signature.stringToSign == (try vector.text("\(vector.mode)-string-to-sign.txt")))
        #expect(
            signature.signature
                == (try vector.text("\(vector.mode)-signature.txt")).trimmingCharacters(in: .whitespacesAndNewlines))
    }
}
