// swift-tools-version:5.3
// The fuzz targets: one `.target` with a `main.swift` each (SwiftPM 5.3 builds such a target as an executable that
// links with libFuzzer when built with -sanitize=fuzzer; an `.executableTarget` does not). Build and run them with
// Scripts/fuzz; the logic of each lives in the main package's RootGuardFuzzing library, which the normal test
// suite also uses to replay Corpus/ and Crashes/.
import PackageDescription

/// Target name as `Scripts/fuzz` knows it, and the executable's name.
let fuzzTargets: [(String, String)] = [
    ("splitter", "FuzzSplitter"),
    ("record-parser", "FuzzRecordParser"),
    ("prefilter", "FuzzPrefilter"),
    ("log-filter-pattern", "FuzzLogFilterPattern"),
    ("event-pattern", "FuzzEventPattern"),
    ("policy", "FuzzPolicy"),
    ("aws-config", "FuzzAWSConfig"),
    ("xml-shape", "FuzzXMLShape"),
    ("json-error", "FuzzJSONError"),
    ("credential-report", "FuzzCredentialReport"),
    ("approvals", "FuzzApprovals"),
    ("attestations", "FuzzAttestations"),
    ("snapshot", "FuzzSnapshot"),
    ("trail-scan", "FuzzTrailScan"),
    ("watch-message", "FuzzWatchMessage"),
    ("diff-reports", "FuzzDiffReports"),
    ("contacts", "FuzzContacts"),
    ("respond-inputs", "FuzzRespondInputs"),
    ("log-integrity", "FuzzLogIntegrity"),
    ("harden-inputs", "FuzzHardenInputs"),
    ("s3-listing", "FuzzS3Listing"),
]

let package = Package(
    name: "RootGuardFuzzTesting",
    dependencies: [.package(name: "rootguard", path: "..")],
    targets: fuzzTargets.map { _, executable in
        .target(name: executable, dependencies: [.product(name: "RootGuardFuzzing", package: "rootguard")])
    }
)
