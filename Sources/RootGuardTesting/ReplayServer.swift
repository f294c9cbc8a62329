import AsyncHTTPClient
import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix
import RootGuardModel

/// A loopback AWS endpoint that answers an organization of any size at memory speed, for benchmarks of
/// `audit --org` that measure rootguard and the network's latency, not moto's request rate.
///
/// It works in two steps. **Record**: as a proxy in front of moto, it keeps every request rootguard sends for a small
/// organization (ten members, whose classes repeat: in an OU or not, with root credentials or not) and moto's answer.
/// **Replay**: it serves an organization of N synthetic members, each standing in for the recorded member of its class
/// (`k mod 10`): a request signed with member k's credentials gets the recorded answer of its template with the
/// template's account ID replaced by k's, the organization's listings (ListAccounts, ListAccountsForParent) are
/// synthesised for all N members, paginated as AWS does (20 per page), and AssumeRoot/AssumeRole hand out credentials
/// whose access key names the member. Every answer can be held back by a fixed latency, and requests beyond a
/// per-account rate get AWS's throttling error (Query or JSON protocol), as AWS's per-account limits would.
public final class ReplayServer: Sendable {
    /// One exchange as recorded.
    public struct Exchange: Codable, Sendable {
        /// The account whose credentials signed the request (nil: unsigned or unknown key).
        public var account: String?
        public var service: String
        public var method: String
        public var uri: String
        public var target: String?
        public var contentType: String?
        public var body: String
        public var status: Int
        public var responseContentType: String?
        public var response: String
    }

    /// How a replay behaves.
    public struct Options: Sendable {
        public var members: Int
        /// Added before every answer.
        public var latency: Double
        /// Requests per second each account may send to each service before it is throttled (nil: never).
        public var throttleRate: Double?
        /// Synthetic members (by index) whose requests are never answered: an account whose calls hang.
        public var hanging: Set<Int>
        public init(members: Int, latency: Double = 0, throttleRate: Double? = nil, hanging: Set<Int> = []) {
            self.members = members
            self.latency = latency
            self.throttleRate = throttleRate
            self.hanging = hanging
        }
    }

    /// Counters, printed when the server stops.
    public struct Counters: Sendable {
        public var requests = 0
        public var throttled = 0
        public var unmatched = 0
        public var unmatchedExamples: [String] = []
    }

    let channel: any Channel
    let counters: NIOLockedValueBox<Counters>
    public var port: Int { channel.localAddress?.port ?? 0 }
    public var endpoint: String { "http://127.0.0.1:\(port)" }
    public var currentCounters: Counters { counters.withLockedValue { $0 } }

    init(channel: any Channel, counters: NIOLockedValueBox<Counters>) {
        self.channel = channel
        self.counters = counters
    }

    public func stop() async { try? await channel.close() }

    /// The account ID of synthetic member `index` (0-based), as the replay's ListAccounts gives it.
    public static func memberID(_ index: Int) -> String { ReplayModel.syntheticID(index) }

    // MARK: - Starting

    /// Records: forwards every request to `upstream` and hands each exchange to `record`.
    /// `managementKey`/`managementAccount` name the caller's own credentials.
    public static func record(
        upstream: String, managementKey: String, managementAccount: String,
        record: @escaping @Sendable (Exchange) -> Void
    ) async throws -> ReplayServer {
        let recorder = Recorder(
            upstream: upstream, keys: [managementKey: managementAccount], record: record)
        return try await start { request in try await recorder.forward(request) }
    }

    /// Replays `exchanges` (a recording) for an organization of `options.members` synthetic members.
    public static func replay(_ exchanges: [Exchange], options: Options) async throws -> ReplayServer {
        let model = try ReplayModel(exchanges, members: options.members)
        let counters = NIOLockedValueBox(Counters())
        let limiter = options.throttleRate.map { RateLimiter(rate: $0) }
        let hanging = Set(options.hanging.map(ReplayModel.syntheticID))
        let server = try await start(counters: counters, latency: options.latency) { request in
            if let account = ReplayModel.memberOfKey(request.accessKey ?? ""), hanging.contains(account) {
                return .hang
            }
            if let limiter, let account = model.account(ofKey: request.accessKey),
                !limiter.allow("\(account)/\(request.service)")
            {
                counters.withLockedValue { $0.throttled += 1 }
                return Self.throttled(request)
            }
            if let answer = model.answer(request) { return answer }
            counters.withLockedValue {
                $0.unmatched += 1
                if $0.unmatchedExamples.count < 5 {
                    $0.unmatchedExamples.append(
                        "\(request.service) \(request.target ?? request.uri) \(request.body.prefix(160))")
                }
            }
            return Response(
                status: 400, contentType: "text/xml",
                body:
                    "<ErrorResponse><Error><Type>Sender</Type><Code>ReplayMissing</Code><Message>no recorded answer for this request</Message></Error></ErrorResponse>"
            )
        }
        return server
    }

    static func throttled(_ request: Request) -> Response {
        if request.target != nil || request.contentType?.contains("json") == true {
            return Response(
                status: 400, contentType: "application/x-amz-json-1.1",
                body: #"{"__type":"ThrottlingException","message":"Rate exceeded"}"#)
        }
        return Response(
            status: 400, contentType: "text/xml",
            body:
                "<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error></ErrorResponse>"
        )
    }

    struct Request: Sendable {
        var method: String
        var uri: String
        var service: String
        var accessKey: String?
        var target: String?
        var contentType: String?
        var headers: [(String, String)]
        var body: String
    }

    struct Response: Sendable {
        /// Never answered (the connection stays open).
        static let hang = Response(status: 0, contentType: nil, body: "")
        var status: Int
        var contentType: String?
        var body: String
    }

    private static func start(
        counters: NIOLockedValueBox<Counters> = NIOLockedValueBox(Counters()), latency: Double = 0,
        answer: @escaping @Sendable (Request) async throws -> Response
    ) async throws -> ReplayServer {
        let bootstrap = ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 1024)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.pipeline.configureHTTPServerPipeline().flatMap {
                    channel.pipeline.addHandler(Handler(counters: counters, latency: latency, answer: answer))
                }
            }
        let channel = try await bootstrap.bind(host: "127.0.0.1", port: 0).get()
        return ReplayServer(channel: channel, counters: counters)
    }

    final class Handler: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart

        let counters: NIOLockedValueBox<Counters>
        let latency: Double
        let answer: @Sendable (Request) async throws -> Response
        var parts = HTTPRequestAccumulator()

        init(
            counters: NIOLockedValueBox<Counters>, latency: Double,
            answer: @escaping @Sendable (Request) async throws -> Response
        ) {
            self.counters = counters
            self.latency = latency
            self.answer = answer
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            if let (head, body) = parts.add(unwrapInboundIn(data)) {
                counters.withLockedValue { $0.requests += 1 }
                let authorization = head.headers.first(name: "Authorization") ?? ""
                let (key, service) = Self.credentialScope(authorization)
                let request = Request(
                    method: head.method.rawValue, uri: head.uri, service: service ?? "unknown", accessKey: key,
                    target: head.headers.first(name: "X-Amz-Target"),
                    contentType: head.headers.first(name: "Content-Type"),
                    headers: head.headers.map { ($0.name, $0.value) }, body: String(decoding: body, as: UTF8.self))
                let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
                let eventLoop = context.eventLoop
                let started = NIODeadline.now()
                let latency = self.latency
                let keepAlive = head.isKeepAlive
                let answer = self.answer
                Task {
                    let response: Response
                    do {
                        response = try await answer(request)
                    } catch {
                        response = Response(status: 502, contentType: "text/plain", body: "replay server: \(error)")
                    }
                    // The latency counts from the request's arrival, as a network round trip would.
                    if response.status == 0 { return }  // hang
                    let due = started + .milliseconds(Int64(latency * 1000))
                    eventLoop.scheduleTask(deadline: due) {
                        let (handler, context) = loopBound.value
                        handler.write(context: context, response, keepAlive: keepAlive)
                    }
                }
            }
        }

        func write(context: ChannelHandlerContext, _ response: Response, keepAlive: Bool) {
            var headers = HTTPHeaders()
            if let type = response.contentType { headers.add(name: "Content-Type", value: type) }
            headers.add(name: "Content-Length", value: String(response.body.utf8.count))
            headers.add(name: "x-amzn-RequestId", value: "replay")
            if !keepAlive { headers.add(name: "Connection", value: "close") }
            let head = HTTPResponseHead(
                version: .http1_1, status: HTTPResponseStatus(statusCode: response.status), headers: headers)
            context.write(wrapOutboundOut(.head(head)), promise: nil)
            context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: response.body)))), promise: nil)
            if keepAlive {
                context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
            } else {
                let channel = context.channel
                context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in channel.close(promise: nil) }
            }
        }

        /// The access key and service of a SigV4 `Authorization` header.
        static func credentialScope(_ header: String) -> (String?, String?) {
            guard let range = header.range(of: "Credential=") else { return (nil, nil) }
            let scope = header[range.upperBound...].prefix { $0 != "," && $0 != " " }.split(separator: "/")
            guard scope.count >= 4 else { return (nil, nil) }
            return (String(scope[0]), String(scope[3]))
        }
    }
}

// MARK: - Recording

/// Forwards to moto and learns which access key belongs to which account (from AssumeRoot/AssumeRole answers).
final class Recorder: Sendable {
    let upstream: String
    let keys: NIOLockedValueBox<[String: String]>
    let record: @Sendable (ReplayServer.Exchange) -> Void
    let client = HTTPClient.shared

    init(upstream: String, keys: [String: String], record: @escaping @Sendable (ReplayServer.Exchange) -> Void) {
        self.upstream = upstream
        self.keys = NIOLockedValueBox(keys)
        self.record = record
    }

    func forward(_ request: ReplayServer.Request) async throws -> ReplayServer.Response {
        var outgoing = HTTPClientRequest(url: upstream + request.uri)
        outgoing.method = HTTPMethod(rawValue: request.method)
        for (name, value) in request.headers where name.lowercased() != "host" {
            outgoing.headers.add(name: name, value: value)
        }
        outgoing.body = .bytes(ByteBuffer(string: request.body))
        let response = try await client.execute(outgoing, timeout: .seconds(120))
        let bytes = try await response.body.collect(upTo: 256 << 20)
        let text = String(buffer: bytes)
        let contentType = response.headers.first(name: "Content-Type")
        // A member's temporary credentials: remember whose they are.
        if (200..<300).contains(Int(response.status.code)),
            let member = ReplayModel.assumedAccount(request),
            let key = ReplayModel.element("AccessKeyId", in: text)
        {
            keys.withLockedValue { $0[key] = member }
        }
        let account = request.accessKey.flatMap { key in keys.withLockedValue { $0[key] } }
        record(
            ReplayServer.Exchange(
                account: account, service: request.service, method: request.method, uri: request.uri,
                target: request.target, contentType: request.contentType, body: request.body,
                status: Int(response.status.code), responseContentType: contentType, response: text))
        return ReplayServer.Response(status: Int(response.status.code), contentType: contentType, body: text)
    }
}

// MARK: - Replaying

/// The recorded organization and the synthetic one that stands on it.
final class ReplayModel: @unchecked Sendable {  // immutable after init but for the locked `progress`
    /// The recorded members, in the order ListAccounts gave them (the seed's order).
    let templates: [String]
    let management: String?
    let members: Int
    /// Recorded answers by account and request key, in recording order.
    let answers: [String: [ReplayServer.Response]]
    /// Per synthetic account and key: how many answers of a sequence were given (GenerateCredentialReport…).
    let progress = NIOLockedValueBox<[String: Int]>([:])
    /// ListAccounts' entries of the templates and the management account (JSON objects).
    let accountEntries: [String: [String: Any]]
    /// The parent of each template member (from ListAccountsForParent).
    let parentOfTemplate: [String: String]
    let accountsResponseType: String?
    /// Each SCP's recorded targets (ListTargetsForPolicy), all pages.
    let policyTargets: [String: [[String: Any]]]
    /// Each SCP's summary (ListPolicies), for ListPoliciesForTarget answers synthesised from the targets.
    let policySummaries: [String: [String: Any]]

    /// Synthetic member IDs: "8" and eleven digits.
    static func syntheticID(_ index: Int) -> String { "8" + String(format: "%011d", index) }
    static func syntheticIndex(_ id: String) -> Int? {
        guard id.count == 12, id.hasPrefix("8"), let value = Int(id.dropFirst()) else { return nil }
        return value
    }

    struct ModelError: Error, CustomStringConvertible {
        var description: String
    }

    init(_ exchanges: [ReplayServer.Exchange], members: Int) throws {
        self.members = members
        // The management account signs the account listings; the templates are the other accounts they list.
        var entries: [String: [String: Any]] = [:]
        var order: [String] = []
        var management: String?
        var parents: [String: String] = [:]
        var responseType: String?
        var targets: [String: [[String: Any]]] = [:]
        var seenTargets: Set<String> = []
        var summaries: [String: [String: Any]] = [:]
        for exchange in exchanges where exchange.status == 200 {
            if exchange.target?.hasSuffix(".ListPolicies") == true,
                let object = try? JSONSerialization.jsonObject(with: Data(exchange.response.utf8)) as? [String: Any]
            {
                for summary in object["Policies"] as? [[String: Any]] ?? [] {
                    if let id = summary["Id"] as? String { summaries[id] = summary }
                }
            }
            if exchange.target?.hasSuffix(".ListTargetsForPolicy") == true,
                let request = try? JSONSerialization.jsonObject(with: Data(exchange.body.utf8)) as? [String: Any],
                let policy = request["PolicyId"] as? String,
                let object = try? JSONSerialization.jsonObject(with: Data(exchange.response.utf8)) as? [String: Any]
            {
                for target in object["Targets"] as? [[String: Any]] ?? [] {
                    guard let id = target["TargetId"] as? String, seenTargets.insert(policy + "/" + id).inserted
                    else { continue }
                    targets[policy, default: []].append(target)
                }
            }
            // ListAccounts, or the tree's ListAccountsForParent (rootguard reads the tree instead when it can).
            if exchange.target?.hasSuffix(".ListAccounts") == true
                || exchange.target?.hasSuffix(".ListAccountsForParent") == true
            {
                management = exchange.account
                responseType = exchange.responseContentType
                for entry in Self.accounts(in: exchange.response) {
                    guard let id = entry["Id"] as? String else { continue }
                    if entries[id] == nil { order.append(id) }
                    entries[id] = entry
                }
            }
            if exchange.target?.hasSuffix(".ListAccountsForParent") == true,
                let request = try? JSONSerialization.jsonObject(with: Data(exchange.body.utf8)) as? [String: Any],
                let parent = request["ParentId"] as? String
            {
                for entry in Self.accounts(in: exchange.response) {
                    if let id = entry["Id"] as? String { parents[id] = parent }
                }
            }
        }
        let templates = order.filter { $0 != management }
        guard !templates.isEmpty else { throw ModelError(description: "the recording lists no member accounts") }
        self.templates = templates
        self.management = management
        self.accountEntries = entries
        self.parentOfTemplate = parents
        self.accountsResponseType = responseType
        self.policyTargets = targets
        self.policySummaries = summaries
        var answers: [String: [ReplayServer.Response]] = [:]
        for exchange in exchanges {
            let request = ReplayServer.Request(
                method: exchange.method, uri: exchange.uri, service: exchange.service, accessKey: nil,
                target: exchange.target, contentType: exchange.contentType, headers: [], body: exchange.body)
            let key = Self.key(request, account: exchange.account ?? "-")
            answers[key, default: []].append(
                ReplayServer.Response(
                    status: exchange.status, contentType: exchange.responseContentType, body: exchange.response))
        }
        self.answers = answers
    }

    /// The template standing for synthetic member `index`.
    func template(_ index: Int) -> String { templates[index % templates.count] }

    /// The account a replayed access key belongs to: a synthetic member's keys name it, others are the management's.
    func account(ofKey key: String?) -> String? {
        guard let key else { return nil }
        if let id = Self.memberOfKey(key) { return id }
        return management
    }

    /// Synthetic credentials: `ASIA` + the account ID + `RGRP` (20 characters, as AWS's).
    static func key(for account: String) -> String { "ASIA" + account + "RGRP" }
    static func memberOfKey(_ key: String) -> String? {
        guard key.count == 20, key.hasPrefix("ASIA"), key.hasSuffix("RGRP") else { return nil }
        return String(key.dropFirst(4).prefix(12))
    }

    static func key(_ request: ReplayServer.Request, account: String) -> String {
        [account, request.service, request.method, request.uri, request.target ?? "", request.body].joined(
            separator: "\u{1}")
    }

    func answer(_ request: ReplayServer.Request) -> ReplayServer.Response? {
        if let target = request.target {
            if target.hasSuffix(".ListAccounts") { return listAccounts(request, parent: nil) }
            if target.hasSuffix(".ListAccountsForParent") {
                let body = (try? JSONSerialization.jsonObject(with: Data(request.body.utf8))) as? [String: Any]
                return listAccounts(request, parent: body?["ParentId"] as? String ?? "")
            }
            if target.hasSuffix(".ListTargetsForPolicy") { return listTargets(request) }
            if target.hasSuffix(".ListPoliciesForTarget") { return listPolicies(request) }
        }
        // Whose request, and which template stands for it.
        let signer = account(ofKey: request.accessKey) ?? "-"
        let signerIndex = Self.syntheticIndex(signer)
        var recordedSigner = signer
        if let signerIndex { recordedSigner = template(signerIndex) }
        // Every synthetic member named in the request stands for its template.
        var substitutions: [(synthetic: String, template: String)] = []
        var body = request.body
        var uri = request.uri
        for id in Self.syntheticIDs(in: request.body + " " + request.uri) {
            guard let index = Self.syntheticIndex(id) else { continue }
            substitutions.append((id, template(index)))
        }
        if let signerIndex, !substitutions.contains(where: { $0.synthetic == signer }) {
            substitutions.append((signer, template(signerIndex)))
        }
        for (synthetic, template) in substitutions {
            body = body.replacingOccurrences(of: synthetic, with: template)
            uri = uri.replacingOccurrences(of: synthetic, with: template)
        }
        var recorded = request
        recorded.body = body
        recorded.uri = uri
        let key = Self.key(recorded, account: recordedSigner)
        guard let sequence = answers[key], !sequence.isEmpty else { return nil }
        // A sequence (report generation started, then complete) is replayed in order per account; the last repeats.
        let progressKey = ([signer] + substitutions.map(\.synthetic)).joined(separator: ",") + "\u{1}" + key
        let index = progress.withLockedValue { state -> Int in
            let value = state[progressKey, default: 0]
            state[progressKey] = value + 1
            return value
        }
        var response = sequence[min(index, sequence.count - 1)]
        for (synthetic, template) in substitutions {
            response.body = Self.substitute(template, with: synthetic, in: response.body)
        }
        // Credentials handed to a member name it, so that its later requests can be told apart.
        if let member = Self.assumedAccount(request), Self.syntheticIndex(member) != nil,
            let recordedKey = Self.element("AccessKeyId", in: response.body)
        {
            response.body = response.body.replacingOccurrences(of: recordedKey, with: Self.key(for: member))
        }
        return response
    }

    /// Replaces an account ID in an answer, inside base64 `<Content>` (IAM's credential report) too.
    static func substitute(_ template: String, with synthetic: String, in body: String) -> String {
        var result = body.replacingOccurrences(of: template, with: synthetic)
        if let content = element("Content", in: result), let data = Data(base64Encoded: content),
            let text = String(data: data, encoding: .utf8), text.contains(template)
        {
            let replaced = Data(text.replacingOccurrences(of: template, with: synthetic).utf8).base64EncodedString()
            result = result.replacingOccurrences(of: content, with: replaced)
        }
        return result
    }

    /// ListAccounts (parent nil) or ListAccountsForParent, synthesised for every member, 20 per page.
    func listAccounts(_ request: ReplayServer.Request, parent: String?) -> ReplayServer.Response {
        let body = (try? JSONSerialization.jsonObject(with: Data(request.body.utf8))) as? [String: Any] ?? [:]
        let start = (body["NextToken"] as? String).flatMap { Int($0.replacingOccurrences(of: "rg-", with: "")) } ?? 0
        let pageSize = min(20, (body["MaxResults"] as? Int) ?? 20)
        // The management account first (outside any OU in the recording's tree, as the seed puts it), then members.
        var ids: [String] = []
        if let management, parent == nil || parentOfTemplate[management] == parent { ids.append(management) }
        let total = members + ids.count
        var page: [[String: Any]] = []
        var position = start
        while page.count < pageSize && position < total {
            defer { position += 1 }
            if position < ids.count {
                if let entry = accountEntries[ids[position]] { page.append(entry) }
                continue
            }
            let index = position - ids.count
            let template = template(index)
            if let parent, parentOfTemplate[template] != parent { continue }
            guard var entry = accountEntries[template] else { continue }
            let id = Self.syntheticID(index)
            for (field, value) in entry {
                if let text = value as? String { entry[field] = text.replacingOccurrences(of: template, with: id) }
            }
            if let email = entry["Email"] as? String { entry["Email"] = "m\(index)-" + email }
            if let name = entry["Name"] as? String { entry["Name"] = "\(name)-\(index)" }
            page.append(entry)
        }
        var result: [String: Any] = ["Accounts": page]
        if position < total { result["NextToken"] = "rg-\(position)" }
        return json(result)
    }

    /// ListTargetsForPolicy: the recorded targets, where a template account stands for every member of its class.
    func listTargets(_ request: ReplayServer.Request) -> ReplayServer.Response? {
        let body = (try? JSONSerialization.jsonObject(with: Data(request.body.utf8))) as? [String: Any] ?? [:]
        guard let policy = body["PolicyId"] as? String, let recorded = policyTargets[policy] else { return nil }
        var fixed: [[String: Any]] = []
        var classes: Set<String> = []
        for target in recorded {
            if let id = target["TargetId"] as? String, templates.contains(id) {
                classes.insert(id)
            } else {
                fixed.append(target)
            }
        }
        let templateTarget = Dictionary(
            recorded.compactMap { t in (t["TargetId"] as? String).map { ($0, t) } }, uniquingKeysWith: { a, _ in a })
        let start = (body["NextToken"] as? String).flatMap { Int($0.replacingOccurrences(of: "rg-", with: "")) } ?? 0
        let pageSize = min(20, (body["MaxResults"] as? Int) ?? 20)
        let total = fixed.count + (classes.isEmpty ? 0 : members)
        var page: [[String: Any]] = []
        var position = start
        while page.count < pageSize && position < total {
            defer { position += 1 }
            if position < fixed.count {
                page.append(fixed[position])
                continue
            }
            let index = position - fixed.count
            let template = template(index)
            guard classes.contains(template), var entry = templateTarget[template] else { continue }
            let id = Self.syntheticID(index)
            for (field, value) in entry {
                if let text = value as? String { entry[field] = text.replacingOccurrences(of: template, with: id) }
            }
            page.append(entry)
        }
        var result: [String: Any] = ["Targets": page]
        if position < total { result["NextToken"] = "rg-\(position)" }
        return json(result)
    }

    /// ListPoliciesForTarget, from the recorded targets of every policy (a member's as its template's).
    func listPolicies(_ request: ReplayServer.Request) -> ReplayServer.Response? {
        let body = (try? JSONSerialization.jsonObject(with: Data(request.body.utf8))) as? [String: Any] ?? [:]
        guard var target = body["TargetId"] as? String else { return nil }
        if let index = Self.syntheticIndex(target), index < members { target = template(index) }
        let policies = policyTargets.filter { _, targets in targets.contains { ($0["TargetId"] as? String) == target } }
            .keys.sorted().compactMap { policySummaries[$0] }
        return json(["Policies": policies])
    }

    /// A synthesised Organizations answer.
    func json(_ object: [String: Any]) -> ReplayServer.Response {
        let data = (try? JSONSerialization.data(withJSONObject: object)) ?? Data("{}".utf8)
        return ReplayServer.Response(
            status: 200, contentType: accountsResponseType ?? "application/x-amz-json-1.1",
            body: String(decoding: data, as: UTF8.self))
    }

    static func accounts(in response: String) -> [[String: Any]] {
        guard let object = try? JSONSerialization.jsonObject(with: Data(response.utf8)) as? [String: Any],
            let accounts = object["Accounts"] as? [[String: Any]]
        else { return [] }
        return accounts
    }

    /// The member an AssumeRoot (TargetPrincipal) or AssumeRole (RoleArn) request is for.
    static func assumedAccount(_ request: ReplayServer.Request) -> String? {
        let body = request.body + "&" + (request.uri.split(separator: "?").dropFirst().first.map(String.init) ?? "")
        let fields = body.split(separator: "&").map { $0.split(separator: "=", maxSplits: 1).map(String.init) }
        let form = Dictionary(
            fields.filter { $0.count == 2 }.map { ($0[0], $0[1].removingPercentEncoding ?? $0[1]) },
            uniquingKeysWith: { a, _ in a })
        guard let action = form["Action"] else { return nil }
        if action == "AssumeRoot" { return form["TargetPrincipal"] }
        if action == "AssumeRole", let arn = form["RoleArn"] {
            return ARN(rawValue: arn)?.accountField
        }
        return nil
    }

    /// The text of the first `<name>…</name>` element.
    static func element(_ name: String, in xml: String) -> String? {
        guard let open = xml.range(of: "<\(name)>"),
            let close = xml.range(of: "</\(name)>", range: open.upperBound..<xml.endIndex)
        else { return nil }
        return String(xml[open.upperBound..<close.lowerBound])
    }

    /// Twelve-digit runs starting with 8 (synthetic account IDs) in a text.
    static func syntheticIDs(in text: String) -> Set<String> {
        var found: Set<String> = []
        let bytes = Array(text.utf8)
        var i = 0
        while i < bytes.count {
            guard bytes[i] >= 0x30 && bytes[i] <= 0x39 else {
                i += 1
                continue
            }
            var j = i
            while j < bytes.count, bytes[j] >= 0x30 && bytes[j] <= 0x39 { j += 1 }
            if j - i == 12, bytes[i] == 0x38 { found.insert(String(decoding: bytes[i..<j], as: UTF8.self)) }
            i = j
        }
        return found
    }
}

/// A token bucket per name: `rate` requests a second, bursts of one second's worth.
final class RateLimiter: Sendable {
    let rate: Double
    let buckets = NIOLockedValueBox<[String: (tokens: Double, at: NIODeadline)]>([:])

    init(rate: Double) { self.rate = rate }

    func allow(_ name: String) -> Bool {
        let now = NIODeadline.now()
        return buckets.withLockedValue { buckets in
            var bucket = buckets[name] ?? (tokens: rate, at: now)
            let elapsed = Double((now - bucket.at).nanoseconds) / 1e9
            bucket.tokens = min(rate, bucket.tokens + elapsed * rate)
            bucket.at = now
            let allowed = bucket.tokens >= 1
            if allowed { bucket.tokens -= 1 }
            buckets[name] = bucket
            return allowed
        }
    }
}
