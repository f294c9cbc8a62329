import ArgumentParser
import Foundation
import RootGuard
import RootGuardAWS
import RootGuardModel
import RootGuardReport

/// Where a report goes: standard output, or `--output-file` (written to a temporary file, then renamed).
enum ReportOutput {
    static func write(_ text: String, to file: String?) throws {
        if let file {
            try OutputFile.write(Data(text.utf8), to: file)
        } else {
            try Output.stdout(text)
        }
    }
}

/// The audit's formats.
enum AuditFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json, sarif, ocsf, asff, junit, csv, html

    func render(_ report: ReportV1, context: AuditReportContext, terminal: () -> String) throws -> String {
        switch self {
        case .text: terminal()
        case .json: try JSONReportRenderer.render(report) + "\n"
        case .sarif: try SARIFRenderer.render(report, context: context)
        case .ocsf: try OCSFRenderer.audit(report, context: context)
        case .asff: try ASFFRenderer.document(ASFFRenderer.audit(report, context: context))
        case .junit: JUnitRenderer.render(report, context: context)
        case .csv: CSVRenderer.audit(report)
        case .html: HTMLRenderer.audit(report, context: context)
        }
    }
}

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
struct Diff: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract:
            "Compare two audit reports (--output json, one account or --org): new failures, fixed, still failing.",
        discussion:
            "Exit codes: 0 no regression, 2 NEW has a FAIL that OLD did not, 1 error (unreadable or mismatched reports)."
    )

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, json, html }

    @Argument(help: "The earlier report (rootguard audit --output json).")
    var old: String

    @Argument(help: "The later report.")
    var new: String

    @Option(help: "text, json or html.")
    var output: Format = .text

    @Option(help: "Write the diff to this file instead of standard output.")
    var outputFile: String?

    func run() async throws {
        var regression = false
        try await runReportingErrors {
            let diff = ReportDiff(old: try ReportFile.load(old), new: try ReportFile.load(new))
            let text: String =
                switch output {
                case .text: DiffRenderer.text(diff)
                case .json: try DiffRenderer.json(diff)
                case .html: HTMLRenderer.diff(diff)
                }
            try ReportOutput.write(text, to: outputFile)
            regression = diff.hasRegression
        }
        if regression { throw ExitCode(2) }
    }
}
