import Foundation
import RootGuardModel

/// `trail athena`: the CloudTrail table AWS documents for Athena (with partition projection) and `trail`'s
/// detections as one Trino `SELECT` over it.
///
/// The SQL is written from the same definitions as `Detector`: the detection catalog (ids and severities), the
/// names other callers are caught by (`RootEventNames`), the root-only tasks and persistence calls (`RootTasks`,
/// `Persistence`), the credential and sign-in rules, in the same order of precedence. A test loads a generated
/// organization corpus into DuckDB in this schema, runs the SQL and requires exactly the local scan's detections.
/// Bursts and approvals are applied by rootguard to the returned rows, as for local scans.
public enum AthenaSQL {
    public struct Invalid: Error, CustomStringConvertible {
        public let description: String
    }

    /// Where the table reads: one account's trail or an organization trail.
    public struct Location: Sendable {
        public var bucket: String
        public var prefix: String
        public var organizationID: String?
        public var accounts: [AccountID]
        public var regions: [String]

        public init(
            bucket: String, prefix: String = "", organizationID: String? = nil, accounts: [AccountID],
            regions: [String]
        ) {
            self.bucket = bucket
            self.prefix = prefix
            self.organizationID = organizationID
            self.accounts = accounts
            self.regions = regions
        }

        /// `s3://bucket/[prefix/]AWSLogs/[o-id/]`.
        var base: String {
            let trimmed = prefix.trimmingCharacters(in: CharacterSet(charactersIn: "/"))
            return "s3://\(bucket)/" + (trimmed.isEmpty ? "" : trimmed + "/") + "AWSLogs/"
                + (organizationID.map { "\($0)/" } ?? "")
        }
    }

    // MARK: - Validation: nothing the user typed reaches the SQL unchecked.

    public static func validateIdentifier(_ name: String, what: String) throws -> String {
        guard name.matchesWhole(#"^[a-z_][a-z0-9_]{0,127}$"#) else {
            throw Invalid(
                description:
                    "\(what) '\(TerminalSafe.escape(name))' must be lower-case letters, digits and underscores (Athena's rule)"
            )
        }
        return name
    }

    public static func validateBucket(_ name: String) throws {
        guard name.matchesWhole(#"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$"#),
            !name.contains("..")
        else { throw Invalid(description: "--bucket '\(TerminalSafe.escape(name))' is not an S3 bucket name") }
    }

    public static func validatePrefix(_ prefix: String) throws {
        guard prefix.matchesWhole(#"^[A-Za-z0-9!_.*()/-]*$"#), !prefix.contains("'")
        else {
            throw Invalid(
                description:
                    "--prefix '\(TerminalSafe.escape(prefix))' has characters rootguard does not put in a table location"
            )
        }
    }

    public static func validateOrganization(_ id: String) throws {
        guard id.matchesWhole(#"^o-[a-z0-9]{10,32}$"#) else {
            throw Invalid(description: "--org-id '\(TerminalSafe.escape(id))' is not an organization id (o-…)")
        }
    }

    public static func validateRegion(_ region: String) throws {
        guard MonitoringFacts.isRegionName(region) else {
            throw Invalid(description: "--region '\(TerminalSafe.escape(region))' is not a region name")
        }
    }

    /// A SQL string literal ('' doubles a quote); only ever given validated or generated text.
    static func literal(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "''") + "'" }

    static func list(_ values: some Sequence<String>) -> String { values.sorted().map(literal).joined(separator: ", ") }

    // MARK: - DDL

    /// `CREATE EXTERNAL TABLE` in the column schema AWS documents for CloudTrail in Athena, with partition
    /// projection over `account`, `region` and `timestamp` (enum projections: Athena advises a few dozen values;
    /// with none given, `injected` makes every query name them).
    public static func ddl(table: String, database: String?, location: Location) throws -> String {
        let table = try validateIdentifier(table, what: "--table")
        let qualified = try database.map { "\(try validateIdentifier($0, what: "--database")).\(table)" } ?? table
        try validateBucket(location.bucket)
        try validatePrefix(location.prefix)
        if let organization = location.organizationID { try validateOrganization(organization) }
        for region in location.regions { try validateRegion(region) }
        var properties: [(String, String)] = [("projection.enabled", "true")]
        if location.accounts.isEmpty {
            properties.append(("projection.account.type", "injected"))
        } else {
            properties.append(("projection.account.type", "enum"))
            properties.append(("projection.account.values", location.accounts.map(\.rawValue).joined(separator: ",")))
        }
        if location.regions.isEmpty {
            properties.append(("projection.region.type", "injected"))
        } else {
            properties.append(("projection.region.type", "enum"))
            properties.append(("projection.region.values", location.regions.joined(separator: ",")))
        }
        properties += [
            ("projection.timestamp.type", "date"), ("projection.timestamp.format", "yyyy/MM/dd"),
            ("projection.timestamp.interval", "1"), ("projection.timestamp.interval.unit", "DAYS"),
            ("projection.timestamp.range", "2013/11/01,NOW"),
            ("storage.location.template", location.base + "${account}/CloudTrail/${region}/${timestamp}"),
        ]
        return """
            CREATE EXTERNAL TABLE \(qualified) (
              eventversion STRING,
              useridentity STRUCT<
                type: STRING,
                principalid: STRING,
                arn: STRING,
                accountid: STRING,
                invokedby: STRING,
                accesskeyid: STRING,
                username: STRING,
                onbehalfof: STRUCT<userid: STRING, identitystorearn: STRING>,
                sessioncontext: STRUCT<
                  attributes: STRUCT<mfaauthenticated: STRING, creationdate: STRING>,
                  sessionissuer: STRUCT<type: STRING, principalid: STRING, arn: STRING, accountid: STRING, username: STRING>,
                  ec2roledelivery: STRING,
                  webidfederationdata: STRUCT<federatedprovider: STRING, attributes: MAP<STRING, STRING>>,
                  sourceidentity: STRING>>,
              eventtime STRING,
              eventsource STRING,
              eventname STRING,
              awsregion STRING,
              sourceipaddress STRING,
              useragent STRING,
              errorcode STRING,
              errormessage STRING,
              requestparameters STRING,
              responseelements STRING,
              additionaleventdata STRING,
              requestid STRING,
              eventid STRING,
              readonly STRING,
              resources ARRAY<STRUCT<arn: STRING, accountid: STRING, type: STRING>>,
              eventtype STRING,
              apiversion STRING,
              recipientaccountid STRING,
              serviceeventdetails STRING,
              sharedeventid STRING,
              vpcendpointid STRING,
              vpcendpointaccountid STRING,
              eventcategory STRING,
              addendum STRUCT<reason: STRING, updatedfields: STRING, originalrequestid: STRING, originaleventid: STRING>,
              sessioncredentialfromconsole STRING,
              edgedevicedetails STRING,
              tlsdetails STRUCT<tlsversion: STRING, ciphersuite: STRING, clientprovidedhostheader: STRING>
            )
            COMMENT 'CloudTrail logs (rootguard trail athena)'
            PARTITIONED BY (`account` STRING, `region` STRING, `timestamp` STRING)
            ROW FORMAT SERDE 'org.apache.hive.hcatalog.data.JsonSerDe'
            STORED AS INPUTFORMAT 'com.amazon.emr.cloudtrail.CloudTrailInputFormat'
            OUTPUTFORMAT 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat'
            LOCATION '\(location.base)'
            TBLPROPERTIES (
            \(properties.map { "  \(literal($0.0))=\(literal($0.1))" }.joined(separator: ",\n"))
            );

            """
    }

    // MARK: - The hunt

    public struct Filters: Sendable {
        public var since: Date?
        public var until: Date?
        public var accounts: [AccountID]
        public var regions: [String]
        public var includeServiceEvents: Bool

        public init(
            since: Date? = nil, until: Date? = nil, accounts: [AccountID] = [], regions: [String] = [],
            includeServiceEvents: Bool = false
        ) {
            self.since = since
            self.until = until
            self.accounts = accounts
            self.regions = regions
            self.includeServiceEvents = includeServiceEvents
        }
    }

    /// The columns every returned row has, in order.
    public static let columns = [
        "eventid", "detection", "severity", "eventtime", "eventname", "eventsource", "recipientaccountid",
        "awsregion", "sourceipaddress", "useragent", "credential", "accesskeyid", "mfaused", "outcome", "errorcode",
        "assumerooteventid", "caller", "taskpolicy", "targetaccount",
    ]

    static func partitionDay(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d/%02d/%02d", parts.year!, parts.month!, parts.day!)
    }

    /// `json_extract_scalar(column, '$.a.b')`.
    static func json(_ column: String, _ path: String) -> String { "json_extract_scalar(\(column), '$.\(path)')" }

    /// One Trino `SELECT`: one row per detection.
    public static func select(table: String, database: String?, filters: Filters) throws -> String {
        let table = try validateIdentifier(table, what: "--table")
        let source =
            try database.map { "\"\(try validateIdentifier($0, what: "--database"))\".\"\(table)\"" }
            ?? "\"\(table)\""
        for region in filters.regions { try validateRegion(region) }

        // Partition predicates first, so that Athena reads only those prefixes; then the record time exactly.
        var where_: [String] = []
        if let since = filters.since {
            where_.append("\"timestamp\" >= \(literal(partitionDay(since)))")
            where_.append("eventtime >= \(literal(TimeArgument.format(since)))")
        }
        if let until = filters.until {
            // A log file's key carries its delivery day, up to about 15 minutes after the event: a record from just
            // before midnight is under the next day's prefix, so the partition bound is one day later.
            where_.append("\"timestamp\" <= \(literal(partitionDay(until.addingTimeInterval(86_400))))")
            where_.append("eventtime <= \(literal(TimeArgument.format(until)))")
        }
        if !filters.accounts.isEmpty { where_.append("account IN (\(list(filters.accounts.map(\.rawValue))))") }
        if !filters.regions.isEmpty { where_.append("region IN (\(list(filters.regions)))") }
        where_.append(
            "(useridentity.type = 'Root' OR eventname IN (\(list(RootEventNames.byOtherCallers))))")

        let selfOnly = list(RootTasks.selfOnlyActions)
        let rootOnly = list(RootTasks.rootOnlyActions)
        let isRootUser = { (column: String) in "(\(column) IN ('AWS ROOT USER', 'root', ''))" }
        let serial =
            "COALESCE(\(json("requestparameters", "serialNumber")), \(json("responseelements", "virtualMFADevice.serialNumber")), '')"
        let mfaChange = """
            (CASE
                    WHEN req_user IS NOT NULL THEN \(isRootUser("req_user"))
                    WHEN \(serial) LIKE '%:mfa/root-account-mfa-device' OR strpos(\(serial), ':u2f/root/') > 0 THEN true
                    WHEN \(json("requestparameters", "virtualMFADeviceName")) IS NOT NULL
                      THEN \(json("requestparameters", "virtualMFADeviceName")) = 'root-account-mfa-device'
                    ELSE \(serial) = '' OR eventname IN ('EnableMFADevice', 'DeactivateMFADevice')
                  END)
            """
        let severities = DetectionCatalog.all.map { "WHEN \(literal($0.id)) THEN \(literal($0.severity.rawValue))" }
            .joined(separator: " ")
        let serviceEvents =
            filters.includeServiceEvents
            ? "\n  UNION ALL\n  SELECT j.*, 'root-service-event', 'service' FROM judged j WHERE branch = 'service'" : ""
        let trustDocument =
            "COALESCE(\(json("requestparameters", "assumeRolePolicyDocument")), \(json("requestparameters", "policyDocument")))"

        return """
            -- rootguard \(RootGuardVersion.current): trail's detections over the CloudTrail table (Trino / Athena engine v3).
            -- Bursts of failed sign-ins and approvals are applied by rootguard to these rows.
            WITH records AS (
              SELECT DISTINCT
                eventid, eventtime, eventname, eventsource, eventtype, awsregion, sourceipaddress, useragent, errorcode,
                errormessage, readonly, requestparameters, responseelements, additionaleventdata,
                sessioncredentialfromconsole,
                COALESCE(recipientaccountid, useridentity.accountid) AS recipientaccountid,
                useridentity.type AS identitytype,
                useridentity.invokedby AS invokedby,
                NULLIF(useridentity.accesskeyid, '') AS accesskeyid,
                useridentity.arn AS callerarn,
                useridentity.sessioncontext IS NOT NULL AS hassession,
                useridentity.sessioncontext.attributes.mfaauthenticated AS sessionmfa,
                \(json("requestparameters", "userName")) AS req_user,
                CASE WHEN eventsource LIKE '%.amazonaws.com'
                  THEN substr(eventsource, 1, length(eventsource) - 14) ELSE eventsource END || ':' || eventname AS action
              FROM \(source)
              WHERE \(where_.joined(separator: "\n    AND "))
            ),
            branched AS (
              SELECT *,
                CASE
                  WHEN eventname = 'AssumeRoot' AND eventsource = 'sts.amazonaws.com' AND identitytype IS DISTINCT FROM 'Root' THEN 'assume'
                  WHEN eventname IN ('StartPrimaryEmailUpdate', 'AcceptPrimaryEmailUpdate') THEN 'email'
                  WHEN starts_with(eventname, 'PasswordRecovery') AND eventsource = 'signin.amazonaws.com'
                    THEN CASE WHEN identitytype IS NULL OR identitytype IN ('Root', 'Unknown') THEN 'recovery' ELSE 'none' END
                  WHEN identitytype IS DISTINCT FROM 'Root' THEN 'none'
                  WHEN eventtype = 'AwsServiceEvent' OR (invokedby IS NOT NULL AND invokedby <> 'signin.amazonaws.com') THEN 'service'
                  WHEN eventsource = 'signin.amazonaws.com' THEN 'signin'
                  WHEN eventtype = 'AwsConsoleSignIn' THEN 'consoleaction'
                  ELSE 'api'
                END AS branch,
                CASE
                  WHEN starts_with(COALESCE(accesskeyid, ''), 'AKIA') THEN 'access-key'
                  WHEN lower(COALESCE(sessioncredentialfromconsole, '')) = 'true' OR invokedby = 'signin.amazonaws.com' THEN 'console-session'
                  WHEN starts_with(COALESCE(useragent, ''), 'console.') OR useragent = 'signin.amazonaws.com'
                    OR strpos(COALESCE(useragent, ''), 'Console/') > 0 THEN 'console-session'
                  WHEN starts_with(COALESCE(accesskeyid, ''), 'ASIA') OR hassession THEN 'session'
                  ELSE 'access-key'
                END AS apicredential,
                CASE
                  WHEN errorcode IS NOT NULL OR errormessage IS NOT NULL THEN 'failure'
                  WHEN eventsource = 'signin.amazonaws.com' AND eventname = 'ConsoleLogin'
                    AND lower(\(json("responseelements", "ConsoleLogin"))) = 'failure' THEN 'failure'
                  ELSE 'success'
                END AS outcome,
                CASE
                  WHEN eventname = 'ConsoleLogin' THEN lower(COALESCE(\(json("additionaleventdata", "MFAUsed")), '')) = 'yes'
                  WHEN sessionmfa IS NOT NULL THEN lower(sessionmfa) = 'true'
                END AS mfaused,
                CASE
                  WHEN readonly IS NOT NULL THEN lower(readonly) <> 'true'
                  ELSE NOT (starts_with(eventname, 'Get') OR starts_with(eventname, 'List') OR starts_with(eventname, 'Describe')
                    OR starts_with(eventname, 'Head') OR starts_with(eventname, 'Lookup') OR starts_with(eventname, 'Search')
                    OR starts_with(eventname, 'Check'))
                END AS istask,
                req_user IS NOT NULL AND NOT \(isRootUser("req_user")) AS forother,
                \(mfaChange) AS rootmfachange,
                \(trustDocument) AS trustdocument
              FROM records
            ),
            judged AS (
              SELECT *,
                CASE
                  WHEN action NOT IN (\(rootOnly)) THEN false
                  WHEN action IN (\(selfOnly)) AND req_user IS NOT NULL THEN \(isRootUser("req_user"))
                  WHEN starts_with(action, 'iam:') AND strpos(action, 'MFA') > 0 THEN rootmfachange
                  ELSE true
                END AS requiresroot,
                CASE
                  WHEN eventsource <> 'iam.amazonaws.com' THEN NULL
                  WHEN eventname IN ('CreateAccessKey') AND NOT forother THEN 'root-access-key-created'
                  WHEN eventname IN ('UpdateAccessKey') AND NOT forother THEN 'root-access-key-updated'
                  WHEN eventname IN ('DeleteAccessKey') AND NOT forother THEN 'root-access-key-deleted'
                  WHEN eventname IN ('UploadSigningCertificate') AND NOT forother THEN 'root-signing-certificate-uploaded'
                  WHEN eventname IN ('CreateLoginProfile') AND NOT forother THEN 'root-login-profile-created'
                  WHEN eventname IN ('DeleteLoginProfile') AND NOT forother THEN 'root-login-profile-deleted'
                  WHEN eventname = 'CreateVirtualMFADevice' AND rootmfachange THEN 'root-mfa-created'
                  WHEN eventname = 'DeactivateMFADevice' AND rootmfachange THEN 'root-mfa-deactivated'
                  WHEN eventname = 'DeleteVirtualMFADevice' AND rootmfachange THEN 'root-mfa-deleted'
                  WHEN eventname IN ('EnableMFADevice', 'ResyncMFADevice') AND rootmfachange THEN 'root-mfa-enabled'
                  WHEN eventname IN (\(list(Persistence.alwaysPersistence))) THEN 'root-persistence'
                  WHEN eventname IN (\(list(Persistence.forOtherUsers))) AND forother THEN 'root-persistence'
                  WHEN eventname IN ('CreateRole', 'UpdateAssumeRolePolicy') AND trustdocument IS NOT NULL
                    AND (regexp_like(trustdocument, '"Principal"\\s*:\\s*"\\*"')
                      OR regexp_like(trustdocument, '"AWS"\\s*:\\s*(\\[[^\\]]*)?"\\*"')
                      OR regexp_like(
                        regexp_replace(
                          array_join(regexp_extract_all(trustdocument, '"AWS"\\s*:\\s*(\\[[^\\]]*\\]|"[^"]*")'), ' '),
                          'arn:aws[a-z-]*:(iam|sts)::' || recipientaccountid || ':|"' || recipientaccountid || '"', ''),
                        '[0-9]{12}'))
                    THEN 'root-persistence'
                END AS specific
              FROM branched
            ),
            calls AS (
              SELECT \(json("responseelements", "credentials.accessKeyId")) AS issuedkey, min(eventid) AS calleventid,
                min(callerarn) AS caller,
                min(COALESCE(\(json("requestparameters", "taskPolicyArn.arn")), \(json("requestparameters", "taskPolicyArn")))) AS taskpolicy
              FROM branched
              WHERE branch = 'assume' AND \(json("responseelements", "credentials.accessKeyId")) IS NOT NULL
              GROUP BY 1
            ),
            detections AS (
              SELECT j.*, 'assume-root-requested' AS detection, CASE WHEN starts_with(COALESCE(accesskeyid, ''), 'AKIA') THEN 'access-key' ELSE 'session' END AS credential
                FROM judged j WHERE branch = 'assume'
              UNION ALL
              SELECT j.*, 'root-email-changed', CASE WHEN starts_with(COALESCE(accesskeyid, ''), 'AKIA') THEN 'access-key' ELSE 'session' END
                FROM judged j WHERE branch = 'email'
              UNION ALL
              SELECT j.*, CASE WHEN eventname = 'PasswordRecoveryCompleted' THEN 'root-password-recovery-completed'
                ELSE 'root-password-recovery-requested' END, 'sign-in'
                FROM judged j WHERE branch = 'recovery'
              UNION ALL
              SELECT j.*, CASE
                  WHEN eventname = 'ConsoleLogin' AND outcome = 'failure' THEN 'root-console-login-failure'
                  WHEN eventname = 'ConsoleLogin' AND mfaused THEN 'root-console-login-mfa'
                  WHEN eventname = 'ConsoleLogin' THEN 'root-console-login-no-mfa'
                  WHEN eventname = 'PasswordUpdated' THEN 'root-password-changed'
                  WHEN eventname = 'EmailUpdated' THEN 'root-email-changed'
                  ELSE 'root-sign-in-other' END, 'sign-in'
                FROM judged j WHERE branch = 'signin'
              UNION ALL
              SELECT j.*, 'root-console-action', 'console-session' FROM judged j WHERE branch = 'consoleaction'
              UNION ALL
              SELECT j.*, CASE apicredential WHEN 'access-key' THEN 'root-api-call-access-key'
                WHEN 'console-session' THEN 'root-api-call-console-session' ELSE 'root-api-call-session' END, apicredential
                FROM judged j WHERE branch = 'api'
              UNION ALL
              SELECT j.*, specific, apicredential FROM judged j WHERE branch = 'api' AND specific IS NOT NULL
              UNION ALL
              SELECT j.*, 'root-unneeded-task', apicredential FROM judged j WHERE branch = 'api' AND istask AND NOT requiresroot\(serviceEvents)
            ),
            joined AS (
              SELECT d.*, c.calleventid, c.caller AS callcaller, c.taskpolicy AS calltaskpolicy,
                c.issuedkey IS NOT NULL AS insession
              FROM detections d
              LEFT JOIN calls c ON d.credential = 'session' AND d.accesskeyid = c.issuedkey
            )
            SELECT
              eventid,
              CASE WHEN insession AND detection = 'root-api-call-session' THEN 'assume-root-session-action' ELSE detection END AS detection,
              CASE CASE WHEN insession AND detection = 'root-api-call-session' THEN 'assume-root-session-action' ELSE detection END
                \(severities) END AS severity,
              eventtime, eventname, eventsource, recipientaccountid, awsregion, sourceipaddress, useragent,
              CASE WHEN insession THEN 'assume-root-session' ELSE credential END AS credential,
              accesskeyid,
              CASE WHEN mfaused IS NULL THEN NULL WHEN mfaused THEN 'true' ELSE 'false' END AS mfaused,
              outcome, errorcode,
              calleventid AS assumerooteventid,
              CASE WHEN branch = 'assume' OR branch = 'email' THEN callerarn ELSE callcaller END AS caller,
              CASE WHEN branch = 'assume' THEN COALESCE(\(json("requestparameters", "taskPolicyArn.arn")), \(json("requestparameters", "taskPolicyArn"))) ELSE calltaskpolicy END AS taskpolicy,
              CASE WHEN branch = 'assume' THEN \(json("requestparameters", "targetPrincipal")) END AS targetaccount
            FROM joined
            WHERE NOT (insession AND detection = 'root-unneeded-task')
            ORDER BY eventtime, recipientaccountid, eventid, detection

            """
    }

    /// One returned row (values in `columns` order) as a detection; nil when the row does not name a known
    /// detection or its time does not parse.
    public static func detection(row: [String?], source: String) -> Detection? {
        guard row.count >= columns.count else { return nil }
        func value(_ column: String) -> String? {
            guard let index = columns.firstIndex(of: column), let text = row[index], !text.isEmpty else { return nil }
            return text
        }
        guard let id = value("detection"), let kind = DetectionCatalog.all.first(where: { $0.id == id }),
            let timeText = value("eventtime"), let time = TimeArgument.parseTimestamp(timeText)
        else { return nil }
        var details: [String: String] = [:]
        details["assumeRootEventID"] = value("assumerooteventid")
        details["caller"] = value("caller")
        details["taskPolicy"] = value("taskpolicy")
        if let target = value("targetaccount") {
            details["targetAccount"] = ARN.firstAccount(in: target)?.rawValue ?? target
        }
        return Detection(
            eventID: value("eventid") ?? "", eventTime: time, accountId: value("recipientaccountid") ?? "",
            region: value("awsregion") ?? "", eventName: value("eventname") ?? "",
            eventSource: value("eventsource") ?? "", detection: kind.id, severity: kind.severity, title: kind.title,
            expected: false, approval: nil, source: source, sourceIPAddress: value("sourceipaddress"),
            userAgent: value("useragent"), mfaUsed: value("mfaused").map { $0 == "true" },
            credential: value("credential").flatMap(CredentialKind.init(rawValue:)) ?? .other,
            accessKeyId: value("accesskeyid"), outcome: value("outcome").flatMap(Outcome.init(rawValue:)) ?? .success,
            errorCode: value("errorcode"), details: details)
    }
}
