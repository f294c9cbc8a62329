import Foundation
import RootGuardSigV4

/// A serialised, unsigned request.
struct BuiltRequest {
    var method: String
    var url: String
    /// The path as on the wire (for signing), without the query.
    var path: String
    var query: String
    var headers: [(String, String)]
    var body: [UInt8]
    var signingRegion: AWSRegion
    var signingName: String
    var isS3: Bool
}

extension AWSClient {
    func buildRequest<Input: AWSShape>(
        _ service: AWSServiceDescriptor, _ operation: AWSOperationDescriptor, input: Input, region: AWSRegion
    ) throws -> BuiltRequest {
        let endpoint = try AWSEndpointResolver.resolve(service, region: region, overrides: configuration.endpoints)
        guard let base = URLComponents(string: endpoint.url), let host = base.host else {
            throw AWSError(
                kind: .configuration, code: "InvalidEndpointURL", message: "bad endpoint \(endpoint.url)",
                service: service.name, operation: operation.name)
        }
        var hostHeader = host.contains(":") ? "[\(host)]" : host
        if let port = base.port, !((base.scheme == "https" && port == 443) || (base.scheme == "http" && port == 80)) {
            hostHeader += ":\(port)"
        }
        var basePath = base.percentEncodedPath
        while basePath.hasSuffix("/") { basePath.removeLast() }
        var path = basePath + "/"
        var query = ""
        var headers: [(String, String)] = []
        var body: [UInt8] = []
        var scheme = base.scheme ?? "https"
        let isS3 = service.endpointPrefix == "s3"

        switch service.protocol {
        case .query:
            var pairs: [(String, String)] = [("Action", operation.name), ("Version", service.apiVersion)]
            pairs += try QueryEncoder.parameters(input)
            body = Array(QueryEncoder.formBody(pairs).utf8)
            headers.append(("Content-Type", "application/x-www-form-urlencoded; charset=utf-8"))
        case .json(let version):
            headers.append(("Content-Type", "application/x-amz-json-\(version)"))
            headers.append(("X-Amz-Target", "\(service.targetPrefix ?? "").\(operation.name)"))
            if service.queryCompatible { headers.append(("x-amzn-query-mode", "true")) }
            body = try Self.jsonBody(input)
        case .restJSON, .restXML:
            var binding = AWSHTTPBinding()
            input.bind(&binding)
            let (templatePath, templateQuery) = Self.splitTemplate(operation.requestURI)
            var expanded = try Self.expand(templatePath, binding.uri, service: service, operation: operation)
            var queryPairs = templateQuery + binding.query.map { ($0.0, $0.1) }
            // S3: virtual-host style on AWS for DNS-compatible buckets, path style otherwise.
            if isS3, !endpoint.isCustom, let bucket = binding.uri["Bucket"],
                AWSEndpointResolver.isVirtualHostable(bucket)
            {
                hostHeader = "\(bucket).\(hostHeader)"
                let bucketPrefix = "/" + bucket
                if expanded.hasPrefix(bucketPrefix) { expanded = String(expanded.dropFirst(bucketPrefix.count)) }
                if expanded.isEmpty { expanded = "/" }
            }
            path = basePath + expanded
            queryPairs.sort { $0.0 < $1.0 }
            query = queryPairs.map { "\(Self.encode($0.0))=\(Self.encode($0.1))" }
                .joined(separator: "&")
            headers.append(contentsOf: binding.headers)
            if let payload = binding.payload {
                body = payload
            } else if service.protocol == .restJSON && !["GET", "HEAD", "DELETE"].contains(operation.method) {
                body = try Self.jsonBody(input)
                headers.append(("Content-Type", "application/json"))
            }
            if isS3 && endpoint.isCustom { scheme = base.scheme ?? "http" }
        }
        headers.insert(("Host", hostHeader), at: 0)
        let url = "\(scheme)://\(hostHeader)\(path)\(query.isEmpty ? "" : "?" + query)"
        return BuiltRequest(
            method: operation.method, url: url, path: path, query: query, headers: headers, body: body,
            signingRegion: endpoint.signingRegion, signingName: service.signingName, isS3: isS3)
    }

    static func jsonBody<Input: Encodable>(_ input: Input) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .secondsSince1970
        encoder.outputFormatting = [.sortedKeys]
        return Array(try encoder.encode(input))
    }

    /// `/{Bucket}?list-type=2` → (`/{Bucket}`, [("list-type", "2")]).
    static func splitTemplate(_ template: String) -> (String, [(String, String)]) {
        guard let mark = template.firstIndex(of: "?") else { return (template, []) }
        let pairs = template[template.index(after: mark)...].split(separator: "&").map { item -> (String, String) in
            let parts = item.split(separator: "=", maxSplits: 1)
            return (String(parts[0]), parts.count > 1 ? String(parts[1]) : "")
        }
        return (String(template[..<mark]), pairs)
    }

    /// Fills `{Label}` (one segment, `/` encoded) and `{Label+}` (greedy, `/` kept).
    static func expand(
        _ template: String, _ values: [String: String], service: AWSServiceDescriptor, operation: AWSOperationDescriptor
    ) throws -> String {
        var out = ""
        var rest = Substring(template)
        while let open = rest.firstIndex(of: "{") {
            out += rest[..<open]
            guard let close = rest[open...].firstIndex(of: "}") else { break }
            var name = String(rest[rest.index(after: open)..<close])
            let greedy = name.hasSuffix("+")
            if greedy { name.removeLast() }
            guard let value = values[name], !value.isEmpty else {
                throw AWSError(
                    kind: .configuration, code: "MissingParameter", message: "\(name) is required",
                    service: service.name, operation: operation.name)
            }
            out += encode(value, keepSlash: greedy)
            rest = rest[rest.index(after: close)...]
        }
        return out + rest
    }

    static func encode(_ text: String, keepSlash: Bool = false) -> String {
        URIEncoding.encode(text, keepSlash: keepSlash)
    }
}
