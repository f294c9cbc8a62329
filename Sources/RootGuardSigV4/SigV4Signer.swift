import Crypto

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// AWS Signature Version 4 (`AWS4-HMAC-SHA256`), header and query (presigned URL) forms.
///
/// Pure: the date is an input, nothing is read from the clock or the environment.
public struct SigV4Signer: Sendable {
    public static let algorithm = "AWS4-HMAC-SHA256"
    public static let unsignedPayload = "UNSIGNED-PAYLOAD"
    public static let emptyPayloadHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

    public let credentials: SigV4Credentials
    public let region: String
    public let service: String
    public let options: SigV4Options

    public init(credentials: SigV4Credentials, region: String, service: String, options: SigV4Options = .standard) {
        self.credentials = credentials
        self.region = region
        self.service = service
        self.options = options
    }

    /// The intermediate values of one signature, for tests and `--debug`.
    public struct Signature: Sendable {
        public let canonicalRequest: String
        public let stringToSign: String
        public let signature: String
        public let signedHeaders: String
    }

    /// The result of header signing: headers to add to the request (in order) and the signature's parts.
    public struct SignedHeaders: Sendable {
        public let headersToAdd: [(name: String, value: String)]
        public let signature: Signature
        public var authorization: String { headersToAdd.first { $0.name == "Authorization" }?.value ?? "" }
    }

    /// The result of query signing: the full query string to send (with `X-Amz-Signature` last).
    public struct Presigned: Sendable {
        public let query: String
        public let signature: Signature
    }

    // MARK: Header signing

    /// Signs `request` for the `Authorization` header.
    public func signHeaders(_ request: SigV4Request, payload: SigV4Payload, date: Date) -> SignedHeaders {
        let stamp = AmzDate(date)
        let payloadHash = Self.hash(of: payload)
        var added: [(name: String, value: String)] = [("X-Amz-Date", stamp.full)]
        if let token = credentials.sessionToken, !options.omitSessionToken {
            added.append(("X-Amz-Security-Token", token))
        }
        if options.addContentSHA256Header {
            added.append(("x-amz-content-sha256", payloadHash))
        }
        let headers = Self.canonicalHeaders(request.headers + added)
        let canonical = canonicalRequest(
            method: request.method, path: request.path, query: Self.canonicalQuery(request.query),
            headers: headers, payloadHash: payloadHash)
        let signature = sign(canonical: canonical, signedHeaders: headers.names, stamp: stamp)
        let credential = "\(credentials.accessKeyID)/\(stamp.day)/\(region)/\(service)/aws4_request"
        added.append(
            (
                "Authorization",
                "\(Self.algorithm) Credential=\(credential), SignedHeaders=\(headers.names), Signature=\(signature.signature)"
            ))
        if let token = credentials.sessionToken, options.omitSessionToken {
            added.append(("X-Amz-Security-Token", token))
        }
        return SignedHeaders(headersToAdd: added, signature: signature)
    }

    // MARK: Query signing

    /// Signs `request` as a presigned URL valid for `expires` seconds (at most 604800).
    public func presign(_ request: SigV4Request, payload: SigV4Payload, expires: Int, date: Date) -> Presigned {
        let stamp = AmzDate(date)
        let credential = "\(credentials.accessKeyID)/\(stamp.day)/\(region)/\(service)/aws4_request"
        let headers = Self.canonicalHeaders(request.headers)
        var authParams: [(String, String)] = [
            ("X-Amz-Algorithm", Self.algorithm),
            ("X-Amz-Credential", credential),
            ("X-Amz-Date", stamp.full),
            ("X-Amz-Expires", String(min(max(expires, 1), 604_800))),
            ("X-Amz-SignedHeaders", headers.names),
        ]
        if let token = credentials.sessionToken, !options.omitSessionToken {
            authParams.append(("X-Amz-Security-Token", token))
        }
        let encodedAuth = authParams.map { URIEncoding.encode($0.0) + "=" + URIEncoding.encode($0.1) }
        let query =
            request.query.isEmpty
            ? encodedAuth.joined(separator: "&")
            : request.query + "&" + encodedAuth.joined(separator: "&")
        let payloadHash = Self.hash(of: payload)
        let canonical = canonicalRequest(
            method: request.method, path: request.path, query: Self.canonicalQuery(query),
            headers: headers, payloadHash: payloadHash)
        let signature = sign(canonical: canonical, signedHeaders: headers.names, stamp: stamp)
        var finalQuery = query
        if let token = credentials.sessionToken, options.omitSessionToken {
            finalQuery += "&X-Amz-Security-Token=" + URIEncoding.encode(token)
        }
        finalQuery += "&X-Amz-Signature=" + signature.signature
        return Presigned(query: finalQuery, signature: signature)
    }

    // MARK: Pieces

    func canonicalRequest(
        method: String, path: String, query: String, headers: CanonicalHeaders, payloadHash: String
    ) -> String {
        [method, canonicalURI(path), query, headers.block, headers.names, payloadHash].joined(separator: "\n")
    }

    /// The canonical URI: normalised and double-encoded for most services, the wire path re-encoded once for S3.
    func canonicalURI(_ path: String) -> String {
        var path = path.isEmpty ? "/" : path
        if options.normalizePath { path = Self.normalize(path) }
        if options.doubleURIEncode {
            return URIEncoding.encode(path.utf8, keepSlash: true)
        }
        return URIEncoding.encode(URIEncoding.decode(path), keepSlash: true)
    }

    static func normalize(_ path: String) -> String {
        let trailingSlash = path.hasSuffix("/")
        var output: [Substring] = []
        for segment in path.split(separator: "/", omittingEmptySubsequences: true) {
            switch segment {
            case ".": continue
            case "..": if !output.isEmpty { output.removeLast() }
            default: output.append(segment)
            }
        }
        var result = "/" + output.joined(separator: "/")
        if trailingSlash && result != "/" { result += "/" }
        return result
    }

    /// Parses a raw query string, re-encodes names and values strictly, sorts by name then value.
    static func canonicalQuery(_ query: String) -> String {
        guard !query.isEmpty else { return "" }
        var pairs: [(String, String)] = []
        for item in query.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = URIEncoding.encode(URIEncoding.decode(String(parts[0])))
            let value = parts.count > 1 ? URIEncoding.encode(URIEncoding.decode(String(parts[1]))) : ""
            pairs.append((name, value))
        }
        pairs.sort { lhs, rhs in
            lhs.0 == rhs.0
                ? lhs.1.utf8.lexicographicallyPrecedes(rhs.1.utf8) : lhs.0.utf8.lexicographicallyPrecedes(rhs.0.utf8)
        }
        return pairs.map { "\($0.0)=\($0.1)" }.joined(separator: "&")
    }

    struct CanonicalHeaders {
        var block: String
        var names: String
    }

    static func canonicalHeaders(_ headers: [(name: String, value: String)]) -> CanonicalHeaders {
        var merged: [String: [String]] = [:]
        for (name, value) in headers {
            merged[name.lowercased(), default: []].append(trimAndCollapse(value))
        }
        let names = merged.keys.sorted()
        let block = names.map { "\($0):\(merged[$0]!.joined(separator: ","))\n" }.joined()
        return CanonicalHeaders(block: block, names: names.joined(separator: ";"))
    }

    static func trimAndCollapse(_ value: String) -> String {
        var out = ""
        var pendingSpace = false
        for character in value {
            if character == " " || character == "\t" || character == "\n" || character == "\r" {
                pendingSpace = !out.isEmpty
            } else {
                if pendingSpace { out.append(" ") }
                pendingSpace = false
                out.append(character)
            }
        }
        return out
    }

    func sign(canonical: String, signedHeaders: String, stamp: AmzDate) -> Signature {
        let scope = "\(stamp.day)/\(region)/\(service)/aws4_request"
        let stringToSign = [Self.algorithm, stamp.full, scope, Self.hexSHA256(Array(canonical.utf8))]
            .joined(separator: "\n")
        let key = signingKey(day: stamp.day)
        let mac = HMAC<SHA256>.authenticationCode(for: Array(stringToSign.utf8), using: key)
        return Signature(
            canonicalRequest: canonical, stringToSign: stringToSign, signature: Self.hex(mac),
            signedHeaders: signedHeaders)
    }

    func signingKey(day: String) -> SymmetricKey {
        var key = SymmetricKey(data: Array("AWS4\(credentials.secretAccessKey)".utf8))
        for part in [day, region, service, "aws4_request"] {
            key = SymmetricKey(data: Array(HMAC<SHA256>.authenticationCode(for: Array(part.utf8), using: key)))
        }
        return key
    }

    static func hash(of payload: SigV4Payload) -> String {
        switch payload {
        case .bytes(let bytes): return bytes.isEmpty ? emptyPayloadHash : hexSHA256(bytes)
        case .unsigned: return unsignedPayload
        case .precomputed(let value): return value
        }
    }

    /// Lowercase hex SHA-256.
    public static func hexSHA256(_ bytes: [UInt8]) -> String { hex(SHA256.hash(data: bytes)) }

    static func hex<S: Sequence>(_ bytes: S) -> String where S.Element == UInt8 {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}

/// `yyyyMMdd'T'HHmmss'Z'` and `yyyyMMdd` in UTC, computed without a formatter.
struct AmzDate {
    let full: String
    let day: String

    init(_ date: Date) {
        let seconds = Int64(date.timeIntervalSince1970.rounded(.down))
        let (days, secondOfDay) = seconds.quotientAndRemainder(dividingBy: 86_400)
        let dayNumber = secondOfDay < 0 ? days - 1 : days
        let second = secondOfDay < 0 ? secondOfDay + 86_400 : secondOfDay
        let (year, month, dayOfMonth) = Self.civil(fromDays: dayNumber)
        func pad(_ value: Int64, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        day = pad(year, 4) + pad(month, 2) + pad(dayOfMonth, 2)
        full = day + "T" + pad(second / 3600, 2) + pad(second % 3600 / 60, 2) + pad(second % 60, 2) + "Z"
    }

    /// Howard Hinnant's days-from-civil inverse.
    static func civil(fromDays days: Int64) -> (Int64, Int64, Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (m <= 2 ? y + 1 : y, m, d)
    }
}
