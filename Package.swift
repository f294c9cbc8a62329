// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "rootguard",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "rootguard", targets: ["rootguard"]),
        .library(name: "RootGuard", targets: ["RootGuard"]),
        .library(name: "RootGuardAWS", targets: ["RootGuardAWS"]),
        .library(name: "RootGuardHarden", targets: ["RootGuardHarden"]),
        .library(name: "RootGuardSigV4", targets: ["RootGuardSigV4"]),
        .library(name: "RootGuardFuzzing", targets: ["RootGuardFuzzing"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    ],
    targets: [
        // Pure layers: no network access, no AWS client.
        .target(name: "RootGuardModel"),
        .target(name: "RootGuardCompliance", dependencies: ["RootGuardModel"]),
        .target(
            name: "RootGuardChecks",
            dependencies: ["RootGuardModel", "RootGuardCompliance", "RootGuardPatterns", "RootGuardPolicy"]
        ),
        .target(name: "RootGuardPolicy", dependencies: ["RootGuardModel"]),
        .target(name: "RootGuardPatterns", dependencies: ["RootGuardModel"]),
        .target(
            name: "RootGuardTrail",
            dependencies: [
                "RootGuardModel", "CRootGuardInflate", .product(name: "Crypto", package: "swift-crypto"),
                // RSA signature checks of CloudTrail digest files (LogFileIntegrity).
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ]),
        // gzip inflation: zlib, and libdeflate loaded at run time when installed.
        .target(name: "CRootGuardInflate", linkerSettings: [.linkedLibrary("z"), .linkedLibrary("dl")]),
        // Every file rootguard reads or writes (snapshots and the bundled examples, reports, attestations, approvals,
        // contacts, output files): checked before any AWS call; no network.
        .target(
            name: "RootGuardFiles",
            dependencies: [
                "RootGuardModel", "RootGuardTrail", .product(name: "Yams", package: "Yams"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            resources: [.copy("Examples")]
        ),
        // Every renderer: terminal, JSON and the report formats; text from AWS or logs made safe here.
        .target(
            name: "RootGuardReport",
            dependencies: [
                "RootGuardModel", "RootGuardTrail", "RootGuardPolicy", "RootGuardChecks", "RootGuardCompliance",
            ]
        ),

        // The AWS client and its signer.
        .target(name: "RootGuardSigV4", dependencies: [.product(name: "Crypto", package: "swift-crypto")]),
        .target(
            name: "RootGuardAWS",
            dependencies: [
                "RootGuardSigV4", "RootGuardModel",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ]
        ),

        // Collectors, the harden subsystem and the facade.
        .target(
            name: "RootGuardCollect",
            dependencies: [
                "RootGuardModel", "RootGuardAWS", "RootGuardPolicy", "RootGuardPatterns",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Every change rootguard makes: the Hardener protocol, its runner, IaC helpers and each hardener.
        .target(
            name: "RootGuardHarden",
            dependencies: [
                "RootGuardModel", "RootGuardAWS", "RootGuardCollect", "RootGuardChecks", "RootGuardPolicy",
                "RootGuardPatterns", "RootGuardTrail",
            ]
        ),
        .target(
            name: "RootGuard",
            dependencies: [
                "RootGuardModel", "RootGuardCollect", "RootGuardHarden", "RootGuardChecks", "RootGuardCompliance",
                "RootGuardReport", "RootGuardTrail", "RootGuardPolicy", "RootGuardPatterns", "RootGuardAWS",
                "RootGuardFiles",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),

        .executableTarget(
            name: "rootguard",
            dependencies: [
                "RootGuard", "RootGuardAWS", "RootGuardModel", "RootGuardReport", "RootGuardCompliance",
                "RootGuardCollect", "RootGuardHarden", "RootGuardFiles", "RootGuardChecks", "RootGuardTrail",
                "RootGuardPolicy",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),

        // Every parser's fuzz target (run by FuzzTesting/ under libFuzzer, replayed by RootGuardFuzzingTests).
        .target(
            name: "RootGuardFuzzing",
            dependencies: [
                "RootGuardFiles", "RootGuardAWS", "RootGuardChecks", "RootGuardCollect", "RootGuardModel",
                "RootGuardPatterns", "RootGuardPolicy", "RootGuardTrail", "CRootGuardInflate", "RootGuardReport",
                "RootGuardHarden",
            ]
        ),

        // The replay server as a process (Benchmarks/org_scale.py).
        .executableTarget(
            name: "rootguard-replay", dependencies: ["RootGuardTesting"], path: "Sources/RootGuardReplay"),

        // Test support: the moto harness client, the fault-injecting server, fixtures.
        .target(
            name: "RootGuardTesting",
            dependencies: [
                "RootGuardAWS", "RootGuardModel",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            resources: [.copy("Moto")]
        ),

        .testTarget(
            name: "RootGuardSigV4Tests",
            dependencies: ["RootGuardSigV4"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "RootGuardAWSTests",
            dependencies: ["RootGuardAWS", "RootGuardTesting", "RootGuardSigV4"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "RootGuardChecksTests",
            dependencies: ["RootGuardChecks", "RootGuardCompliance", "RootGuardModel", "RootGuardPatterns"]
        ),
        .testTarget(name: "RootGuardPatternsTests", dependencies: ["RootGuardPatterns", "RootGuardModel"]),
        .testTarget(name: "RootGuardPolicyTests", dependencies: ["RootGuardPolicy", "RootGuardModel"]),
        .testTarget(
            name: "RootGuardTrailTests",
            dependencies: [
                "RootGuardTrail", "RootGuardModel", "CRootGuardInflate", "RootGuardTesting",
                .product(name: "Yams", package: "Yams"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "RootGuardReportTests",
            dependencies: [
                "RootGuardReport", "RootGuardModel", "RootGuardTrail", "RootGuardPolicy", "RootGuardChecks",
                "RootGuardCompliance", "RootGuardFiles",
            ],
            exclude: ["Fixtures"]
        ),
        .testTarget(name: "RootGuardFuzzingTests", dependencies: ["RootGuardFuzzing"]),
        .testTarget(
            name: "RootGuardTests",
            dependencies: [
                "RootGuard", "RootGuardCollect", "RootGuardModel", "RootGuardReport", "RootGuardFiles",
                "RootGuardChecks", "RootGuardTrail",
            ]
        ),
        .testTarget(name: "RootGuardModelTests", dependencies: ["RootGuardModel"]),
        .testTarget(name: "RootGuardComplianceTests", dependencies: ["RootGuardCompliance", "RootGuardModel"]),
        .testTarget(
            name: "RootGuardFilesTests", dependencies: ["RootGuardFiles", "RootGuardModel", "RootGuardTrail"]),
        .testTarget(
            name: "RootGuardCollectTests",
            dependencies: ["RootGuardCollect", "RootGuardModel", "RootGuardAWS", "RootGuardTesting"]
        ),
        .testTarget(
            name: "RootGuardHardenTests",
            dependencies: [
                "RootGuardHarden", "RootGuardModel", "RootGuardAWS", "RootGuardChecks", "RootGuardPatterns",
                "RootGuardCollect", "RootGuardTesting", "RootGuardTrail",
            ]
        ),
        .testTarget(
            name: "RootGuardCLITests",
            dependencies: [
                "rootguard", "RootGuard", "RootGuardTesting", "RootGuardAWS", "RootGuardCollect", "RootGuardModel",
                "RootGuardHarden", "RootGuardFiles", "RootGuardTrail", "RootGuardChecks", "RootGuardReport",
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ],
            exclude: ["Fixtures/athena_duckdb.py", "Fixtures/ocsf_validate.py", "Fixtures/schema_validate.py"],
            resources: [.copy("Fixtures/attestations.yaml")]
        ),
    ],
    swiftLanguageModes: [.v6]
)

// Package-wide settings: every existential spelled `any`, and every module a file uses imported by that file.
for target in package.targets where target.type != .system {
    target.swiftSettings =
        (target.swiftSettings ?? []) + [
            .enableUpcomingFeature("ExistentialAny"), .enableUpcomingFeature("MemberImportVisibility"),
        ]
}
