import Foundation

/// Athena's rule for partition projection, which DuckDB does not apply: for every column a table projects as
/// `injected`, the query's WHERE clause must hold a static equality (`col = 'x'`) or `col IN ('x', …)` condition, and
/// no other condition on it ("CONSTRAINT_VIOLATION: For the injected projected partition column …, the WHERE clause
/// must contain only static equality conditions, and at least one such condition must be present", Athena User Guide,
/// "Use dynamic ID partitioning").
enum AthenaProjectionRule {
    /// The injected columns of a `CREATE EXTERNAL TABLE` (`'projection.<col>.type'='injected'`).
    static func injectedColumns(_ ddl: String) -> [String] {
        let pattern = try! NSRegularExpression(pattern: #"'projection\.([a-z_]+)\.type'\s*=\s*'injected'"#)
        return pattern.matches(in: ddl, range: NSRange(ddl.startIndex..., in: ddl)).compactMap {
            Range($0.range(at: 1), in: ddl).map { String(ddl[$0]) }
        }
    }

    /// The SQL with its `--` comments removed and every string literal blanked to `''` (neither holds a condition).
    static func codeOnly(_ sql: String) -> String {
        var out = ""
        var inLiteral = false
        var inComment = false
        var previous: Character = " "
        for c in sql {
            if inComment {
                if c == "\n" {
                    inComment = false
                    out.append(c)
                }
            } else if inLiteral {
                // A doubled quote inside a literal reads as a close and a reopen: the blanked text stays '' ''.
                if c == "'" {
                    inLiteral = false
                    out.append(c)
                }
            } else if c == "'" {
                inLiteral = true
                out.append(c)
            } else if c == "-" && previous == "-" {
                out.removeLast()
                inComment = true
            } else {
                out.append(c)
            }
            previous = inComment ? " " : c
        }
        return out
    }

    /// What Athena would refuse in `sql` on the table `ddl` defines; empty when it runs.
    static func violations(ddl: String, sql: String) -> [String] {
        let code = codeOnly(sql)
        var problems: [String] = []
        for column in injectedColumns(ddl) {
            let use = try! NSRegularExpression(pattern: #"(?<![A-Za-z0-9_."])"?\#(column)"?(?![A-Za-z0-9_"])"#)
            let staticCondition = try! NSRegularExpression(
                pattern: #"^"?\#(column)"?\s*(=\s*''|IN\s*\(\s*''(\s*,\s*'')*\s*\))"#, options: [.caseInsensitive])
            let uses = use.matches(in: code, range: NSRange(code.startIndex..., in: code))
            var equalities = 0
            for match in uses {
                let rest = String(code[Range(match.range, in: code)!.lowerBound...])
                if staticCondition.firstMatch(in: rest, range: NSRange(rest.startIndex..., in: rest)) != nil {
                    equalities += 1
                } else {
                    problems.append("\(column): a condition that is not a static equality")
                }
            }
            if equalities == 0 { problems.append("\(column): injected, but the query names no value for it") }
        }
        return problems
    }
}
