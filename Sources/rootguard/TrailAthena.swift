import ArgumentParser
import Foundation
import RootGuard
import RootGuardAWS
import RootGuardModel
import RootGuardReport
import RootGuardTrail

/// `rootguard trail athena`: the table DDL, the hunt as Trino SQL, or the hunt run on Athena.
struct TrailAthena: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "athena", _superCommandName: "rootguard trail",
        abstract:
            "Hunt root activity where the logs are: the CloudTrail table DDL, the detections as SQL, or run on Athena.",
        discussion: """
            --print-ddl prints CREATE EXTERNAL TABLE in the schema AWS documents for CloudTrail in Athena, with partition \
            projection over account, region and day (organization layout with --org-id). Regions are enumerated (the \
            --region values, or every region of the partition); accounts are enumerated from --account, or from the \
            organization with --org-id --list-accounts (Organizations ListAccounts), else injected: Athena then \
            refuses any query that does not name them. So --print-sql and a run need --account (the accounts to hunt) \
            or --all-accounts (the table enumerates its accounts). --print-sql prints one Trino \
            SELECT returning one row per detection of `trail` (partition predicates from --since/--until/--account/\
            --region so Athena reads only those days, accounts and regions). Without either, it runs the query \
            (StartQueryExecution, GetQueryExecution with backoff, GetQueryResults), applies bursts and approvals, \
            prints the report like `trail` and the data scanned with its cost on stderr. Exit codes as for trail: \
            0 nothing unexpected, 3 unexpected root activity, 4 some returned row could not be read, 1 error, 64 usage.
            """)

    @Flag(help: "Print the CREATE EXTERNAL TABLE statement.")
    var printDdl = false

    @Flag(help: "Print the hunt's SELECT.")
    var printSql = false

    @Option(help: "The trail's bucket (for --print-ddl).")
    var bucket: String?

    @Option(help: "The key prefix before AWSLogs/ (for --print-ddl).")
    var prefix: String = ""

    @Option(help: "The organization id, for an organization trail's layout AWSLogs/o-…/ACCOUNT/ (for --print-ddl).")
    var orgId: String?

    @Option(
        name: .customLong("account"), help: "An account (repeatable): projection values, and a filter.",
        transform: AccountID.argument)
    var accounts: [AccountID] = []

    @Option(name: .customLong("region"), help: "A region (repeatable): projection values, and a filter.")
    var regions: [String] = []

    @Flag(help: "With --print-ddl --org-id: enumerate the organization's accounts (Organizations ListAccounts).")
    var listAccounts = false

    @Flag(help: "Hunt every account: the table enumerates its accounts (its DDL named them), so no account is named.")
    var allAccounts = false

    @Option(help: "The table name.")
    var table: String = "cloudtrail_logs"

    @Option(help: "The Glue database.")
    var database: String = "default"

    @Option(help: "The Athena workgroup (to run).")
    var workgroup: String = "primary"

    @Option(help: "s3:// location for the results (default: the workgroup's).")
    var outputLocation: String?

    @Option(help: "Only records at or after this time (ISO 8601 or 7d, 12h, 30m).")
    var since: String?

    @Option(help: "Only records at or before this time.")
    var until: String?

    @OptionGroup var analysis: TrailAnalysisArguments

    @Option(help: "table (default), jsonl, json, ocsf, asff, csv or html.")
    var output: TrailFormat = .table

    @OptionGroup(title: "AWS (to run the query)") var aws: AWSConnectionOptions

    @Option(help: "Region of the AWS client (Athena's region).")
    var clientRegion: String?

    func validate() throws {
        if printDdl && printSql { throw ValidationError("choose --print-ddl or --print-sql") }
        if printDdl && bucket == nil { throw ValidationError("--print-ddl needs --bucket") }
        if listAccounts && (!printDdl || orgId == nil) {
            throw ValidationError("--list-accounts goes with --print-ddl --org-id")
        }
        if listAccounts && !accounts.isEmpty { throw ValidationError("choose --account or --list-accounts") }
        if allAccounts && !accounts.isEmpty { throw ValidationError("choose --account or --all-accounts") }
        do {
            if printDdl {
                _ = try ddl()
            } else {
                _ = try sql(now: Date())
            }
            if let outputLocation, !outputLocation.hasPrefix("s3://") {
                throw ValidationError("--output-location must be an s3:// URI")
            }
            if workgroup.matchesWhole(#"^[a-zA-Z0-9._-]{1,128}$"#) == false {
                throw ValidationError("--workgroup '\(TerminalSafe.escape(workgroup))' is not a workgroup name")
            }
        } catch let error as AthenaSQL.Invalid {
            throw ValidationError(error.description)
        } catch let error as TimeArgument.Invalid {
            throw ValidationError(error.description)
        }
        if let problem = aws.resolvedRegion(clientRegion).partition.problem(with: regions) {
            throw ValidationError("--region: \(TerminalSafe.escape(problem))")
        }
        // Athena refuses a query on an injected projection column without a static condition on it
        // (CONSTRAINT_VIOLATION); rootguard's DDL injects `account` unless it enumerated the accounts.
        if !printDdl && accounts.isEmpty && !allAccounts {
            throw ValidationError(
                "name the accounts to hunt with --account (Athena refuses a query that does not name the values of the table's injected account column), or --all-accounts when the table's DDL enumerated them"
            )
        }
    }

    /// The DDL; `listed` are the organization's accounts when --list-accounts read them.
    func ddl(listed: [AccountID] = []) throws -> String {
        // Regions are always enumerated (given, or the partition's): no query then has to name them.
        let enumerated = regions.isEmpty ? aws.resolvedRegion(clientRegion).partition.regions.map(\.rawValue) : regions
        return try AthenaSQL.ddl(
            table: table, database: database,
            location: .init(
                bucket: bucket ?? "", prefix: prefix, organizationID: orgId, accounts: accounts + listed,
                regions: enumerated))
    }

    /// The organization's accounts, for --list-accounts.
    func organizationAccounts() async throws -> [AccountID] {
        try await Auditor.withClient(aws.clientFactory(region: clientRegion)) { client in
            var found: [AccountID] = []
            for try await page in client.organizations().listAccountsPaginator(.init()) {
                found += (page.accounts ?? []).compactMap { $0.id.flatMap(AccountID.init(rawValue:)) }
            }
            return found.sorted()
        }
    }

    func sql(now: Date) throws -> String {
        try AthenaSQL.select(
            table: table, database: database,
            filters: .init(
                since: try since.map { try TimeArgument.parse($0, now: now, flag: "--since") },
                until: try until.map { try TimeArgument.parse($0, now: now, flag: "--until") },
                accounts: accounts, regions: regions, includeServiceEvents: analysis.includeServiceEvents))
    }

    func run() async throws {
        var code: Int32 = 0
        try await runReportingErrors {
            if printDdl {
                return try Output.stdout(try ddl(listed: listAccounts ? try await organizationAccounts() : []))
            }
            let query = try sql(now: Date())
            if printSql { return try Output.stdout(query) }
            let analysis = try self.analysis.options()
            let (result, region) = try await Auditor.withClient(aws.clientFactory(region: clientRegion)) { client in
                (
                    try await AthenaHunt.run(
                        sql: query, database: database, workgroup: workgroup, outputLocation: outputLocation,
                        client: client, analysis: analysis),
                    client.configuration.region
                )
            }
            let context = TrailRenderContext(
                region: region.rawValue, partition: region.partition.name, generatedAt: Date(),
                color: Output.useColor)
            try ReportOutput.write(result.report, format: output, context: context, to: nil)
            Output.stderr(TrailAthenaRenderer.summary(result))
            code = result.report.exitCode
        }
        if code != 0 { throw ExitCode(code) }
    }
}

extension TrailAthenaRenderer {
    static func summary(_ result: AthenaHunt.Result) -> String {
        summary(
            queryExecutionID: result.queryExecutionID, rows: result.report.stats.records,
            dataScannedBytes: result.dataScannedBytes, engineMilliseconds: result.engineMilliseconds,
            costUSD: result.estimatedCostUSD)
    }
}
