import Foundation
import RootGuardAWS
import RootGuardModel
import RootGuardTrail

/// `trail athena` (run): starts the generated query, polls it with backoff, reads every page of results, and turns
/// the rows into `trail`'s report (bursts and approvals applied here, as for local scans).
public enum AthenaHunt {
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    public struct Result: Sendable {
        public var report: TrailReport
        public var queryExecutionID: String
        public var dataScannedBytes: Int?
        public var engineMilliseconds: Int?

        /// Athena's price: 5 USD per TB scanned, at least 10 MB per query.
        public var estimatedCostUSD: Double? {
            dataScannedBytes.map { Double(max($0, 10_000_000)) / 1_000_000_000_000 * 5 }
        }
    }

    public static let requiredActions = [
        "athena:StartQueryExecution", "athena:GetQueryExecution", "athena:GetQueryResults", "glue:GetTable",
        "glue:GetDatabase", "s3:GetObject", "s3:ListBucket", "s3:GetBucketLocation", "s3:PutObject",
    ]

    public static func run(
        sql: String, database: String, workgroup: String, outputLocation: String?, client: AWSClient,
        analysis: TrailAnalysisOptions, firstPoll: Duration = .milliseconds(200), maxPoll: Duration = .seconds(5),
        deadline: Duration = .seconds(1800)
    ) async throws -> Result {
        let athena = client.athena()
        let started = try await athena.startQueryExecution(
            .init(
                queryString: sql, queryExecutionContext: .init(database: database),
                resultConfiguration: outputLocation.map { .init(outputLocation: $0) }, workGroup: workgroup))
        guard let id = started.queryExecutionId else {
            throw Failure(description: "athena StartQueryExecution returned no query execution id")
        }
        var delay = firstPoll
        let clock = ContinuousClock()
        let begin = clock.now
        var execution: Athena.QueryExecution?
        while true {
            execution = try await athena.getQueryExecution(.init(queryExecutionId: id)).queryExecution
            let state = execution?.status?.state ?? "UNKNOWN"
            if state == "SUCCEEDED" { break }
            if state == "FAILED" || state == "CANCELLED" {
                let reason = execution?.status?.stateChangeReason ?? execution?.status?.athenaError?.errorMessage
                throw Failure(description: "athena query \(id) \(state): \(reason ?? "no reason given")")
            }
            guard clock.now - begin < deadline else {
                throw Failure(description: "athena query \(id) still \(state) after \(deadline); not waiting longer")
            }
            try await Task.sleep(for: delay)
            delay = min(delay * 2, maxPoll)
        }
        var detections: [Detection] = []
        var problems: [InputProblem] = []
        var header: [String]?
        var rows = 0
        for try await page in athena.getQueryResultsPaginator(.init(queryExecutionId: id, maxResults: 1000)) {
            for row in page.resultSet?.rows ?? [] {
                let values = row.data?.map(\.varCharValue) ?? []
                if header == nil {
                    header = values.map { $0 ?? "" }
                    guard header == AthenaSQL.columns else {
                        throw Failure(
                            description:
                                "athena query \(id) returned columns \((header ?? []).joined(separator: ",")), not rootguard's"
                        )
                    }
                    continue
                }
                rows += 1
                if let detection = AthenaSQL.detection(row: values, source: "athena:\(id)") {
                    detections.append(detection)
                } else {
                    problems.append(
                        InputProblem(input: "athena:\(id)", message: "row \(rows) is not a detection rootguard knows"))
                }
            }
        }
        var stats = ScanStats()
        stats.inputs = 1
        stats.records = rows
        let report = TrailAnalysis.finish(
            detections, stats: stats, problems: problems, options: analysis, inflater: "athena")
        return Result(
            report: report, queryExecutionID: id, dataScannedBytes: execution?.statistics?.dataScannedInBytes,
            engineMilliseconds: execution?.statistics?.engineExecutionTimeInMillis)
    }
}
