// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "mlgate",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "mlgate", targets: ["mlgate"]),
    ],
    dependencies: [
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
    ],
    targets: [
        // C bridge to Debian's libgit2 (apt: libgit2-dev). Only GitState imports it.
        .systemLibrary(
            name: "CLibGit2",
            pkgConfig: "libgit2",
            providers: [.apt(["libgit2-dev"])]
        ),
        // zlib (Debian's zlib1g-dev, which libgit2-dev brings), for gzip-compressed data files.
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        // Initialises libgit2 once, on first use (owned by GitState).
        .target(name: "CGitStartup", dependencies: ["CLibGit2"], exclude: ["README.md"]),
        .target(name: "GitState", dependencies: ["CLibGit2", "CGitStartup"], exclude: ["README.md"]),
        // pipe2 and spawn-chdir, which need _GNU_SOURCE.
        .target(name: "CProcess", exclude: ["README.md"]),
        .target(name: "Expressions", exclude: ["README.md"]),
        // YAML with positions, and file:line:col diagnostics (workflows, actions, policy),
        // composed from the event stream of Yams' libyaml (its CYaml module).
        .target(name: "YAMLSource", dependencies: [.product(name: "Yams", package: "Yams")], exclude: ["README.md"]),
        .target(name: "Workflow", dependencies: [
            "Expressions", "YAMLSource",
            .product(name: "Yams", package: "Yams"),
        ], exclude: ["README.md"]),
        .target(name: "Runner", dependencies: [
            "Workflow", "Expressions", "GitState", "CProcess",
            .product(name: "Crypto", package: "swift-crypto"),
        ], exclude: ["README.md"]),
        // SVG charts drawn from numbers (pure).
        .target(name: "Charts", exclude: ["README.md"]),
        // Report formats: JUnit, SARIF, and documents rendered as HTML pages and Markdown.
        .target(name: "Reports", dependencies: ["Charts"], exclude: ["README.md"]),
        // Gate checks and their CheckResult.
        .target(name: "Checks", dependencies: [
            "GitState", "Expressions", "YAMLSource", "CZlib", "CProcess",
            .product(name: "Crypto", package: "swift-crypto"),
        ], exclude: ["README.md"]),
        // The security check: secrets (and unsafe model files, workflow and dependency hygiene).
        .target(name: "SecurityScan", dependencies: [
            "Checks", "GitState", "YAMLSource", "CZlib", "Workflow",
            .product(name: "Crypto", package: "swift-crypto"),
        ], exclude: ["README.md"]),
        // The model registry (GTO's tags), evidence notes, and later policy, decisions and approvals.
        .target(name: "Promotion", dependencies: [
            "GitState", "Expressions", "Checks", "YAMLSource", "SecurityScan",
            .product(name: "Crypto", package: "swift-crypto"),
        ], exclude: ["README.md"]),
        // The release manager's report and the registry site: the facts of a decision, from git.
        .target(name: "ReleaseReport", dependencies: [
            "Promotion", "Checks", "GitState", "Reports", "Charts",
        ], exclude: ["README.md"]),
        .target(name: "MLGateCommands", dependencies: [
            "ReleaseReport", "Runner", "YAMLSource", "Workflow", "Expressions", "Reports", "Promotion", "GitState", "Checks", "SecurityScan",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ], exclude: ["README.md"]),
        .executableTarget(name: "mlgate", dependencies: ["MLGateCommands"]),
        // `make bench` micro-benchmarks (not shipped).
        .executableTarget(name: "mlgate-bench", dependencies: ["Expressions", "GitState"]),

        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "ExpressionsTests", dependencies: ["Expressions"],
                    resources: [.copy("Conformance")]),
        .testTarget(name: "WorkflowTests", dependencies: ["Workflow", "YAMLSource", "TestSupport"]),
        .testTarget(name: "RunnerTests", dependencies: ["Runner", "TestSupport"]),
        .testTarget(name: "GitStateTests", dependencies: ["GitState", "TestSupport"]),
        .testTarget(name: "ChecksTests", dependencies: ["Checks", "TestSupport"]),
        .testTarget(name: "SecurityTests", dependencies: ["SecurityScan", "Checks", "GitState", "Reports", "YAMLSource", "Workflow", "TestSupport"]),
        .testTarget(name: "PromotionTests", dependencies: ["Promotion", "Checks", "GitState", "YAMLSource", "TestSupport"]),
        .testTarget(name: "ReportTests", dependencies: ["Charts", "Reports", "ReleaseReport", "Promotion", "Checks", "GitState", "TestSupport"]),
        // Stress, fault injection, crash rate and fuzzing, against the built executable and
        // the parsers in process.
        .testTarget(name: "ReliabilityTests", dependencies: ["Expressions", "Workflow", "YAMLSource", "Promotion", "Checks", "TestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)
