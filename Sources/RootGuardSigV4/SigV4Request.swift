/// An HTTP request as the signer sees it: nothing is sent from here.
public struct SigV4Request: Sendable {
    /// `GET`, `POST`, …
    public var method: String
    /// The path as it goes on the wire (percent-encoded once), e.g. `/detector/abc` or `/bucket/a%20b.json`.
    public var path: String
    /// The raw query string without the leading `?` (percent-encoded), or `""`.
    public var query: String
    /// Headers to be signed, in order. Repeated names are allowed and are joined with `,` when signed.
    public var headers: [(name: String, value: String)]

    public init(method: String, path: String, query: String = "", headers: [(name: String, value: String)]) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
    }
}

/// What the signature covers of the body.
public enum SigV4Payload: Sendable {
    /// The body bytes: their SHA-256 is signed.
    case bytes([UInt8])
    /// `UNSIGNED-PAYLOAD` (S3 only).
    case unsigned
    /// A precomputed lowercase hex SHA-256, or a literal such as `UNSIGNED-PAYLOAD`.
    case precomputed(String)

    public static let empty = SigV4Payload.bytes([])
}

/// Service-specific signing rules.
public struct SigV4Options: Sendable, Hashable {
    /// Encode each path segment a second time (every service except S3).
    public var doubleURIEncode: Bool
    /// Remove `.` / `..` segments and collapse `//` in the canonical path (every service except S3).
    public var normalizePath: Bool
    /// Leave the session token out of what is signed and add it afterwards (a few legacy services).
    public var omitSessionToken: Bool
    /// Add and sign `x-amz-content-sha256` with the payload hash (S3 requires it).
    public var addContentSHA256Header: Bool

    public init(
        doubleURIEncode: Bool = true,
        normalizePath: Bool = true,
        omitSessionToken: Bool = false,
        addContentSHA256Header: Bool = false
    ) {
        self.doubleURIEncode = doubleURIEncode
        self.normalizePath = normalizePath
        self.omitSessionToken = omitSessionToken
        self.addContentSHA256Header = addContentSHA256Header
    }

    /// The rules for every service but S3.
    public static let standard = SigV4Options()
    /// The S3 rules: single encoding, no normalisation, `x-amz-content-sha256` always signed.
    public static let s3 = SigV4Options(doubleURIEncode: false, normalizePath: false, addContentSHA256Header: true)
}
