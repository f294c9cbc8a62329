import Foundation

/// Turns a non-2xx response into an ``AWSError``, per protocol (research §B).
package enum ErrorDecoding {
    package static func decode(
        status: Int, headers: AWSHTTPResponseHead, body: [UInt8], service: AWSServiceDescriptor,
        operation: AWSOperationDescriptor
    ) -> AWSError {
        var code: String?
        var message: String?
        var requestID = headers.header("x-amzn-RequestId") ?? headers.header("x-amz-request-id")

        switch service.protocol {
        case .query, .restXML:
            if let root = try? XMLNode.parse(body) {
                let error = root.name == "Error" ? root : root.descendant("Error")
                code = error?.child("Code")?.text
                message = error?.child("Message")?.text
                requestID = requestID ?? root.descendant("RequestId")?.text ?? root.child("RequestId")?.text
            }
        case .json, .restJSON:
            if let header = headers.header("x-amzn-query-error"), service.queryCompatible {
                code = String(header.split(separator: ";", maxSplits: 1).first ?? "")
            }
            let object = (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any]
            code =
                code ?? headers.header("X-Amzn-Errortype") ?? object?["code"] as? String
                ?? object?["__type"] as? String ?? object?["Code"] as? String
            message =
                headers.header("x-amzn-error-message") ?? headers.header("x-amzn-ErrorMessage")
                ?? object?["message"] as? String ?? object?["Message"] as? String
                ?? object?["errorMessage"] as? String
        }

        let sanitised = code.map(sanitise).flatMap { $0.isEmpty ? nil : $0 }
        guard let finalCode = sanitised else {
            // Not an AWS error document: an HTML page, an empty body, garbage.
            let looksLikeHTML = String(decoding: body.prefix(512), as: UTF8.self).lowercased().contains("<html")
            let kind: AWSError.Kind
            if status == 429 {
                kind = .throttling
            } else if looksLikeHTML && (status == 404 || status == 500 || status == 501) {
                kind = .notImplemented
            } else if status == 501 {
                kind = .notImplemented
            } else if status == 403 {
                kind = .accessDenied
            } else if status >= 500 {
                kind = .server
            } else {
                kind = .client
            }
            let detail =
                kind == .notImplemented
                ? "the endpoint does not implement this operation (HTTP \(status), non-AWS error page)"
                : kind == .accessDenied
                    ? "access denied (HTTP 403 without an AWS error document, as HEAD requests are answered)"
                    : "HTTP \(status) without an AWS error document"
            return AWSError(
                kind: kind, code: "HTTP\(status)", message: detail, requestID: requestID, httpStatus: status,
                service: service.name, operation: operation.name)
        }
        return AWSError(
            kind: AWSError.kind(code: finalCode, status: status, service: service), code: finalCode,
            message: message ?? "", requestID: requestID, httpStatus: status, service: service.name,
            operation: operation.name)
    }

    /// `com.amazonaws.x#Code:http://…` → `Code` (smithy's sanitizeErrorType).
    static func sanitise(_ raw: String) -> String {
        var text = Substring(raw)
        if let hash = text.lastIndex(of: "#") { text = text[text.index(after: hash)...] }
        if let colon = text.firstIndex(of: ":") { text = text[..<colon] }
        return text.trimmingCharacters(in: .whitespaces)
    }
}
