import ArgumentParser
import Foundation
import RootGuard
import RootGuardAWS
import RootGuardFiles
import RootGuardModel
import RootGuardReport
import RootGuardTrail

/// Where a report goes: standard output, or `--output-file` (written to a temporary file, then renamed).
enum ReportOutput {
    static func write(_ text: String, to file: String?) throws {
        if let file {
            try OutputFile.write(Data(text.utf8), to: file)
        } else {
            try Output.stdout(text)
        }
    }

    /// A trail report written as it is rendered (every format streams its detections).
    static func write(_ report: TrailReport, format: TrailFormat, context: TrailRenderContext, to file: String?) throws
    {
        if let file {
            try OutputFile.stream(to: file) { try Render.render(report, format: format, context: context, into: &$0) }
        } else {
            var sink = StandardOutputSink()
            try Render.render(report, format: format, context: context, into: &sink)
            try sink.flush()
        }
    }
}

extension OutputFile.Writer: TextSink {}

/// Standard output in pieces of 256 KiB.
struct StandardOutputSink: TextSink {
    private var buffer = ""

    mutating func write(_ text: String) throws {
        buffer += text
        if buffer.utf8.count >= 1 << 18 { try flush() }
    }

    mutating func flush() throws {
        guard !buffer.isEmpty else { return }
        try Output.stdout(buffer)
        buffer = ""
    }
}

extension AuditFormat: ExpressibleByArgument {}
extension TrailFormat: ExpressibleByArgument {}
extension DiffFormat: ExpressibleByArgument {}

/// `--import-to-securityhub`: one line on stderr with the outcome; failures name the finding and the error.
enum SecurityHubImportCommand {
    static func run(_ findings: [JSONValue], makeClient: @Sendable () throws -> AWSClient) async throws -> Bool {
        let outcome = try await Auditor.withClient(makeClient) { try await SecurityHubImport.run(findings, client: $0) }
        Output.stderr(
            "Security Hub: \(outcome.imported) of \(findings.count) findings imported in \(outcome.calls) BatchImportFindings calls\n"
        )
        for failure in outcome.failed {
            Output.stderr(
                "error: Security Hub refused \(TerminalSafe.escape(failure.id)): \(TerminalSafe.escape(failure.error))\n"
            )
        }
        return outcome.failed.isEmpty
    }
}

/// `rootguard diff OLD.json NEW.json`.
/// Two reports that cannot be compared.
struct ReportMismatch: Error, CustomStringConvertible {
    let description: String
}

struct Diff: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract:
            "Compare two audit reports (--output json, one account or --org): new failures, fixed, still failing.",
        discussion: """
            A finding judged in OLD (PASS or FAIL) and NOT_EVALUATED or MANUAL in NEW is coverage lost: rootguard can no \
            longer tell (lost permissions, a skipped region, a missing attestation), and it is a regression unless \
            --allow-coverage-loss is given. Fixed means FAIL → PASS or NOT_APPLICABLE only. Exit codes: 0 no regression, \
            2 a regression (a new FAIL, or coverage lost), 1 error (unreadable or mismatched reports), 64 usage.
            """
    )

    @Argument(help: "The earlier report (rootguard audit --output json).")
    var old: String

    @Argument(help: "The later report.")
    var new: String

    @Option(help: "text, json or html.")
    var output: DiffFormat = .text

    @Option(help: "Write the diff to this file instead of standard output.")
    var outputFile: String?

    @Flag(help: "Report coverage lost (judged before, not evaluated now) without calling it a regression.")
    var allowCoverageLoss = false

    func run() async throws {
        var regression = false
        try await runReportingErrors {
            let (before, after) = (try ReportFile.load(old), try ReportFile.load(new))
            if let why = ReportDiff.mismatch(old: before, new: after) { throw ReportMismatch(description: why) }
            let diff = ReportDiff(old: before, new: after, allowCoverageLoss: allowCoverageLoss)
            try ReportOutput.write(try Render.render(diff, format: output), to: outputFile)
            regression = diff.exitCode != 0
        }
        if regression { throw ExitCode(2) }
    }
}
