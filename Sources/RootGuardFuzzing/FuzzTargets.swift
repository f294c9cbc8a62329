import CRootGuardInflate
import Foundation
import RootGuardAWS
import RootGuardChecks
import RootGuardCollect
import RootGuardFiles
import RootGuardHarden
import RootGuardModel
import RootGuardPatterns
import RootGuardPolicy
import RootGuardReport
import RootGuardTrail

/// Every parser's fuzz target, one function each: the libFuzzer mains in FuzzTesting/ call them under the fuzzer
/// and sanitizers, and the normal test suite replays the committed corpora and crashers through the same
/// functions (no sanitizer build in CI). A target returns normally on any input; it traps only when an invariant
/// breaks (a differential disagreement), which the fuzzer reports as a crash.
public enum FuzzTargets {
    public static let all: [String: @Sendable (UnsafeRawBufferPointer) -> Void] = [
        "splitter": splitter, "record-parser": recordParser, "prefilter": prefilter,
        "log-filter-pattern": logFilterPattern, "event-pattern": eventPattern, "policy": policy,
        "aws-config": awsConfig, "xml-shape": xmlShape, "json-error": jsonError,
        "credential-report": credentialReport, "approvals": approvals, "attestations": attestations,
        "snapshot": snapshot, "trail-scan": trailScan, "watch-message": watchMessage, "diff-reports": diffReports,
        "contacts": contacts, "harden-inputs": hardenInputs, "s3-listing": s3Listing,
        "respond-inputs": respondInputs, "log-integrity": logIntegrity,
    ]

    public static func run(_ name: String, _ data: UnsafeRawBufferPointer) {
        guard let target = all[name] else { fatalError("no fuzz target \(name)") }
        target(data)
    }

    static func text(_ data: UnsafeRawBufferPointer) -> String { String(decoding: data, as: UTF8.self) }

    /// The record splitter fed whole and fed in two chunks cut at a position the input chooses: the same records.
    static func splitter(_ data: UnsafeRawBufferPointer) {
        guard !data.isEmpty else { return }
        func split(_ chunks: [UnsafeRawBufferPointer]) -> ([[UInt8]], String?, Int) {
            var splitter = RecordSplitter(maxRecordBytes: 1 << 16)
            var records: [[UInt8]] = []
            for chunk in chunks { splitter.feed(chunk) { record, _ in records.append(Array(record)) } }
            splitter.finish()
            return (records, splitter.failure, splitter.records)
        }
        let whole = split([data])
        let cut = Int(data[0]) % data.count
        let parts = split([
            UnsafeRawBufferPointer(rebasing: data[..<cut]), UnsafeRawBufferPointer(rebasing: data[cut...]),
        ])
        precondition(whole.0 == parts.0 && whole.2 == parts.2, "chunking changed the records")
    }

    /// rootguard's record parser against Foundation's: whatever one accepts as an object, the other reads alike.
    static func recordParser(_ data: UnsafeRawBufferPointer) {
        guard let value = try? RecordParser.parse(data) else { return }
        let encoded = try! JSONEncoder().encode(value)
        let again = try! JSONDecoder().decode(JSONValue.self, from: encoded)
        precondition(again == value, "a parsed record does not survive encoding")
    }

    /// The SIMD prefilter (AVX2 and the best available) against the scalar one: the same hits and record count.
    static func prefilter(_ data: UnsafeRawBufferPointer) {
        func scan(_ level: Int32) -> ([Int], Int) {
            var hits = [Int](repeating: 0, count: 256)
            var records = 0
            let count = hits.withUnsafeMutableBufferPointer {
                rg_scan_hits_level(level, data.baseAddress, data.count, &records, $0.baseAddress, $0.count)
            }
            return (Array(hits.prefix(min(count, hits.count))), count * 1_000_000 + records)
        }
        let scalar = scan(0)
        precondition(scan(1) == scalar && scan(2) == scalar, "SIMD and scalar prefilters disagree")
    }

    static func logFilterPattern(_ data: UnsafeRawBufferPointer) {
        _ = RootPatternVerdicts.metricFilter(text(data))
    }

    /// Parsed and judged for sign-in and for API coverage (each judgement matches every canonical event).
    static func eventPattern(_ data: UnsafeRawBufferPointer) {
        _ = RootPatternVerdicts.coveredCategories(ofEventRule: text(data))
    }

    /// A policy document parsed and evaluated for root and for an AssumeRoot session, alone and as an SCP path.
    static func policy(_ data: UnsafeRawBufferPointer) {
        guard let document = try? PolicyDocument.parse(text(data)) else { return }
        for context in [
            RequestContext.root(account: "111122223333", action: "iam:CreateAccessKey"),
            RequestContext.root(account: "111122223333", action: "s3:GetObject", assumedRoot: true),
        ] {
            _ = PolicyEvaluator.evaluate([("fuzz", document)], context)
            _ = SCPEvaluator.evaluate(
                levels: [.init(target: "r-fuzz", policies: [.init(name: "fuzz", document: document)])], context)
        }
    }

    static func awsConfig(_ data: UnsafeRawBufferPointer) {
        let half = data.isEmpty ? 0 : Int(data[0]) % data.count
        _ = try? AWSConfigFiles.parse(
            config: text(UnsafeRawBufferPointer(rebasing: data[..<half])),
            credentials: text(UnsafeRawBufferPointer(rebasing: data[half...])))
    }

    static func xmlShape(_ data: UnsafeRawBufferPointer) {
        guard let node = try? XMLNode.parse(Array(data)) else { return }
        _ = try? XMLShapeDecoder.decode(STS.GetCallerIdentityResponse.self, from: node)
        _ = try? XMLShapeDecoder.decode(IAM.ListVirtualMFADevicesResponse.self, from: node)
        _ = try? XMLShapeDecoder.decode(IAM.GetAccountSummaryResponse.self, from: node)
    }

    static func jsonError(_ data: UnsafeRawBufferPointer) {
        let body = Array(data)
        for service in [STS.service, SecurityHub.service, IAM.service] {
            let error = ErrorDecoding.decode(
                status: 400, headers: .init(status: 400, headers: [("x-amzn-ErrorType", "Fuzz")]), body: body,
                service: service, operation: .init(name: "Fuzz", method: "POST", requestURI: "/", resultWrapper: nil))
            _ = error.description
        }
    }

    static func credentialReport(_ data: UnsafeRawBufferPointer) {
        _ = try? CredentialReportParser.parse(text(data), generatedAt: Date(timeIntervalSince1970: 0))
    }

    static func approvals(_ data: UnsafeRawBufferPointer) {
        _ = try? ApprovalsFile.parse(text(data), name: "fuzz.yaml")
    }

    static let hardened = try? SnapshotFile.example(.hardened)

    /// Parsed, then judged by the checks that read attestations.
    static func attestations(_ data: UnsafeRawBufferPointer) {
        guard let attestations = try? AttestationsFile.parse(text(data), name: "fuzz.yaml"), let snapshot = hardened
        else { return }
        let context = EvaluationContext(now: snapshot.collectedAt, attestations: attestations)
        for check in CheckRegistry.all
        where ["06", "07", "11", "12", "21"].contains(where: {
            type(of: check).metadata.practices.contains(PracticeID(stringLiteral: $0))
        }) {
            _ = check.evaluate(snapshot, context)
        }
    }

    /// A snapshot that decodes is evaluated by every check: no check may trap on facts a file can hold.
    static func snapshot(_ data: UnsafeRawBufferPointer) {
        guard let snapshot = try? SnapshotFile.decode(Data(data), name: "fuzz.json") else { return }
        _ = Evaluator.evaluate(snapshot, context: .init(now: snapshot.collectedAt))
    }

    /// The whole hunt on one input: gzip or plain, split, decoded, detected, correlated.
    static func trailScan(_ data: UnsafeRawBufferPointer) {
        var scan = ScanOutput()
        TrailBufferScanner(filter: TrailFilter(), maxWholeBytes: 1 << 20, maxRecordBytes: 1 << 16)
            .scan(data, name: "fuzz", into: &scan)
        _ = TrailAnalysis.analyse(scan, options: TrailAnalysisOptions())
    }

    /// A queue message body as `watch` reads it, then each record's detections: no input traps.
    static func watchMessage(_ data: UnsafeRawBufferPointer) {
        guard let events = try? WatchMessage.decode(text(data), id: "fuzz") else { return }
        var analysis = StreamingAnalysis(options: TrailAnalysisOptions())
        for event in events { _ = analysis.analyse(event) }
    }

    /// Two audit reports (the input cut in two) compared as `diff` compares them, and rendered.
    static func diffReports(_ data: UnsafeRawBufferPointer) {
        let cut = data.isEmpty ? 0 : Int(data[0]) % data.count
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        guard let old = try? decoder.decode(ReportV1.self, from: Data(data[..<cut])),
            let new = try? decoder.decode(ReportV1.self, from: Data(data[cut...]))
        else { return }
        let diff = ReportDiff(old: old, new: new)
        _ = DiffRenderer.text(diff)
        _ = try? DiffRenderer.json(diff)
        precondition(ReportDiff(old: new, new: new).newFailures.isEmpty, "a report regressed against itself")
    }

    /// `harden contacts --contacts FILE`.
    static func contacts(_ data: UnsafeRawBufferPointer) {
        _ = try? ContactsFile.parse(text(data), name: "fuzz.yaml")
    }

    /// What harden takes from its options and writes into code: a notify target, HCL strings and layout (laid out
    /// once is laid out for good), region lists against the partition.
    static func hardenInputs(_ data: UnsafeRawBufferPointer) {
        let input = text(data)
        _ = try? RootMonitoring.Notify.parse(input)
        let quoted = HCL.string(input)
        precondition(quoted.hasPrefix("\"") && quoted.hasSuffix("\""), "an HCL string is not quoted")
        let laid = HCL.format(input)
        precondition(HCL.format(laid) == laid, "HCL layout is not stable")
        _ = AWSRegion(input).partition.problem(with: input.split(separator: ",").map(String.init))
    }

    /// What `respond` reads from untrusted files: a detections file (json or jsonl, as trail and watch write it) scoped
    /// into incidents, CloudTrail records read for what they left behind and its containment, and the incident report:
    /// no input may put a terminal escape into the Markdown or a tag into the HTML.
    static func respondInputs(_ data: UnsafeRawBufferPointer) {
        let input = text(data)
        let detections = (try? DetectionsFile.parse(Data(input.utf8), name: "fuzz.jsonl")) ?? []
        var artifacts: [SessionAftermath.Artifact] = []
        if let json = try? JSONDecoder().decode(JSONValue.self, from: Data(input.utf8)) {
            let records: [JSONValue]
            if case .object(let object) = json, case .array(let list)? = object["Records"] {
                records = list
            } else {
                records = [json]
            }
            for record in records {
                guard let event = CloudTrailEvent(json: record, source: "fuzz") else { continue }
                if let artifact = SessionAftermath.artifact(event) {
                    artifacts.append(artifact)
                    _ = Containment.containment(of: artifact)
                }
            }
        }
        for incident in Incidents.scope(detections) {
            let report = IncidentReport(
                incident: incident, artifacts: artifacts,
                containment: artifacts.map {
                    .init(title: $0.summary, before: "open: \($0.resource)", step: "planned", after: nil)
                },
                context: .init(
                    rootEmail: input, securityContact: nil, memberWithRootSessions: false,
                    generatedAt: Date(timeIntervalSince1970: 0)))
            let markdown = IncidentMarkdown.render(report)
            precondition(!markdown.unicodeScalars.contains { $0.value == 0x1B }, "an escape reached the Markdown")
            let html = IncidentHTML.render([report], version: "fuzz")
            precondition(!html.contains("<script>document"), "a tag from the input reached the HTML")
        }
    }

    /// An S3 ListObjectsV2 answer (what trail reads from a bucket).
    static func s3Listing(_ data: UnsafeRawBufferPointer) {
        guard let node = try? XMLNode.parse(Array(data)) else { return }
        _ = try? XMLShapeDecoder.decode(S3.ListObjectsV2Output.self, from: node)
    }

    /// A digest or log file as an attacker with root in the account could write it: the streaming digest fed whole
    /// and in two chunks cut where the input chooses gives the same outcome, inflation stays within its limit, and a
    /// digest judged without CloudTrail's keys is never verified.
    static func logIntegrity(_ data: UnsafeRawBufferPointer) {
        let bytes = Array(data)
        let limit = 1 << 20
        let whole = GzipDigest.of(bytes, limit: limit, keep: true)
        let cut = bytes.isEmpty ? 0 : Int(bytes[0]) % (bytes.count + 1)
        let pieces = GzipDigest(limit: limit, keep: true)
        bytes[..<cut].withUnsafeBytes { pieces.feed($0) }
        bytes[cut...].withUnsafeBytes { pieces.feed($0) }
        guard pieces.finish() == whole else { fatalError("log-integrity: chunked and whole inflation disagree") }
        if case .content(_, let size, _, let kept) = whole, size > limit || (kept?.count ?? 0) != size {
            fatalError("log-integrity: inflated past the limit or kept a different size")
        }
        let key =
            "AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2026/12/05/111122223333_CloudTrail-Digest_us-east-1_t_us-east-1_20261205T050000Z.json.gz"
        let digest = LogFileIntegrity.DigestFile(
            bucket: "b", key: key, bytes: bytes, signature: "00", signatureAlgorithm: "SHA256withRSA")
        let start = Date(timeIntervalSince1970: 1_796_443_200)
        let judgement = LogFileIntegrity.judgeDigests(
            [digest], keys: [],
            window: .init(start: start, end: start.addingTimeInterval(7200), now: start.addingTimeInterval(86_400)))
        if judgement.results.contains(where: { $0.kind == .digest && $0.verdict == .verified })
            || !judgement.logs.isEmpty
        {
            fatalError("log-integrity: a digest verified without any key")
        }
    }
}
