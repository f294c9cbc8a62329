#!/usr/bin/env python3
"""Runs `rootguard trail athena --print-sql` on a local CloudTrail folder with DuckDB standing in for Athena.

  python3 athena_duckdb.py CORPUS SQL_FILE [DDL_FILE]

Loads every `*/CloudTrail/<region>/YYYY/MM/DD/*.json.gz` under CORPUS (single-account and organization layouts)
into a table `cloudtrail_logs` in the column schema AWS documents for CloudTrail in Athena (lower-case names,
`useridentity` a STRUCT with `sessioncontext`, `requestparameters`/`responseelements`/`additionaleventdata` JSON
text, `readonly` a string) with the partition columns `account`, `region` and `timestamp` taken from the key, as
partition projection gives them. The Trino SQL is transpiled to DuckDB with sqlglot. Prints one JSON line per
returned row (column → value). With DDL_FILE, first checks that the DDL parses as Hive/Athena DDL with sqlglot.
"""
import json
import sys

import duckdb
import sqlglot

LAYOUT = r"AWSLogs/(?:o-[a-z0-9]+/)?([0-9]{12})/CloudTrail/([a-z0-9-]+)/([0-9]{4}/[0-9]{2}/[0-9]{2})/"


def s(path):
    """A JSON string field as VARCHAR (NULL when absent or null)."""
    return f"(r->>'{path}')"


def text(path):
    """A JSON field kept as JSON text, as the CloudTrail SerDe keeps requestParameters and the like."""
    return f"CASE WHEN (r->'{path}') IS NULL OR json_type(r->'{path}') = 'NULL' THEN NULL ELSE CAST(r->'{path}' AS VARCHAR) END"


def main():
    corpus, sql_path = sys.argv[1], sys.argv[2]
    if len(sys.argv) > 3:
        ddl = open(sys.argv[3]).read()
        sqlglot.parse_one(ddl, read="hive")
    con = duckdb.connect()
    pattern = f"{corpus}/AWSLogs/**/CloudTrail/*/*/*/*/*.json.gz"
    identity = "(r->'userIdentity')"
    session = f"({identity}->'sessionContext')"
    con.execute(f"""
        CREATE TABLE raw AS
        SELECT unnest(CAST(json->'Records' AS JSON[])) AS r, filename
        FROM read_json_objects('{pattern}', filename = true, compression = 'gzip', maximum_object_size = 268435456)
    """)
    con.execute(f"""
        CREATE TABLE cloudtrail_logs AS
        SELECT
          {s('eventVersion')} AS eventversion,
          struct_pack(
            type := {identity}->>'type', principalid := {identity}->>'principalId', arn := {identity}->>'arn',
            accountid := {identity}->>'accountId', invokedby := {identity}->>'invokedBy',
            accesskeyid := {identity}->>'accessKeyId', username := {identity}->>'userName',
            sessioncontext := CASE WHEN {session} IS NULL OR json_type({session}) = 'NULL' THEN NULL ELSE struct_pack(
              attributes := struct_pack(mfaauthenticated := {session}->'attributes'->>'mfaAuthenticated',
                                        creationdate := {session}->'attributes'->>'creationDate'),
              sessionissuer := struct_pack(type := {session}->'sessionIssuer'->>'type',
                                           arn := {session}->'sessionIssuer'->>'arn')) END
          ) AS useridentity,
          {s('eventTime')} AS eventtime, {s('eventSource')} AS eventsource, {s('eventName')} AS eventname,
          {s('awsRegion')} AS awsregion, {s('sourceIPAddress')} AS sourceipaddress, {s('userAgent')} AS useragent,
          {s('errorCode')} AS errorcode, {s('errorMessage')} AS errormessage,
          {text('requestParameters')} AS requestparameters, {text('responseElements')} AS responseelements,
          {text('additionalEventData')} AS additionaleventdata, {s('requestID')} AS requestid,
          {s('eventID')} AS eventid, {s('readOnly')} AS readonly, {s('eventType')} AS eventtype,
          {s('apiVersion')} AS apiversion, {s('recipientAccountId')} AS recipientaccountid,
          {text('serviceEventDetails')} AS serviceeventdetails, {s('sharedEventID')} AS sharedeventid,
          {s('vpcEndpointId')} AS vpcendpointid, {s('eventCategory')} AS eventcategory,
          {s('sessionCredentialFromConsole')} AS sessioncredentialfromconsole,
          regexp_extract(filename, '{LAYOUT}', 1) AS account,
          regexp_extract(filename, '{LAYOUT}', 2) AS region,
          regexp_extract(filename, '{LAYOUT}', 3) AS "timestamp"
        FROM raw
    """)
    sql = open(sql_path).read()
    translated = sqlglot.transpile(sql, read="trino", write="duckdb")[0]
    translated = translated.replace('"default"."cloudtrail_logs"', "cloudtrail_logs")
    cursor = con.execute(translated)
    columns = [d[0] for d in cursor.description]
    rows = cursor.fetchall()
    count = con.execute("SELECT count(*) FROM cloudtrail_logs").fetchone()[0]
    print(json.dumps({"records": count, "rows": len(rows)}), file=sys.stderr)
    for row in rows:
        print(json.dumps(dict(zip(columns, [None if v is None else str(v) for v in row]))))


if __name__ == "__main__":
    main()
