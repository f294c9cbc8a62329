import Foundation
import Testing

/// Every DDL rootguard prints and every SQL it prints or runs with the options that go with it: none breaks Athena's
/// projection rule (which DuckDB, the SQL's test engine, does not enforce).
@Suite struct AthenaProjectionCLITests {
    static let ddlBase = ["trail", "athena", "--print-ddl", "--bucket", "org-trail-logs"]

    /// The DDL variants and the SQL option sets that may query each: a table whose accounts are injected is queried
    /// with --account only; one that enumerates them also with --all-accounts.
    static let pairs: [(ddl: [String], sql: [[String]])] = [
        (
            [],
            [
                ["--account", "111122223333"], ["--account", "111122223333", "--account", "222233334444"],
                ["--account", "111122223333", "--region", "eu-west-1", "--since", "2026-10-01"],
            ]
        ),
        (
            ["--org-id", "o-a1b2c3d4e5"],
            [["--account", "111122223333", "--region", "us-east-1", "--region", "eu-west-1"]]
        ),
        (
            ["--account", "111122223333", "--account", "222233334444"],
            [["--all-accounts"], ["--all-accounts", "--region", "us-east-1"], ["--account", "222233334444"]]
        ),
        (
            ["--account", "111122223333", "--region", "us-east-1"],
            [["--all-accounts"], ["--all-accounts", "--region", "us-east-1", "--include-service-events"]]
        ),
    ]

    @Test func noPrintedPairBreaksAthenasInjectedProjectionRule() throws {
        for (ddlOptions, sqlOptions) in Self.pairs {
            let ddl = try CLI.run(Self.ddlBase + ddlOptions, environment: [:])
            #expect(ddl.status == 0, "\(ddlOptions): \(ddl.stderr)")
            // Regions are always enumerated (the partition's when none is named): no query has to name them.
            #expect(!ddl.stdout.contains("'projection.region.type'='injected'"))
            #expect(ddl.stdout.contains("ap-southeast-7") || ddlOptions.contains("--region"))
            for options in sqlOptions {
                let sql = try CLI.run(["trail", "athena", "--print-sql"] + options, environment: [:])
                #expect(sql.status == 0, "\(options): \(sql.stderr)")
                #expect(
                    AthenaProjectionRule.violations(ddl: ddl.stdout, sql: sql.stdout) == [],
                    "DDL \(ddlOptions) with SQL \(options)")
            }
        }
    }

    /// The rule itself can fail: the pair that Athena refused before (an injected account column, no account named)
    /// and a non-static condition are both caught.
    @Test func theRuleCatchesWhatAthenaRefuses() throws {
        let ddl = try CLI.run(Self.ddlBase, environment: [:]).stdout
        #expect(AthenaProjectionRule.injectedColumns(ddl) == ["account"])
        let named = try CLI.run(["trail", "athena", "--print-sql", "--account", "111122223333"], environment: [:])
            .stdout
        let unnamed = named.replacingOccurrences(of: "account IN ('111122223333')", with: "1 = 1")
        #expect(unnamed != named)
        #expect(
            AthenaProjectionRule.violations(ddl: ddl, sql: unnamed) == [
                "account: injected, but the query names no value for it"
            ])
        let like = named.replacingOccurrences(of: "account IN ('111122223333')", with: "account LIKE '1111%'")
        #expect(
            AthenaProjectionRule.violations(ddl: ddl, sql: like).first
                == "account: a condition that is not a static equality")
        // And printing SQL that names no account is refused, naming the option.
        let refused = try CLI.run(["trail", "athena", "--print-sql"], environment: [:])
        #expect(refused.status == 64)
        #expect(refused.stderr.contains("--account") && refused.stderr.contains("--all-accounts"))
    }
}
